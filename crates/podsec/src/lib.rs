//! podsec: the effective security context of every container in a Kubernetes manifest, Pod Security
//! Standards decided as Pod Security Admission decides them, hardening advice, and a hardened rewrite
//! that keeps the user's text.
//!
//! The crate is pure: no IO, no clock, no panics on input. [`analyze`] is the one entry point for
//! reading; [`harden()`] rewrites.

#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod admission;
pub mod analysis;
pub mod check;
pub mod diff;
pub mod docs;
pub mod editor;
pub mod effective;
pub mod examples;
pub mod fix;
pub mod glossary;
pub mod harden;
pub mod hardening;
pub mod ingest;
pub mod lessons;
pub mod manifest;
pub mod model;
pub mod order;
pub mod permalink;
pub mod pod;
pub mod pss;
mod rule;
pub mod source;
pub mod suppress;
#[cfg(test)]
mod testing;
pub mod tokens;
pub mod validation;
pub mod versions;
pub mod wire;
pub mod yaml;

pub use analysis::{Analysis, ContainerReport, ObjectReport, Skipped, analyze};
pub use check::{Check, Docs};
pub use fix::{Applicability, Fix, FixAvailability, Patch, PatchValue};
pub use harden::{Edit, HardenOptions, Hardened, harden};
pub use model::{
    EffectiveValue, Finding, FindingLevel, Location, Options, ParseError, PssLevel, Related,
    Runtime, Source, Value, Version,
};
