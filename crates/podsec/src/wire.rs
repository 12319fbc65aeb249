//! Reading back what [`crate::analyze`] wrote: `Deserialize` for the types whose JSON form is
//! written by hand, so that an [`crate::Analysis`] computed in one place (the playground's Web
//! Worker) can be rebuilt in another. The JSON contract itself is unchanged.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::fix::{FieldPath, Fix, Patch, PatchValue};
use crate::model::{Finding, FindingLevel, Location, Related, Value, Version};
use crate::suppress::{Suppressed, Suppression};

/// A name the core writes from its own tables (`&'static str`). Spelled as an alias because
/// serde's derive would otherwise try to borrow it from the input.
pub type Name = &'static str;

/// The names the core writes as `&'static str`: container kinds, check IDs, field names.
fn intern(s: &str) -> Option<&'static str> {
    const KINDS: [&str; 3] = ["initContainer", "container", "ephemeralContainer"];
    KINDS
        .into_iter()
        .find(|k| *k == s)
        .or_else(|| {
            crate::glossary::FIELDS
                .iter()
                .map(|f| f.name)
                .find(|n| *n == s)
        })
        .or_else(|| crate::check::find(s).map(|c| c.id))
}

/// Deserializes one of the core's static names.
///
/// # Errors
/// When the name is not one the core writes.
pub fn static_str<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let s = String::deserialize(d)?;
    intern(&s).ok_or_else(|| de::Error::custom(format!("unknown name `{s}`")))
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Version::parse(&s).ok_or_else(|| de::Error::custom(format!("bad version `{s}`")))
    }
}

impl<'de> Deserialize<'de> for FieldPath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(FieldPath::parse(&s))
    }
}

/// A JSON-like value, read before it becomes a [`Value`] or a [`PatchValue`].
enum Any {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<Any>),
    Map(Vec<(String, Any)>),
}

