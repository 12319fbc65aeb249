//! The registry: every check of every level, with its docs as data.
//!
//! One list feeds the CLI (`podsec checks`, `podsec explain`), the web UI and `CHECKS.md`.
//! Each area owns a const slice of its checks; [`all`] joins them in a fixed order.

use serde::Serialize;

use crate::fix::FixAvailability;
use crate::model::FindingLevel;

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

/// Every check, in the order: rejected, refused, baseline, restricted, hardening, warning.
#[must_use]
pub fn all() -> Vec<&'static Check> {
    let mut v: Vec<&'static Check> = Vec::new();
    v.extend(crate::ingest::CHECKS.iter().copied());
    v.extend(crate::validation::CHECKS.iter().copied());
    v.extend(crate::pss::CHECKS.iter().copied());
    v.extend(crate::hardening::CHECKS.iter().copied());
    v.sort_by_key(|c| c.level);
    v
}

/// Looks a check up by ID.
#[must_use]
pub fn find(id: &str) -> Option<&'static Check> {
    all().into_iter().find(|c| c.id == id)
}
