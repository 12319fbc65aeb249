//! What every rule of every area is made of: its registry entry ([`Check`] with [`Docs`]), the
//! context a rule reads ([`Ctx`]) and [`Ctx::report`], which makes a finding of a check.
//!
//! This module sits below the areas (`ingest`, `validation`, `pss`, `hardening`) and imports none
//! of them; the registry ([`crate::check`]) sits above them and joins their lists.

use serde::Serialize;

use crate::effective::ContainerEffective;
use crate::fix::FixAvailability;
use crate::model::{Finding, FindingLevel, Options};
use crate::pod::{ContainerView, PodView};
use crate::yaml::Span;

/// The learner-facing documentation of a check. Text is Markdown, one sentence per line.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Docs {
    /// What the check looks for.
    pub what: &'static str,
    /// Why it matters: what an attacker gains, the blast radius.
    pub why: &'static str,
    /// A manifest (YAML) that triggers the check.
    pub example: &'static str,
    /// The same manifest written so that the check does not trigger.
    pub use_instead: &'static str,
    /// How safe the fix is, and how it may break a workload.
    pub fix_safety: &'static str,
    /// Policy history (PSS versions where it applies, overrides); empty for non-PSS checks unless
    /// Kubernetes versions matter.
    pub policy: &'static str,
    /// References (URLs or document names).
    pub references: &'static [&'static str],
}

/// One check.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Check {
    /// The ID: upstream's for PSS checks, kebab-case naming the flagged pattern for ours.
    pub id: &'static str,
    /// The level of its findings.
    pub level: FindingLevel,
    /// One line saying what it flags.
    pub summary: &'static str,
    /// Whether it runs by default (hardening rules may be off by default; all others are on).
    pub default_on: bool,
    /// Whether its findings carry fixes.
    pub fix: FixAvailability,
    /// Documentation.
    pub docs: Docs,
}

/// What every validation and hardening rule sees.
pub(crate) struct Ctx<'p, 'a> {
    /// The pod.
    pub(crate) pod: &'p PodView<'a>,
    /// The effective context of each container, in the pod's container order (may be shorter).
    pub(crate) effective: &'p [ContainerEffective],
    /// The options.
    pub(crate) options: &'p Options,
}

impl<'a> Ctx<'_, 'a> {
    /// A finding of `check` about `container` (or the pod) at `at`, for the rule to give a fix or
    /// related places and push.
    pub(crate) fn report(
        &self,
        check: &Check,
        message: impl Into<String>,
        container: Option<&str>,
        at: Span,
        path: impl Into<String>,
    ) -> Finding {
        check.finding(message, container, at, path)
    }

    /// The effective context of a container, by its position in `pod.containers`.
    pub(crate) fn effective_of(&self, i: usize) -> Option<&ContainerEffective> {
        self.effective.get(i)
    }

    /// Every container with its position.
    pub(crate) fn containers(&self) -> impl Iterator<Item = (usize, &ContainerView<'a>)> {
        self.pod.containers.iter().enumerate()
    }
}

/// A validation or hardening rule: its registry entry and the function that finds what it flags.
pub(crate) struct Rule {
    /// The registry entry.
    pub(crate) check: &'static Check,
    /// Appends the rule's findings.
    pub(crate) run: fn(&Ctx<'_, '_>, &mut Vec<Finding>),
}

impl Check {
    /// A finding of this check.
    pub(crate) fn finding(
        &self,
        message: impl Into<String>,
        container: Option<&str>,
        at: Span,
        path: impl Into<String>,
    ) -> Finding {
        Finding::new(self.id, self.level, message, container, at, path)
    }
}

/// Go's `%q` for a string: double quotes with Go escapes.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => {
                let n = c as u32;
                if n > 0xffff {
                    out.push_str(&format!("\\U{n:08x}"));
                } else {
                    out.push_str(&format!("\\u{n:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::go_quote;

    #[test]
    fn go_quote_escapes_like_go() {
        assert_eq!(go_quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(go_quote("\u{1}"), "\"\\x01\"");
    }
}
