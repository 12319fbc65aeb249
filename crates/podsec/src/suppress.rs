//! Inline ignores: `# podsec:ignore=CHECK[,CHECK...] REASON` in the text.
//!
//! The reason is required; it is reported with every finding the comment suppresses. A comment
//! at the end of a line covers that line and the block nested under it; a comment on its own line
//! covers the next line and its block, or the whole document when only comments stand between it
//! and the document's start. Suppressed findings move from [`ObjectReport::findings`] to
//! [`ObjectReport::suppressed`], so every shell (and the rewrite) leaves them alone while still
//! being able to list them. A comment without a reason, or naming no known check, suppresses
//! nothing and is an error of the text.

use serde::{Deserialize, Serialize};

use crate::analysis::{Analysis, ObjectReport};
use crate::model::{Finding, ParseError};

/// The marker that starts an inline ignore.
pub const MARKER: &str = "podsec:ignore=";

/// A finding an inline ignore suppressed. (Read back by hand: see `wire.rs`.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    /// The finding, as it would have been reported.
    #[serde(flatten)]
    pub finding: Finding,
    /// The ignore that suppressed it.
    pub suppression: Suppression,
}

/// Why a finding is not reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// The reason written in the comment.
    pub reason: String,
    /// 1-based line of the comment.
    pub line: usize,
}

/// One parsed `podsec:ignore` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ignore {
    /// The check IDs it names.
    pub checks: Vec<String>,
    /// The reason (never empty).
    pub reason: String,
    /// 1-based line of the comment.
    pub line: usize,
    /// 1-based column of the `#`.
    pub column: usize,
    /// First and last 1-based line it covers.
    pub covers: (usize, usize),
}

/// Reads every `podsec:ignore` comment of a text: the valid ones, and an error for each comment
/// without a reason or with an unknown check.
#[must_use]
pub fn parse(text: &str) -> (Vec<Ignore>, Vec<ParseError>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut ignores = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((hash, body)) = directive(line) else {
            continue;
        };
        let column = line.get(..hash).map_or(1, |s| s.chars().count() + 1);
        let (ids, reason) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
        let reason = reason.trim();
        let checks: Vec<String> = ids
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        let error = |message: String| ParseError {
            message,
            line: i + 1,
            column,
            document: None,
            help: None,
        };
        if let Some(unknown) = checks.iter().find(|c| crate::check::find(c).is_none()) {
            errors.push(error(format!(
                "{MARKER}{ids} names no check {unknown:?} (`podsec checks` lists them)"
            )));
            continue;
        }
        if checks.is_empty() || reason.is_empty() {
            errors.push(error(format!(
                "{MARKER}{ids} needs a check ID and a reason: `# {MARKER}CHECK why it is acceptable`"
            )));
            continue;
        }
        let own_line = line.get(..hash).is_some_and(|s| s.trim().is_empty());
        ignores.push(Ignore {
            checks,
            reason: reason.to_string(),
            line: i + 1,
            column,
            covers: covers(&lines, i, own_line),
        });
    }
    (ignores, errors)
}

/// The byte offset of the comment's `#` and the text after the marker, when the line holds an
/// ignore comment.
fn directive(line: &str) -> Option<(usize, &str)> {
    let hash = comment_start(line)?;
    let body = line.get(hash + 1..)?.trim_start().strip_prefix(MARKER)?;
    Some((hash, body.trim()))
}

/// The byte offset of the `#` that starts the line's comment: at the line's start or after a blank,
/// as YAML reads a comment.
fn comment_start(line: &str) -> Option<usize> {
    line.char_indices()
        .find(|&(i, c)| {
            c == '#'
                && (i == 0
                    || line
                        .get(..i)
                        .and_then(|s| s.chars().next_back())
                        .is_some_and(char::is_whitespace))
        })
        .map(|(i, _)| i)
}

