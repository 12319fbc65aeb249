//! Output for people (text, effective table) and for programs (the JSON contract).

use std::io::Write;

use serde::Serialize;

use podsec::{Analysis, FindingLevel, Options};

/// The JSON contract of `podsec check --format json`.
#[derive(Serialize)]
pub(crate) struct Report<'a> {
    /// Whether every object is admitted and every file parsed.
    allowed: bool,
    level: &'static str,
    /// The version actually evaluated.
    version: String,
    #[serde(rename = "requestedVersion")]
    requested_version: String,
    files: Vec<FileReport<'a>>,
}

#[derive(Serialize)]
struct FileReport<'a> {
    path: &'a str,
    errors: &'a [podsec::ParseError],
    objects: &'a [podsec::ObjectReport],
    skipped: &'a [podsec::Skipped],
}

pub(crate) fn json<'a>(options: &Options, results: &'a [(String, Analysis)]) -> Report<'a> {
    Report {
        allowed: results
            .iter()
            .all(|(_, a)| a.errors.is_empty() && a.objects.iter().all(|o| o.allowed)),
        level: options.level.as_str(),
        version: podsec::analysis::policy_version(options).evaluated_label(),
        requested_version: options.version.label(),
        files: results
            .iter()
            .map(|(path, a)| FileReport {
                path,
                errors: &a.errors,
                objects: &a.objects,
                skipped: &a.skipped,
            })
            .collect(),
    }
}

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn level(&self, l: FindingLevel) -> String {
        let code = match l {
            FindingLevel::Rejected | FindingLevel::Refused => "1;31",
            FindingLevel::Baseline | FindingLevel::Restricted => "31",
            FindingLevel::Hardening => "36",
            FindingLevel::Warning => "33",
        };
        self.wrap(code, l.as_str())
    }
}

pub(crate) fn text(
    out: &mut impl Write,
    options: &Options,
    results: &[(String, Analysis)],
    color: bool,
) -> std::io::Result<()> {
    let paint = Paint(color);
    let label = format!("{}:{}", options.level.as_str(), options.version.label());
    let (mut objects, mut denied, mut findings) = (0, 0, 0);
    for (path, a) in results {
        writeln!(out, "{}", paint.wrap("1", path))?;
        for e in &a.errors {
            writeln!(
                out,
                "  {} {}:{}:{}: {}",
                paint.wrap("1;31", "error"),
                path,
                e.line,
                e.column,
                e.message
            )?;
        }
        for o in &a.objects {
            objects += 1;
            let verdict = if o.allowed {
                paint.wrap("32", &format!("admitted at {label}"))
            } else {
                denied += 1;
                paint.wrap("1;31", &format!("denied at {label}"))
            };
            writeln!(out, "  {} {} (line {}): {verdict}", o.kind, o.name, o.line)?;
            if let Some(m) = &o.admission_message {
                writeln!(out, "    {}", paint.wrap("2", m))?;
            }
            for f in &o.findings {
                findings += 1;
                writeln!(
                    out,
                    "    {}:{}:{} {} {} {}",
                    path,
                    f.line,
                    f.column,
                    paint.level(f.level),
                    paint.wrap("1", &f.check),
                    f.message
                )?;
                for r in &f.related {
                    writeln!(out, "      {}:{}:{} {}", path, r.line, r.column, r.message)?;
                }
                if let Some(fix) = &f.fix {
                    writeln!(
                        out,
                        "      fix ({}): {}",
                        fix.applicability.as_str(),
                        fix.title
                    )?;
                }
            }
        }
        for s in &a.skipped {
            writeln!(
                out,
                "  {} {} (line {}): skipped: {}",
                if s.kind.is_empty() {
                    "document"
                } else {
                    &s.kind
                },
                s.name,
                s.line,
                s.reason
            )?;
        }
    }
    writeln!(
        out,
        "{objects} objects, {denied} denied, {findings} findings"
    )?;
    Ok(())
}

pub(crate) fn effective(
    out: &mut impl Write,
    path: &str,
    a: &Analysis,
    color: bool,
) -> std::io::Result<()> {
    let paint = Paint(color);
    writeln!(out, "{}", paint.wrap("1", path))?;
    for e in &a.errors {
        writeln!(
            out,
            "  error {}:{}:{}: {}",
            path, e.line, e.column, e.message
        )?;
    }
    for o in &a.objects {
        writeln!(out, "  {} {} (line {})", o.kind, o.name, o.line)?;
        for c in &o.containers {
            writeln!(out, "    {} {:?} (line {})", c.kind, c.name, c.line)?;
            for (field, v) in &c.effective.fields {
                let value = serde_json::to_string(&v.value).unwrap_or_default();
                let line = v
                    .line
                    .map_or_else(|| "-".to_string(), |l| format!("line {l}"));
                let note = v
                    .note
                    .as_deref()
                    .map_or_else(String::new, |n| format!("  ({n})"));
                writeln!(
                    out,
                    "      {field:<26} {value:<40} {:<10} {line}{}",
                    v.source.as_str(),
                    paint.wrap("2", &note)
                )?;
            }
        }
    }
    Ok(())
}