impl<'de> Deserialize<'de> for Any {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Any;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Any, E> {
                Ok(Any::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Any, E> {
                Ok(Any::Null)
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Any, E> {
                Ok(Any::Bool(b))
            }
            fn visit_i64<E: de::Error>(self, i: i64) -> Result<Any, E> {
                Ok(Any::Int(i))
            }
            fn visit_u64<E: de::Error>(self, u: u64) -> Result<Any, E> {
                i64::try_from(u)
                    .map(Any::Int)
                    .map_err(|_| E::custom("integer out of range"))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Any, E> {
                Ok(Any::Str(s.to_string()))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Any, E> {
                Ok(Any::Str(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Any, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = s.next_element()? {
                    items.push(item);
                }
                Ok(Any::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Any, A::Error> {
                let mut entries = Vec::new();
                while let Some((k, v)) = m.next_entry()? {
                    entries.push((k, v));
                }
                Ok(Any::Map(entries))
            }
        }
        d.deserialize_any(V)
    }
}

fn to_value(a: Any) -> Value {
    match a {
        Any::Null => Value::Null,
        Any::Bool(b) => Value::Bool(b),
        Any::Int(i) => Value::Int(i),
        Any::Str(s) => Value::Str(s),
        Any::List(l) => Value::List(l.into_iter().map(to_value).collect()),
        Any::Map(m) => Value::Object(m.into_iter().map(|(k, v)| (k, to_value(v))).collect()),
    }
}

fn to_patch_value(a: Any) -> Option<PatchValue> {
    Some(match a {
        Any::Null => return None,
        Any::Bool(b) => PatchValue::Bool(b),
        Any::Int(i) => PatchValue::Int(i),
        Any::Str(s) => PatchValue::Str(s),
        Any::List(l) => PatchValue::List(l.into_iter().map(to_patch_value).collect::<Option<_>>()?),
        Any::Map(m) => PatchValue::Map(
            m.into_iter()
                .map(|(k, v)| Some((k, to_patch_value(v)?)))
                .collect::<Option<_>>()?,
        ),
    })
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Any::deserialize(d).map(to_value)
    }
}

impl<'de> Deserialize<'de> for PatchValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        to_patch_value(Any::deserialize(d)?).ok_or_else(|| de::Error::custom("null in a patch"))
    }
}

/// A [`Patch`] as written (`{"op": "set", "path": ..., "value": ...}`), read in place. serde's
/// derive for an internally tagged enum, like its `flatten`, first buffers the whole object in a
/// generic `Content` tree: code the playground's wasm would carry for these two types alone.
#[derive(Deserialize)]
struct PatchWire {
    op: Op,
    path: FieldPath,
    #[serde(default)]
    value: Option<PatchValue>,
    #[serde(default)]
    item: Option<PatchValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
enum Op {
    Set,
    Ensure,
    RemoveItem,
    Remove,
}

impl<'de> Deserialize<'de> for Patch {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let PatchWire {
            op,
            path,
            value,
            item,
        } = PatchWire::deserialize(d)?;
        Ok(match (op, value, item) {
            (Op::Set, Some(value), _) => Patch::Set { path, value },
            (Op::Ensure, _, Some(item)) => Patch::Ensure { path, item },
            (Op::RemoveItem, _, Some(PatchValue::Str(item))) => Patch::RemoveItem { path, item },
            (Op::Remove, _, _) => Patch::Remove { path },
            (Op::Set, None, _) => return Err(de::Error::missing_field("value")),
            (Op::Ensure | Op::RemoveItem, _, _) => {
                return Err(de::Error::custom("a patch without its item"));
            }
        })
    }
}

/// A [`Suppressed`] as written: the finding's own fields and `suppression` side by side, read in
/// place (see [`PatchWire`]). Building the [`Finding`] below names every field, so a field added
/// to it does not compile until it is read here too.
#[derive(Deserialize)]
struct SuppressedWire {
    #[serde(deserialize_with = "static_str")]
    check: Name,
    pss: bool,
    level: FindingLevel,
    message: String,
    container: Option<String>,
    line: usize,
    column: usize,
    path: String,
    #[serde(default)]
    related: Vec<Related>,
    fix: Option<Fix>,
    suppression: Suppression,
}

impl<'de> Deserialize<'de> for Suppressed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = SuppressedWire::deserialize(d)?;
        Ok(Suppressed {
            finding: Finding {
                check: w.check,
                pss: w.pss,
                level: w.level,
                message: w.message,
                container: w.container,
                line: w.line,
                column: w.column,
                location: Location::default(),
                path: w.path,
                related: w.related,
                fix: w.fix,
            },
            suppression: w.suppression,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::{Analysis, Options, analyze};

    fn round_trip(text: &str, options: &Options) {
        let analysis = analyze(text, options);
        let json = serde_json::to_string(&analysis).unwrap();
        let back: Analysis = serde_json::from_str(&json).unwrap();
        // Byte spans are not part of the JSON form; everything shown is.
        let strip = |mut a: Analysis| {
            for o in &mut a.objects {
                for f in &mut o.findings {
                    f.location = crate::model::Location::default();
                }
                for s in &mut o.suppressed {
                    s.finding.location = crate::model::Location::default();
                }
            }
            a
        };
        assert_eq!(strip(back), strip(analysis));
    }

    #[test]
    fn suppressed_findings_survive_the_json_round_trip() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    runAsUser: 0  # podsec:ignore=runAsUser its entrypoint drops root itself\n  containers:\n  - name: c\n    image: i\n    securityContext:\n      privileged: true  # podsec:ignore=privileged the driver needs the host's devices\n";
        let analysis = analyze(text, &Options::default());
        let suppressed = &analysis.objects[0].suppressed;
        assert_eq!(suppressed.len(), 2, "{suppressed:#?}");
        assert!(suppressed.iter().all(|s| s.finding.fix.is_some()));
        assert!(suppressed.iter().any(|s| !s.finding.related.is_empty()));
        round_trip(text, &Options::default());
    }

    #[test]
    fn every_kind_of_patch_survives_the_json_round_trip() {
        use crate::fix::{FieldPath, Patch, PatchValue};
        let path = FieldPath::parse("spec.containers[0].securityContext.capabilities.drop");
        let patches = vec![
            Patch::Set {
                path: path.clone(),
                value: PatchValue::Map(vec![("a".into(), PatchValue::Int(1))]),
            },
            Patch::Ensure {
                path: path.clone(),
                item: PatchValue::Str("ALL".into()),
            },
            Patch::RemoveItem {
                path: path.clone(),
                item: "7".into(),
            },
            Patch::Remove { path },
        ];
        let json = serde_json::to_string(&patches).unwrap();
        assert_eq!(serde_json::from_str::<Vec<Patch>>(&json).unwrap(), patches);
        for bad in [
            r#"{"op":"set","path":"a"}"#,
            r#"{"op":"ensure","path":"a"}"#,
            r#"{"op":"removeItem","path":"a","item":1}"#,
            r#"{"op":"rename","path":"a"}"#,
        ] {
            assert!(serde_json::from_str::<Patch>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_example_survives_the_json_round_trip() {
        for e in crate::examples::EXAMPLES {
            round_trip(e.yaml, &Options::default());
            for level in crate::examples::LEVELS {
                round_trip(
                    e.yaml,
                    &Options {
                        level,
                        ..Options::default()
                    },
                );
            }
        }
    }

    #[test]
    fn the_corpus_survives_the_json_round_trip() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/files");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            eprintln!("corpus not found at {}: skipped", dir.display());
            return;
        };
        for project in entries.flatten() {
            for file in std::fs::read_dir(project.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                if let Ok(text) = std::fs::read_to_string(file.path()) {
                    round_trip(&text, &Options::default());
                }
            }
        }
    }

    #[test]
    fn hardened_rewrites_survive_the_json_round_trip() {
        use crate::{Applicability, HardenOptions, Hardened, harden};
        for e in crate::examples::EXAMPLES {
            for threshold in [Applicability::Safe, Applicability::Unsafe] {
                let options = HardenOptions {
                    threshold,
                    ..HardenOptions::default()
                };
                let json = serde_json::to_string(&options).unwrap();
                assert_eq!(
                    serde_json::from_str::<HardenOptions>(&json).unwrap(),
                    options
                );
                let hardened = harden(e.yaml, &options);
                let json = serde_json::to_string(&hardened).unwrap();
                assert_eq!(serde_json::from_str::<Hardened>(&json).unwrap(), hardened);
            }
        }
    }

    #[test]
    fn options_survive_the_json_round_trip() {
        let options = Options {
            kube_minor: Some(24),
            image_users: vec![("app".into(), "1000".into())],
            min_uid: Some(10000),
            ..Options::default()
        };
        let json = serde_json::to_string(&options).unwrap();
        assert_eq!(serde_json::from_str::<Options>(&json).unwrap(), options);
    }
}
