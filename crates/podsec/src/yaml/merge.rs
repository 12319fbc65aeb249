//! Merge keys and duplicate keys: a mapping's entries applied in text order as go-yaml's decoder
//! applies them, keys compared as Go map keys, and what JSON cannot hold noted.

use std::borrow::Cow;
use std::collections::HashMap;

use super::build::Builder;
use super::node::Entries;
use super::scalar::{self, Resolved};
use super::{DuplicateKey, Kind, NodeId, Span};

/// What resolving a mapping's entries gives: the resolved entries (when they differ from the
/// written ones), whether a value JSON cannot hold survives, and the decoder's errors and the
/// duplicate keys, for the builder to record.
pub(super) type MapResolution = (
    Option<Entries>,
    bool,
    (Vec<(String, Span)>, Vec<DuplicateKey>),
);

/// A key as go-yaml's `map[interface{}]interface{}` holds it: its Go type and its JSON text. Keys
/// of different types (`1` and `'1'`) are different Go keys, even though they become one JSON key.
pub(super) type GoKey<'b> = (KeyType, Cow<'b, str>);

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum KeyType {
    Str,
    Int,
    Bool,
    Float,
    /// A null or uint64 key, which go-yaml keeps but the JSON conversion refuses.
    Unconvertible,
}

impl Builder {
    /// A node with its alias followed.
    pub(super) fn target(&self, id: NodeId) -> NodeId {
        match self.nodes.get(id).map(|n| &n.kind) {
            Some(Kind::Alias { target }) => *target,
            _ => id,
        }
    }

