//! Hardening rules beyond the Pod Security Standards.
//!
//! Placeholder: rules are being written.

use crate::check::Check;
use crate::effective::ContainerEffective;
use crate::model::{Finding, Options};
use crate::pod::PodView;

/// The checks of this module.
pub const CHECKS: &[&Check] = &[];

/// Appends the findings of every enabled hardening rule.
pub fn check(
    pod: &PodView<'_>,
    effective: &[ContainerEffective],
    options: &Options,
    out: &mut Vec<Finding>,
) {
    let _ = (pod, effective, options, out);
}
