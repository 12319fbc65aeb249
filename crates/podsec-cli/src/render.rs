//! Output for people (text, effective table) and for programs (the JSON contract).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;

use serde::Serialize;

use podsec::{Analysis, FindingLevel, ObjectReport, Options};

/// Who would stop an object even when Pod Security Admission admits it: the API server
/// ([`FindingLevel::Rejected`]) before the kubelet or runtime ([`FindingLevel::Refused`]).
pub(crate) fn stopped_by(o: &ObjectReport) -> Option<FindingLevel> {
    o.findings
        .iter()
        .map(|f| f.level)
        .filter(|l| matches!(l, FindingLevel::Rejected | FindingLevel::Refused))
        .min()
}

/// Text from the input (names, paths, messages quoting values) made safe for a terminal: control
/// characters, which could move the cursor or retitle the window, are written as `\u{..}`.
pub(crate) fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `KIND NAME (line N)`.
fn heading(o: &ObjectReport) -> String {
    format!("{} {} (line {})", clean(&o.kind), clean(&o.name), o.line)
}

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
    let (mut stopped, mut errors) = (0, 0);
    for (path, a) in results {
        let path = clean(path);
        writeln!(out, "{}", paint.wrap("1", &path))?;
        for e in &a.errors {
            errors += 1;
            writeln!(
                out,
                "  {} {}:{}:{}: {}",
                paint.wrap("1;31", "error"),
                path,
                e.line,
                e.column,
                clean(&e.message)
            )?;
        }
        for o in &a.objects {
            objects += 1;
            let mut verdict = if o.allowed {
                paint.wrap("32", &format!("admitted at {label}"))
            } else {
                denied += 1;
                paint.wrap("1;31", &format!("denied at {label}"))
            };
            if let Some(level) = stopped_by(o) {
                stopped += 1;
                let by = match level {
                    FindingLevel::Rejected => "but the API server rejects it",
                    _ => "but the kubelet or runtime refuses it",
                };
                verdict = format!("{verdict}, {}", paint.wrap("1;31", by));
            }
            writeln!(out, "  {}: {verdict}", heading(o))?;
            if let Some(m) = &o.admission_message {
                writeln!(out, "    {}", paint.wrap("2", &clean(m)))?;
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
                    clean(&f.message)
                )?;
                for r in &f.related {
                    writeln!(
                        out,
                        "      {}:{}:{} {}",
                        path,
                        r.line,
                        r.column,
                        clean(&r.message)
                    )?;
                }
                if let Some(fix) = &f.fix {
                    writeln!(
                        out,
                        "      fix ({}): {}",
                        fix.applicability.as_str(),
                        clean(&fix.title)
                    )?;
                }
            }
        }
        for s in &a.skipped {
            writeln!(
                out,
                "  {} {} (line {}): skipped: {}",
                if s.kind.is_empty() {
                    Cow::Borrowed("document")
                } else {
                    clean(&s.kind)
                },
                clean(&s.name),
                s.line,
                clean(&s.reason)
            )?;
        }
    }
    let mut summary = format!("{objects} objects, {denied} denied");
    if stopped > 0 {
        let _ = write!(summary, ", {stopped} rejected or refused");
    }
    let _ = write!(summary, ", {findings} findings");
    if errors > 0 {
        let _ = write!(summary, ", {errors} errors");
    }
    writeln!(out, "{summary}")?;
    Ok(())
}

pub(crate) fn effective(
    out: &mut impl Write,
    path: &str,
    a: &Analysis,
    color: bool,
) -> std::io::Result<()> {
    let paint = Paint(color);
    let path = clean(path);
    writeln!(out, "{}", paint.wrap("1", &path))?;
    for e in &a.errors {
        writeln!(
            out,
            "  error {}:{}:{}: {}",
            path,
            e.line,
            e.column,
            clean(&e.message)
        )?;
    }
    for o in &a.objects {
        writeln!(out, "  {}", heading(o))?;
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
                    .map_or_else(String::new, |n| format!("  ({})", clean(n)));
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