/// A line without its comment.
fn code(line: &str) -> &str {
    comment_start(line)
        .and_then(|h| line.get(..h))
        .unwrap_or(line)
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

fn is_separator(line: &str) -> bool {
    line.starts_with("---") || line.starts_with("...")
}

/// The lines an ignore on line index `at` covers (1-based, inclusive).
fn covers(lines: &[&str], at: usize, own_line: bool) -> (usize, usize) {
    let mut target = at;
    if own_line {
        // The whole document, when only comments (and blanks) lie between its start and here.
        let at_start = lines
            .get(..at)
            .unwrap_or(&[])
            .iter()
            .rev()
            .take_while(|l| !is_separator(l))
            .all(|l| is_blank_or_comment(l));
        if at_start {
            let end = lines
                .iter()
                .skip(at + 1)
                .position(|l| is_separator(l))
                .map_or(lines.len(), |n| at + 1 + n);
            return (at + 1, end);
        }
        match lines
            .iter()
            .enumerate()
            .skip(at + 1)
            .find(|(_, l)| !is_blank_or_comment(l))
        {
            Some((n, _)) => target = n,
            None => return (at + 1, at + 1),
        }
    }
    let Some(head) = lines.get(target) else {
        return (at + 1, at + 1);
    };
    // Nested lines are indented further, except a block sequence written at its key's indentation.
    let base = head.len() - head.trim_start().len();
    let opens_block = !head.trim_start().starts_with('-') && code(head).trim_end().ends_with(':');
    let mut last = target;
    for (n, l) in lines.iter().enumerate().skip(target + 1) {
        if is_blank_or_comment(l) {
            continue;
        }
        let inner = l.len() - l.trim_start().len();
        if inner > base || (inner == base && opens_block && l.trim_start().starts_with('-')) {
            last = n;
        } else {
            break;
        }
    }
    (target + 1, last + 1)
}

/// Applies the inline ignores of `text` to its analysis: moves the findings they cover into
/// [`ObjectReport::suppressed`] and adds an error for each malformed ignore.
pub fn apply(text: &str, analysis: &mut Analysis) {
    if !text.contains(MARKER) {
        return;
    }
    let (ignores, errors) = parse(text);
    analysis.errors.extend(errors);
    for o in &mut analysis.objects {
        suppress(o, &ignores);
    }
}

fn suppress(o: &mut ObjectReport, ignores: &[Ignore]) {
    let findings = std::mem::take(&mut o.findings);
    for f in findings {
        let by = ignores.iter().find(|i| {
            i.checks.iter().any(|c| c == f.check) && (i.covers.0..=i.covers.1).contains(&f.line)
        });
        match by {
            Some(i) => o.suppressed.push(Suppressed {
                finding: f,
                suppression: Suppression {
                    reason: i.reason.clone(),
                    line: i.line,
                },
            }),
            None => o.findings.push(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, analyze};

    const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1.0
          securityContext:
            privileged: true
        - name: side
          image: side:1.0
          securityContext:
            privileged: true
";

    /// (check, line) of the reported and of the suppressed findings (with the reason), and the
    /// errors.
    type Outcome = (
        Vec<(String, usize)>,
        Vec<(String, usize, String)>,
        Vec<String>,
    );

    fn run(text: &str) -> Outcome {
        let a = analyze(text, &Options::default());
        let o = a.objects.first().expect("one object");
        (
            o.findings
                .iter()
                .map(|f| (f.check.to_string(), f.line))
                .collect(),
            o.suppressed
                .iter()
                .map(|s| {
                    (
                        s.finding.check.to_string(),
                        s.finding.line,
                        s.suppression.reason.clone(),
                    )
                })
                .collect(),
            a.errors
                .iter()
                .map(|e| format!("{}:{} {}", e.line, e.column, e.message))
                .collect(),
        )
    }

    fn privileged(found: &[(String, usize)]) -> Vec<usize> {
        found
            .iter()
            .filter(|(c, _)| c == "privileged")
            .map(|(_, l)| *l)
            .collect()
    }

    #[test]
    fn without_ignores_both_containers_are_reported() {
        let (found, suppressed, errors) = run(DEPLOY);
        assert_eq!(privileged(&found), [12, 16]);
        assert!(suppressed.is_empty() && errors.is_empty());
    }

    #[test]
    fn a_trailing_comment_covers_its_line() {
        let text = DEPLOY.replacen(
            "privileged: true\n",
            "privileged: true  # podsec:ignore=privileged the CNI agent needs it\n",
            1,
        );
        let (found, suppressed, errors) = run(&text);
        assert_eq!(privileged(&found), [16]);
        assert_eq!(
            suppressed,
            [("privileged".into(), 12, "the CNI agent needs it".into())]
        );
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn a_comment_above_a_list_item_covers_the_whole_item() {
        let text = DEPLOY.replace(
            "        - name: side\n",
            "        # podsec:ignore=privileged,allowPrivilegeEscalation debugging sidecar\n        - name: side\n",
        );
        let (found, suppressed, _) = run(&text);
        assert_eq!(privileged(&found), [12]);
        assert!(
            suppressed
                .iter()
                .any(|(c, l, _)| c == "privileged" && *l == 17),
            "{suppressed:?}"
        );
        assert!(
            suppressed.iter().all(|(_, l, _)| *l >= 14),
            "{suppressed:?}"
        );
    }

    #[test]
    fn a_comment_before_the_document_covers_the_document() {
        let text = format!("# podsec:ignore=privileged a lab cluster\n{DEPLOY}");
        let (found, suppressed, _) = run(&text);
        assert!(privileged(&found).is_empty(), "{found:?}");
        assert_eq!(suppressed.len(), 2);
        // ... but not the next document.
        let two = format!("{text}---\n{DEPLOY}");
        let a = analyze(&two, &Options::default());
        let second = a.objects.get(1).expect("two objects");
        assert!(second.suppressed.is_empty());
        assert!(second.findings.iter().any(|f| f.check == "privileged"));
    }

    #[test]
    fn a_reason_is_required_and_checks_must_exist() {
        let text = DEPLOY.replacen(
            "privileged: true\n",
            "privileged: true # podsec:ignore=privileged\n",
            1,
        );
        let (found, suppressed, errors) = run(&text);
        assert_eq!(privileged(&found), [12, 16]);
        assert!(suppressed.is_empty());
        assert_eq!(
            errors,
            [
                "12:30 podsec:ignore=privileged needs a check ID and a reason: `# podsec:ignore=CHECK why it is acceptable`"
            ]
        );
        let text = DEPLOY.replacen(
            "privileged: true\n",
            "privileged: true # podsec:ignore=privilegd typo\n",
            1,
        );
        let (found, _, errors) = run(&text);
        assert_eq!(privileged(&found), [12, 16]);
        assert_eq!(
            errors,
            [
                "12:30 podsec:ignore=privilegd names no check \"privilegd\" (`podsec checks` lists them)"
            ]
        );
    }

    #[test]
    fn a_hash_inside_a_value_is_not_a_comment() {
        let (ignores, errors) = parse("a: b#podsec:ignore=privileged x\nc: 'd # e'\n");
        assert!(ignores.is_empty() && errors.is_empty());
    }

    #[test]
    fn coverage_of_nested_blocks() {
        let lines = ["a:", "  b:", "    c: 1", "  d: 2", "e: 3"];
        assert_eq!(covers(&lines, 1, false), (2, 3));
        assert_eq!(covers(&lines, 0, false), (1, 4));
        let items = ["- name: a", "  x: 1", "- name: b"];
        assert_eq!(covers(&items, 0, false), (1, 2));
    }
}
