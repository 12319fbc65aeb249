//! Fixes as data: declarative, idempotent patches on field paths, graded by how safe they are.
//!
//! Checks attach a [`Fix`] to a finding; `harden` turns the patches into text edits on the user's
//! source. A patch says *what* should be true afterwards (a key has a value, a list holds an item,
//! a key is gone), never *how* to edit text, so applying one twice changes nothing.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// How safe a fix is to apply without a human.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Needs a human choice; shown as guidance, never applied.
    Manual,
    /// May stop a working workload (say how in the fix's note).
    Unsafe,
    /// Cannot stop a correctly working workload.
    Safe,
}

impl Applicability {
    /// The lowercase name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Manual => "manual",
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        }
    }
}

/// One segment of a field path.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    /// A mapping key: one of Kubernetes' field names borrowed (see [`key`]), another owned.
    Key(Text),
    /// A sequence index.
    Index(usize),
}

/// A path's key: the field names the checks' fixes write borrowed (the security-context fields
/// from [`crate::glossary::FIELDS`], the structure around them from the list below), so that the
/// paths of a thousand findings and edits do not hold a thousand copies of `securityContext`
/// (each key of a path was a string of its own: five allocations a patch).
#[must_use]
pub fn key(k: &str) -> Text {
    const STRUCTURE: [&str; 26] = [
        "spec",
        "template",
        "jobTemplate",
        "metadata",
        "annotations",
        "items",
        "containers",
        "initContainers",
        "ephemeralContainers",
        "securityContext",
        "add",
        "drop",
        "type",
        "localhostProfile",
        "hostProcess",
        "volumes",
        "volumeMounts",
        "emptyDir",
        "hostPath",
        "name",
        "mountPath",
        "ports",
        "hostPort",
        "resources",
        "limits",
        "requests",
    ];
    STRUCTURE
        .into_iter()
        .chain(crate::glossary::FIELDS.iter().map(|f| f.name))
        .find(|known| *known == k)
        .map_or_else(|| Cow::Owned(k.to_string()), Cow::Borrowed)
}

/// A path from the document root, e.g. `spec.template.spec.containers[0].securityContext`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FieldPath(pub Vec<Seg>);

impl FieldPath {
    /// Parses the dotted form (`a.b[0].c`). Keys may not contain `.` or `[`; annotation keys are
    /// written `metadata.annotations["key/with.dots"]`.
    #[must_use]
    pub fn parse(s: &str) -> FieldPath {
        let mut segs = Vec::new();
        let mut rest = s;
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('.') {
                rest = r;
                continue;
            }
            if let Some(r) = rest.strip_prefix("[\"") {
                let end = r.find("\"]").unwrap_or(r.len());
                segs.push(Seg::Key(key(r.get(..end).unwrap_or(""))));
                rest = r.get(end + 2..).unwrap_or("");
                continue;
            }
            if let Some(r) = rest.strip_prefix('[') {
                let end = r.find(']').unwrap_or(r.len());
                let n = r.get(..end).and_then(|d| d.parse().ok()).unwrap_or(0);
                segs.push(Seg::Index(n));
                rest = r.get(end + 1..).unwrap_or("");
                continue;
            }
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            segs.push(Seg::Key(key(rest.get(..end).unwrap_or(""))));
            rest = rest.get(end..).unwrap_or("");
        }
        FieldPath(segs)
    }

    /// This path with a key appended.
    #[must_use]
    pub fn key(&self, k: &str) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Seg::Key(key(k)));
        p
    }

    /// This path with an index appended.
    #[must_use]
    pub fn index(&self, i: usize) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Seg::Key(k) if k.contains(['.', '/', '[']) => write!(f, "[\"{k}\"]")?,
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

impl Serialize for FieldPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A value to write.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PatchValue {
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string (written plain when YAML allows, quoted otherwise).
    Str(String),
    /// A list.
    List(Vec<PatchValue>),
    /// A mapping, in the order to write.
    Map(Vec<(String, PatchValue)>),
}

impl Serialize for PatchValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            PatchValue::Bool(b) => s.serialize_bool(*b),
            PatchValue::Int(i) => s.serialize_i64(*i),
            PatchValue::Str(v) => s.serialize_str(v),
            PatchValue::List(l) => s.collect_seq(l),
            PatchValue::Map(entries) => {
                let mut m = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}

