//! SARIF 2.1.0 output, with regions and related locations.

use serde_json::{Value, json};

use podsec::{Analysis, FindingLevel};

pub(crate) fn sarif(results: &[(String, Analysis)]) -> Value {
    let checks = podsec::check::all();
    let rules: Vec<Value> = checks
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "shortDescription": { "text": c.summary },
                "fullDescription": { "text": c.docs.what },
                "help": { "text": c.docs.why, "markdown": podsec::docs::explain(c.id).unwrap_or_default() },
                "properties": { "level": c.level.as_str() },
            })
        })
        .collect();
    let mut out = Vec::new();
    for (path, a) in results {
        let uri = path.trim_start_matches("./");
        for e in &a.errors {
            out.push(json!({
                "ruleId": "parse-error",
                "level": "error",
                "message": { "text": e.message },
                "locations": [location(uri, e.line, e.column)],
            }));
        }
        for o in &a.objects {
            for f in &o.findings {
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
                if !f.related.is_empty() {
                    r["relatedLocations"] = Value::Array(
                        f.related
                            .iter()
                            .enumerate()
                            .map(|(i, rel)| {
                                let mut l = location(uri, rel.line, rel.column);
                                l["id"] = json!(i);
                                l["message"] = json!({ "text": rel.message });
                                l
                            })
                            .collect(),
                    );
                }
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

fn location(uri: &str, line: usize, column: usize) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri },
            "region": { "startLine": line.max(1), "startColumn": column.max(1) },
        }
    })
}
