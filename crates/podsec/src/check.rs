//! The registry: every check of every level, with its docs as data.
//!
//! One list feeds the CLI (`podsec checks`, `podsec explain`), the web UI and `CHECKS.md`.
//! It sits above the areas: each area owns one list of its rules (`ingest::CHECKS`,
//! `validation::RULES`, `pss::RULES`, `hardening::RULES`), and the registry is derived from them
//! once, in a fixed order. The areas import only `crate::rule`, never this module.

use std::sync::OnceLock;

pub use crate::rule::{Check, Docs};

/// Every check, in the order: rejected, refused, baseline, restricted, hardening, warning; within
/// a level, in the order of the areas (reading, validation, PSS, hardening) and of their lists.
fn registry() -> &'static [&'static Check] {
    static ALL: OnceLock<Vec<&'static Check>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut v: Vec<&'static Check> = Vec::new();
        v.extend(crate::ingest::CHECKS.iter().copied());
        v.extend(crate::validation::RULES.iter().map(|r| r.check));
        v.extend(crate::pss::RULES.iter().map(|r| r.check));
        v.extend(crate::hardening::RULES.iter().map(|r| r.check));
        crate::order::sort_by_key(&mut v, |c| c.level as u64);
        v
    })
}

/// The registry sorted by ID, for [`find`].
fn by_id() -> &'static [&'static Check] {
    static BY_ID: OnceLock<Vec<&'static Check>> = OnceLock::new();
    BY_ID.get_or_init(|| {
        let mut v = registry().to_vec();
        crate::order::sort_by(&mut v, |a, b| a.id.cmp(b.id));
        v
    })
}

/// Every check, in the order: rejected, refused, baseline, restricted, hardening, warning.
#[must_use]
pub fn all() -> Vec<&'static Check> {
    registry().to_vec()
}

/// Looks a check up by ID.
#[must_use]
pub fn find(id: &str) -> Option<&'static Check> {
    let v = by_id();
    v.binary_search_by(|c| c.id.cmp(id))
        .ok()
        .and_then(|i| v.get(i).copied())
}