    /// The Go map key a key node becomes, or the decoder's error for it.
    pub(super) fn key_string(&self, key: NodeId) -> Result<GoKey<'_>, String> {
        let Some(n) = self.nodes.get(self.target(key)) else {
            return Err("invalid map key".into());
        };
        let text = match &n.kind {
            Kind::Scalar { text, .. } => text.as_str(),
            Kind::Map { .. } => return Err("invalid map key: map[interface {}]interface {}".into()),
            _ => return Err("invalid map key: []interface {}".into()),
        };
        let json = |v| scalar::json_key(v, text).map(Cow::Owned);
        Ok(match n.value.get() {
            Resolved::Str | Resolved::Merge => (KeyType::Str, Cow::Borrowed(text)),
            Resolved::Null => (KeyType::Unconvertible, Cow::Borrowed("")),
            Resolved::Uint(u) => (KeyType::Unconvertible, Cow::Owned(u.to_string())),
            v @ Resolved::Int(_) => (KeyType::Int, json(v)?),
            v @ Resolved::Bool(_) => (KeyType::Bool, json(v)?),
            v @ Resolved::Float(_) => (KeyType::Float, json(v)?),
        })
    }

    pub(super) fn is_merge_key(&self, key: NodeId) -> bool {
        self.nodes.get(key).is_some_and(|n| {
            matches!(n.kind, Kind::Scalar { .. }) && n.value.get() == Resolved::Merge
        })
    }

    /// The entries a closed mapping contributes when merged, in order.
    pub(super) fn effective(&self, map: NodeId) -> Option<&[(NodeId, NodeId)]> {
        match self.nodes.get(map).map(|n| &n.kind) {
            Some(Kind::Map { resolved: true, .. }) => self.resolved.get(&map).map(|r| &**r),
            Some(Kind::Map { entries, .. }) => Some(entries),
            _ => None,
        }
    }

    pub(super) fn unjsonable(&self, id: NodeId) -> bool {
        self.nodes
            .get(self.target(id))
            .is_some_and(|n| n.unjsonable)
    }

    /// Applies a mapping's entries in text order as go-yaml does: a merge key's map (or each map of
    /// its sequence, last first) writes its entries, and every key replaces an earlier one. Returns
    /// the resolved entries when they differ from the written ones, whether a value JSON cannot hold
    /// survives, and the decoder's errors and the duplicate keys written in the mapping itself, for
    /// the caller to record.
    pub(super) fn resolve_map(&self, id: NodeId, pairs: &[(NodeId, NodeId)]) -> MapResolution {
        if let Some(plain) = self.plain_map(pairs) {
            return plain;
        }
        let span_of = |id: NodeId| self.nodes.get(id).map(|n| n.span.get()).unwrap_or_default();
        let mut out: Vec<(NodeId, NodeId)> = Vec::with_capacity(pairs.len());
        // Each key's slot in `out`, by a hash of its Go map key (the key itself is compared on a
        // hit; keys whose hash another key already has go to `collided`).
        let mut index: HashMap<u64, usize> = HashMap::with_capacity(pairs.len());
        let mut collided: HashMap<GoKey<'_>, usize> = HashMap::new();
        let mut bad_key = false;
        let mut changed = false;
        let mut merge_errors: Vec<(String, Span)> = Vec::new();
        let mut key_errors: Vec<(String, Span)> = Vec::new();
        let mut dups: Vec<DuplicateKey> = Vec::new();
        // Whether each resolved key was last written in this mapping (not brought by a merge).
        let mut explicit: Vec<bool> = Vec::with_capacity(pairs.len());
        let hash = |name: &GoKey<'_>| {
            use std::hash::{BuildHasher, BuildHasherDefault};
            BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
                .hash_one(name)
        };
        // One write, merged or explicit: a later key replaces an earlier one in place (then it
        // returns true).
        let mut write = |k: NodeId, v: NodeId, is_explicit: bool| -> bool {
            let name = match self.key_string(k) {
                Ok(name) => name,
                Err(message) => {
                    key_errors.push((message, span_of(k)));
                    return false;
                }
            };
            let h = hash(&name);
            let found = collided.get(&name).copied().or_else(|| {
                index.get(&h).copied().filter(|&at| {
                    out.get(at)
                        .is_some_and(|slot| self.key_string(slot.0).is_ok_and(|o| o == name))
                })
            });
            match found {
                Some(at) => {
                    let first = out.get(at).map(|slot| span_of(slot.0));
                    // A key written twice in this mapping (not one a merge brought).
                    if is_explicit
                        && explicit.get(at).copied().unwrap_or(false)
                        && let Some(first) = first
                    {
                        dups.push(DuplicateKey {
                            key: name.1.to_string(),
                            first,
                            second: span_of(k),
                        });
                    }
                    if let (Some(slot), Some(e)) = (out.get_mut(at), explicit.get_mut(at)) {
                        *slot = (k, v);
                        *e = is_explicit;
                    }
                    true
                }
                None => {
                    bad_key |= name.0 == KeyType::Unconvertible;
                    match index.entry(h) {
                        std::collections::hash_map::Entry::Occupied(_) => {
                            collided.insert(name, out.len());
                        }
                        std::collections::hash_map::Entry::Vacant(slot) => {
                            slot.insert(out.len());
                        }
                    }
                    out.push((k, v));
                    explicit.push(is_explicit);
                    false
                }
            }
        };
        for &(k, v) in pairs {
            if !self.is_merge_key(k) {
                changed |= write(k, v, true);
                continue;
            }
            changed = true;
            let value = self.target(v);
            let sources: &[NodeId] = match self.nodes.get(value).map(|n| &n.kind) {
                Some(Kind::Map { .. }) => std::slice::from_ref(&value),
                // A sequence written in place, not through an alias, may hold maps to merge.
                Some(Kind::Seq { items, .. }) if value == v => items,
                _ => {
                    merge_errors.push((
                        "map merge requires map or sequence of maps as the value".into(),
                        span_of(v),
                    ));
                    continue;
                }
            };
            for &source in sources.iter().rev() {
                let source = self.target(source);
                // The mapping itself, through an anchor on it, gives its written entries.
                let entries = if source == id {
                    Some(pairs)
                } else {
                    self.effective(source)
                };
                let Some(entries) = entries else {
                    merge_errors.push((
                        "map merge requires map or sequence of maps as the value".into(),
                        span_of(source),
                    ));
                    continue;
                };
                for &(mk, mv) in entries {
                    changed |= write(mk, mv, false);
                }
            }
        }
        let unjsonable = bad_key || out.iter().any(|&(_, v)| self.unjsonable(v));
        merge_errors.extend(key_errors);
        (
            changed.then(|| out.into_boxed_slice()),
            unjsonable,
            (merge_errors, dups),
        )
    }

    /// The common case, without building resolved entries: no merge key and no key written twice.
    /// `None` when the mapping has either, for [`Builder::resolve_map`] to apply in full.
    pub(super) fn plain_map(&self, pairs: &[(NodeId, NodeId)]) -> Option<MapResolution> {
        if pairs.iter().any(|&(k, _)| self.is_merge_key(k)) {
            return None;
        }
        let mut seen: std::collections::HashSet<GoKey<'_>> =
            std::collections::HashSet::with_capacity(pairs.len());
        let mut errors: Vec<(String, Span)> = Vec::new();
        for &(k, _) in pairs {
            match self.key_string(k) {
                Ok(name) => {
                    if !seen.insert(name) {
                        return None;
                    }
                }
                Err(message) => errors.push((
                    message,
                    self.nodes.get(k).map(|n| n.span.get()).unwrap_or_default(),
                )),
            }
        }
        let bad_key = seen.iter().any(|k| k.0 == KeyType::Unconvertible);
        drop(seen);
        let unjsonable = bad_key || pairs.iter().any(|&(_, v)| self.unjsonable(v));
        Some((None, unjsonable, (errors, Vec::new())))
    }
}