/// One declarative change. (Read back by hand: see `wire.rs`.)
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum Patch {
    /// The key at `path` has `value` (intermediate mappings are created).
    Set {
        /// Where.
        path: FieldPath,
        /// What.
        value: PatchValue,
    },
    /// The list at `path` contains `item` (the list is created when missing).
    Ensure {
        /// Where.
        path: FieldPath,
        /// What.
        item: PatchValue,
    },
    /// The list at `path` does not contain the scalar `item`.
    RemoveItem {
        /// Where.
        path: FieldPath,
        /// What.
        item: String,
    },
    /// The key (or list element) at `path` is gone.
    Remove {
        /// Where.
        path: FieldPath,
    },
}

impl Patch {
    /// The path the patch touches.
    #[must_use]
    pub fn path(&self) -> &FieldPath {
        match self {
            Patch::Set { path, .. }
            | Patch::Ensure { path, .. }
            | Patch::RemoveItem { path, .. }
            | Patch::Remove { path } => path,
        }
    }

    /// The same change at another path.
    #[must_use]
    pub fn with_path(&self, path: FieldPath) -> Patch {
        let mut p = self.clone();
        match &mut p {
            Patch::Set { path: at, .. }
            | Patch::Ensure { path: at, .. }
            | Patch::RemoveItem { path: at, .. }
            | Patch::Remove { path: at } => *at = path,
        }
        p
    }
}

/// A fix's note: a check's own words are borrowed (they are the same for every finding, so a
/// thousand pods do not hold a thousand copies), words that name a value are owned.
pub type Text = Cow<'static, str>;

/// A fix for one finding.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fix {
    /// Imperative one-line title, e.g. `set securityContext.allowPrivilegeEscalation: false`.
    pub title: String,
    /// How safe it is.
    pub applicability: Applicability,
    /// For unsafe and manual fixes: how it may break the workload, or what the human must decide.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
    /// The changes (empty for manual fixes that cannot be expressed as patches).
    pub patches: Vec<Patch>,
}

impl Fix {
    /// A safe fix.
    #[must_use]
    pub fn safe(title: impl Into<String>, patches: Vec<Patch>) -> Fix {
        Fix {
            title: title.into(),
            applicability: Applicability::Safe,
            note: None,
            patches,
        }
    }

    /// An unsafe fix, with how it may break the workload.
    #[must_use]
    pub fn unsafe_(title: impl Into<String>, note: impl Into<Text>, patches: Vec<Patch>) -> Fix {
        Fix {
            title: title.into(),
            applicability: Applicability::Unsafe,
            note: Some(note.into()),
            patches,
        }
    }

    /// Guidance only.
    #[must_use]
    pub fn manual(title: impl Into<String>, note: impl Into<Text>) -> Fix {
        Fix {
            title: title.into(),
            applicability: Applicability::Manual,
            note: Some(note.into()),
            patches: Vec::new(),
        }
    }
}

/// Whether a check can fix what it finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixAvailability {
    /// Every finding carries an applicable (safe or unsafe) fix.
    Always,
    /// Some findings do.
    Sometimes,
    /// None do (guidance at most).
    None,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_field_names_in_paths_are_borrowed_and_others_owned() {
        let p =
            FieldPath::parse("spec.template.spec.containers[0].securityContext.capabilities.drop");
        assert_eq!(p.0.len(), 8);
        for seg in &p.0 {
            if let Seg::Key(k) = seg {
                assert!(matches!(k, Cow::Borrowed(_)), "{k}");
            }
        }
        let p = FieldPath::parse("metadata.annotations[\"example.com/team\"].x");
        let owned: Vec<&str> =
            p.0.iter()
                .filter_map(|s| match s {
                    Seg::Key(Cow::Owned(k)) => Some(k.as_str()),
                    _ => None,
                })
                .collect();
        assert_eq!(owned, ["example.com/team", "x"]);
        assert_eq!(
            p.to_string(),
            "metadata.annotations[\"example.com/team\"].x"
        );
    }

    #[test]
    fn field_path_round_trip() {
        for s in [
            "spec.template.spec.containers[0].securityContext.runAsNonRoot",
            "items[2].spec.volumes[1]",
            "metadata.annotations[\"container.apparmor.security.beta.kubernetes.io/app\"]",
        ] {
            assert_eq!(FieldPath::parse(s).to_string(), s);
        }
    }
}
