//! `--format github`: GitHub Actions workflow commands, which the runner turns into annotations on
//! the pull request's files (`::error file=F,line=L,col=C,title=T::MESSAGE`).
//!
//! Findings that stop an object (Pod Security Standards, `rejected`, `refused`) and read errors are
//! `error`s; hardening advice and warnings are `warning`s; suppressed findings are not annotated.

use std::fmt::Write as _;
use std::io::Write;

use podsec::FindingLevel;
use podsec::analysis::Part;

use crate::Judged;

/// Writes one workflow command per finding as the objects come, then each file's read errors.
pub(crate) fn annotations<'a>(
    out: &mut impl Write,
    files: impl Iterator<Item = Judged<'a>>,
) -> std::io::Result<()> {
    for mut file in files {
        let path = file.path.clone();
        let file_name = path.trim_start_matches("./");
        let mut head: Option<Box<podsec::ObjectReport>> = None;
        for part in file.by_ref() {
            let f = match part {
                Part::Head(h, _) => {
                    head = Some(h);
                    continue;
                }
                Part::Finding(f) => f,
                _ => continue,
            };
            let Some(o) = &head else { continue };
            let kind = match f.level {
                FindingLevel::Hardening | FindingLevel::Warning => "warning",
                _ => "error",
            };
            let mut title = format!("podsec {} ({})", f.check, f.level.as_str());
            let mut message = format!(
                "{} {}: {}",
                o.kind,
                podsec::model::shown_name(&o.name, o.generate_name.as_deref()),
                f.message
            );
            if let Some(source) = &o.source {
                let _ = write!(title, " in {source}");
                let _ = write!(message, " (rendered from {source})");
            }
            if let Some(fix) = &f.fix {
                let _ = write!(
                    message,
                    "\nfix ({}): {}",
                    fix.applicability.as_str(),
                    fix.title
                );
            }
            command(out, kind, file_name, f.line, f.column, &title, &message)?;
        }
        for e in &file.finish().errors {
            command(
                out,
                "error",
                file_name,
                e.line,
                e.column,
                "podsec: error",
                &e.message_and_help(),
            )?;
        }
    }
    Ok(())
}

fn command(
    out: &mut impl Write,
    kind: &str,
    file: &str,
    line: usize,
    col: usize,
    title: &str,
    message: &str,
) -> std::io::Result<()> {
    let mut props = String::new();
    if file != "-" {
        let _ = write!(props, "file={},", property(file));
    }
    let _ = write!(props, "line={line},col={col},title={}", property(title));
    writeln!(out, "::{kind} {props}::{}", data(message))
}

/// A command's message, escaped as the runner reads it back.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value, escaped as the runner reads it back.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(data("50%\r\nnext"), "50%25%0D%0Anext");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
