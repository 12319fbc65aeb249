//! The effective security context of every container, with where each value comes from.
//!
//! Placeholder: resolution is being written; see `resolve`.

use serde::Serialize;

use crate::model::{EffectiveValue, Options};
use crate::pod::PodView;

/// The effective context of one container: Kubernetes field name to value, in a fixed order.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ContainerEffective {
    /// `(field name, value)` in display order.
    pub fields: Vec<(&'static str, EffectiveValue)>,
}

impl ContainerEffective {
    /// One field by name.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&EffectiveValue> {
        self.fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

impl Serialize for ContainerEffective {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.fields.len()))?;
        for (k, v) in &self.fields {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Resolves every container of the pod, in the pod's container order.
#[must_use]
pub fn resolve(pod: &PodView<'_>, options: &Options) -> Vec<ContainerEffective> {
    let _ = options;
    pod.containers
        .iter()
        .map(|_| ContainerEffective::default())
        .collect()
}
