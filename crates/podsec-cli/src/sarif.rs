//! SARIF 2.1.0 output, with regions and related locations.

use std::cell::RefCell;

use serde::Serialize;
use serde::ser::{SerializeSeq, SerializeStruct, Serializer};
use serde_json::{Value, json};

use podsec::analysis::Part;
use podsec::{Check, Finding, FindingLevel, ObjectReport};

use crate::Judged;

/// Writes the SARIF log of `files`: one run whose results are written as the objects come (each
/// object's namespace-admission results, then its findings), each file's Namespaces whose labels do
/// not parse and its read errors after its objects; then the tool and its rules.
pub(crate) fn sarif<'a>(
    out: &mut impl std::io::Write,
    files: impl Iterator<Item = Judged<'a>>,
) -> serde_json::Result<()> {
    let log = Log(RefCell::new(Some(files)));
    serde_json::to_writer_pretty(out, &log)
}

/// The log (keys in the order `json!` gives them: `$schema`, `runs`, `version`).
struct Log<I>(RefCell<Option<I>>);

impl<'a, I: Iterator<Item = Judged<'a>>> Serialize for Log<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut log = serializer.serialize_struct("Log", 3)?;
        log.serialize_field("$schema", "https://json.schemastore.org/sarif-2.1.0.json")?;
        log.serialize_field("runs", &[Run(&self.0)])?;
        log.serialize_field("version", "2.1.0")?;
        log.end()
    }
}

/// The one run: its results, then the tool.
struct Run<'r, I>(&'r RefCell<Option<I>>);

impl<'a, I: Iterator<Item = Judged<'a>>> Serialize for Run<'_, I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut run = serializer.serialize_struct("Run", 2)?;
        run.serialize_field("results", &Results(self.0))?;
        run.serialize_field("tool", &json!({ "driver": { "name": "podsec", "version": env!("CARGO_PKG_VERSION"), "rules": rules() } }))?;
        run.end()
    }
}

/// Every rule: the checks, then namespace admission's.
fn rules() -> Vec<Value> {
    let mut rules: Vec<Value> = podsec::check::all()
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "shortDescription": { "text": c.summary },
                "fullDescription": { "text": c.docs.what },
                "help": { "text": c.docs.why, "markdown": podsec::docs::explain(c.id, podsec::docs::PLAYGROUND_URL).unwrap_or_default() },
                "properties": { "level": c.level.as_str() },
            })
        })
        .collect();
    rules.extend(ADMISSION_RULES.iter().map(|(id, summary)| {
        json!({ "id": id, "shortDescription": { "text": summary }, "properties": { "level": "admission" } })
    }));
    rules
}

/// The results of every file, written object by object.
struct Results<'r, I>(&'r RefCell<Option<I>>);

impl<'a, I: Iterator<Item = Judged<'a>>> Serialize for Results<'_, I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let checks = podsec::check::all();
        let mut seq = serializer.serialize_seq(None)?;
        for mut file in self.0.take().into_iter().flatten() {
            let uri = file.path.trim_start_matches("./").to_string();
            let mut head: Option<Box<ObjectReport>> = None;
            for part in file.by_ref() {
                match part {
                    Part::Head(o, _) => {
                        for r in object_admission(&uri, &o) {
                            seq.serialize_element(&r)?;
                        }
                        head = Some(o);
                    }
                    Part::Finding(f) => {
                        if let Some(o) = &head {
                            seq.serialize_element(&result(&checks, &uri, o, &f))?;
                        }
                    }
                    Part::Suppressed(s) => {
                        if let Some(o) = &head {
                            let mut r = result(&checks, &uri, o, &s.finding);
                            r["suppressions"] = json!([{
                                "kind": "inSource",
                                "justification": s.suppression.reason,
                                "location": location(&uri, s.suppression.line, 1),
                            }]);
                            seq.serialize_element(&r)?;
                        }
                    }
                    Part::Container(_) | Part::End => {}
                }
            }
            let analysis = file.finish();
            if let Some(report) = &analysis.admission {
                for r in namespace_labels(&uri, report) {
                    seq.serialize_element(&r)?;
                }
            }
            for e in &analysis.errors {
                seq.serialize_element(&json!({
                    "ruleId": "parse-error",
                    "level": "error",
                    "message": { "text": e.message_and_help() },
                    "locations": [location(&uri, e.line, e.column)],
                }))?;
            }
        }
        seq.end()
    }
}

