//! Reading diagnostics: type errors, unknown fields, container-only fields at pod level, duplicate
//! keys and values that only mean what they mean under YAML 1.1.
//!
//! Placeholder: being written.

use crate::check::Check;
use crate::manifest::Object;
use crate::model::Finding;
use crate::pod::PodView;

/// The checks of this module.
pub const CHECKS: &[&Check] = &[];

/// Appends reading diagnostics for one workload object.
pub fn diagnose(object: &Object<'_>, pod: &PodView<'_>, out: &mut Vec<Finding>) {
    let _ = (object, pod, out);
}

/// Appends duplicate-key warnings that fall inside the object.
pub fn duplicates(doc: &crate::yaml::Document, object: &Object<'_>, out: &mut Vec<Finding>) {
    let _ = (doc, object, out);
}
