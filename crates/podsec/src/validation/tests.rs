//! Shared helpers for validation tests (the registry meta-tests are `tests/registry.rs`).

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use crate::manifest::{self, Entry};
use crate::model::Options;
use crate::yaml;

/// Every finding of this module on a text.
pub(crate) fn findings(text: &str, options: &Options) -> Vec<crate::model::Finding> {
    let stream = yaml::parse_stream(text);
    assert!(stream.errors.is_empty(), "{:?}", stream.errors);
    let mut out = Vec::new();
    for doc in &stream.documents {
        for entry in manifest::objects(doc) {
            if let Entry::Workload(_, pod) = entry {
                let eff = crate::effective::resolve(&pod, options);
                super::check(&pod, &eff, options, &mut out);
            }
        }
    }
    out
}

/// Options at a Kubernetes minor version.
pub(crate) fn kube(n: u32) -> Options {
    Options {
        kube_minor: Some(n),
        ..Options::default()
    }
}