/// One result. An object rendered by Helm or Kustomize also names its template or base file as a
/// related location (the line is the rendered file's, so the template's region is left out).
fn result(checks: &[&Check], uri: &str, o: &ObjectReport, f: &Finding) -> Value {
    let level = match f.level {
        FindingLevel::Rejected
        | FindingLevel::Refused
        | FindingLevel::Baseline
        | FindingLevel::Restricted => "error",
        FindingLevel::Hardening | FindingLevel::Warning => "warning",
    };
    let mut r = json!({
        "ruleId": f.check,
        "level": level,
        "message": { "text": f.message },
        "locations": [location(uri, f.line, f.column)],
        "properties": { "object": format!("{}/{}", o.kind, podsec::model::shown_name(&o.name, o.generate_name.as_deref())), "podsecLevel": f.level.as_str() },
    });
    if let Some(i) = checks.iter().position(|c| c.id == f.check) {
        r["ruleIndex"] = json!(i);
    }
    let mut related: Vec<Value> = f
        .related
        .iter()
        .map(|rel| {
            let mut l = location(uri, rel.line, rel.column);
            l["message"] = json!({ "text": rel.message });
            l
        })
        .collect();
    if let Some(source) = &o.source {
        r["properties"]["source"] = json!(source);
        related.push(json!({
            "physicalLocation": { "artifactLocation": { "uri": source } },
            "message": { "text": format!("{}/{} is rendered from {source}", o.kind, podsec::model::shown_name(&o.name, o.generate_name.as_deref())) },
        }));
    }
    if !related.is_empty() {
        for (i, l) in related.iter_mut().enumerate() {
            l["id"] = json!(i);
        }
        r["relatedLocations"] = Value::Array(related);
    }
    r
}

/// The rules of namespace admission results: what a namespace's Pod Security labels do.
const ADMISSION_RULES: &[(&str, &str)] = &[
    (
        "namespace-enforce",
        "the namespace's enforce mode refuses the pod (or the pods the workload's controller creates)",
    ),
    (
        "namespace-warn",
        "the namespace's warn mode returns a warning to kubectl",
    ),
    (
        "namespace-audit",
        "the namespace's audit mode records a violation in the audit log",
    ),
    (
        "namespace-labels",
        "the Namespace's Pod Security labels do not parse: creating it is refused",
    ),
    (
        "namespace-mismatch",
        "kubectl refuses the object: its namespace differs from --namespace",
    ),
];

/// One SARIF result per namespace-admission outcome of an object that is not an allow: enforce
/// refusals (errors), warnings, audit violations (notes) and kubectl's refusals.
fn object_admission(uri: &str, o: &ObjectReport) -> Vec<Value> {
    use podsec::admission::Decision;
    let mut out = Vec::new();
    let Some(a) = &o.admission else {
        return out;
    };
    let object = format!(
        "{}/{}",
        o.kind,
        podsec::model::shown_name(&o.name, o.generate_name.as_deref())
    );
    if let Some(e) = &a.client_error {
        out.push(admission_result(
            uri,
            "namespace-mismatch",
            "error",
            e.clone(),
            o.line,
            object.clone(),
        ));
    }
    let pods = a.pods.as_ref().map(|p| &p.modes);
    // The pods' warnings go to their controller, not to kubectl: only the object's are shown.
    for (modes, is_pods) in std::iter::once((&a.request, false)).chain(pods.map(|p| (p, true))) {
        let ns = &a.namespace;
        for (rule, level, outcome) in [
            ("namespace-enforce", "error", &modes.enforce),
            ("namespace-warn", "warning", &modes.warn),
            ("namespace-audit", "note", &modes.audit),
        ] {
            let shown = match outcome.result {
                Decision::Denied | Decision::Violation => true,
                Decision::Warning => !is_pods,
                _ => false,
            };
            if let (true, Some(m)) = (shown, &outcome.message) {
                out.push(admission_result(
                    uri,
                    rule,
                    level,
                    format!("namespace {ns}: {m}"),
                    o.line,
                    object.clone(),
                ));
            }
        }
    }
    out
}

/// One SARIF result per Namespace of the file whose labels do not parse (creating it is refused).
fn namespace_labels(uri: &str, report: &podsec::admission::AdmissionReport) -> Vec<Value> {
    report
        .namespaces
        .iter()
        .filter_map(|n| {
            let (e, line) = (n.create_error.as_ref()?, n.line?);
            Some(admission_result(
                uri,
                "namespace-labels",
                "error",
                e.clone(),
                line,
                format!("Namespace/{}", n.name),
            ))
        })
        .collect()
}

fn admission_result(
    uri: &str,
    rule: &str,
    level: &str,
    text: String,
    line: usize,
    object: String,
) -> Value {
    json!({
        "ruleId": rule,
        "level": level,
        "message": { "text": text },
        "locations": [location(uri, line, 1)],
        "properties": { "object": object },
    })
}

fn location(uri: &str, line: usize, column: usize) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri },
            "region": { "startLine": line.max(1), "startColumn": column.max(1) },
        }
    })
}
