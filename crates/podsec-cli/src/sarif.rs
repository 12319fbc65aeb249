//! SARIF 2.1.0 output, with regions and related locations.

use serde_json::{Value, json};

use podsec::{Check, Finding, FindingLevel, ObjectReport};

use crate::Checked;

pub(crate) fn sarif(results: &[Checked]) -> Value {
    let checks = podsec::check::all();
    let rules: Vec<Value> = checks
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
    let mut rules = rules;
    rules.extend(ADMISSION_RULES.iter().map(|(id, summary)| {
        json!({ "id": id, "shortDescription": { "text": summary }, "properties": { "level": "admission" } })
    }));
    let mut out = Vec::new();
    for c in results {
        out.extend(admission(c));
        let uri = c.path.trim_start_matches("./");
        for e in &c.analysis.errors {
            out.push(json!({
                "ruleId": "parse-error",
                "level": "error",
                "message": { "text": e.message },
                "locations": [location(uri, e.line, e.column)],
            }));
        }
        for o in &c.analysis.objects {
            for f in &o.findings {
                out.push(result(&checks, uri, o, f));
            }
            for s in &o.suppressed {
                let mut r = result(&checks, uri, o, &s.finding);
                r["suppressions"] = json!([{
                    "kind": "inSource",
                    "justification": s.suppression.reason,
                    "location": location(uri, s.suppression.line, 1),
                }]);
                out.push(r);
            }
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "podsec", "version": env!("CARGO_PKG_VERSION"), "rules": rules } },
            "results": out,
        }],
    })
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
        "properties": { "object": format!("{}/{}", o.kind, o.name), "podsecLevel": f.level.as_str() },
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
            "message": { "text": format!("{}/{} is rendered from {source}", o.kind, o.name) },
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

/// One SARIF result per namespace-admission outcome that is not an allow: enforce refusals
/// (errors), warnings, audit violations (notes), refused Namespaces and kubectl's refusals.
fn admission(c: &Checked) -> Vec<Value> {
    use podsec::admission::Decision;
    let uri = c.path.trim_start_matches("./");
    let mut out = Vec::new();
    let mut push = |rule: &str, level: &str, text: String, line: usize, object: String| {
        out.push(json!({
            "ruleId": rule,
            "level": level,
            "message": { "text": text },
            "locations": [location(uri, line, 1)],
            "properties": { "object": object },
        }));
    };
    for o in &c.analysis.objects {
        let Some(a) = &o.admission else { continue };
        let object = format!("{}/{}", o.kind, o.name);
        if let Some(e) = &a.client_error {
            push(
                "namespace-mismatch",
                "error",
                e.clone(),
                o.line,
                object.clone(),
            );
        }
        let pods = a.pods.as_ref().map(|p| &p.modes);
        // The pods' warnings go to their controller, not to kubectl: only the object's are shown.
        for (modes, is_pods) in std::iter::once((&a.request, false)).chain(pods.map(|p| (p, true)))
        {
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
                    push(
                        rule,
                        level,
                        format!("namespace {ns}: {m}"),
                        o.line,
                        object.clone(),
                    );
                }
            }
        }
    }
    if let Some(report) = &c.analysis.admission {
        for n in &report.namespaces {
            if let (Some(e), Some(line)) = (&n.create_error, n.line) {
                push(
                    "namespace-labels",
                    "error",
                    e.clone(),
                    line,
                    format!("Namespace/{}", n.name),
                );
            }
        }
    }
    out
}

fn location(uri: &str, line: usize, column: usize) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri },
            "region": { "startLine": line.max(1), "startColumn": column.max(1) },
        }
    })
}
