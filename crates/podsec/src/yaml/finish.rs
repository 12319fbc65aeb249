//! The decoder's verdict on a finished document: its first error, the alias expansion against the
//! text's budget, go-yaml's alias ratio, and values JSON cannot hold.

use super::build::Builder;
use super::scalar::Resolved;
use super::{Kind, MAX_ALIAS_EXPANSION_BYTES, NodeId, Span, YamlError};

impl Builder {
    /// How many bytes aliases add to the document.
    pub(super) fn expansion(&self) -> u64 {
        let total = self.root.and_then(|r| self.cost.get(r)).map_or(0, |c| c.0);
        total.saturating_sub(self.raw)
    }

    pub(super) fn expansion_error(&self, index: usize, at: Span) -> YamlError {
        let span = self
            .nodes
            .iter()
            .find(|n| matches!(n.kind, Kind::Alias { .. }))
            .map_or(at, |n| n.span.get());
        YamlError {
            message: format!(
                "aliases expand this text by more than its own size (or {} MiB); refusing to read \
                 further (an alias bomb?)",
                MAX_ALIAS_EXPANSION_BYTES / (1024 * 1024)
            ),
            span,
            document: Some(index),
        }
    }

    /// The decoder's verdict on the finished document: its first error, go-yaml's "excessive
    /// aliasing" rule, and values JSON cannot hold (`.nan`, `.inf`).
    pub(super) fn finish_check(&self, index: usize, at: Span) -> Option<YamlError> {
        let root = self.root?;
        let error = |message: String, span: Span| YamlError {
            message,
            span,
            document: Some(index),
        };
        if let Some((message, span)) = &self.error {
            return Some(error(message.clone(), *span));
        }
        if self.aliases
            && let Some(span) = self.excessive_aliasing(root)
        {
            return Some(error("document contains excessive aliasing".into(), span));
        }
        if self.unjsonable(root) {
            let span = self
                .nodes
                .iter()
                .find(|n| {
                    matches!(n.value.get(), Resolved::Float(f) if !f.is_finite())
                        || matches!(n.value.get(), Resolved::Null | Resolved::Uint(_))
                            && matches!(n.kind, Kind::Scalar { .. })
                })
                .map_or(at, |n| n.span.get());
            return Some(error(
                "Kubernetes cannot convert this document to JSON: a key is null or above \
                 9223372036854775807, or a value is .nan or .inf"
                    .into(),
                span,
            ));
        }
        None
    }

    /// go-yaml v2's alias-ratio rule (decode.go `allowedAliasRatio`): walking the document in decode
    /// order, it fails once more than 100 of over 1,000 decodes come from aliases and their share
    /// exceeds the allowed ratio. Within one alias expansion the share only grows, so checking at
    /// the end of each expansion decides it; elsewhere every decode is checked. Linear in the
    /// document's nodes: aliases count their target's decodes without walking them.
    pub(super) fn excessive_aliasing(&self, root: NodeId) -> Option<Span> {
        const LOW: f64 = 400_000.0;
        const HIGH: f64 = 4_000_000.0;
        #[allow(clippy::cast_precision_loss)]
        let exceeds = |decodes: u64, aliased: u64| {
            let d = decodes as f64;
            let allowed = if d <= LOW {
                0.99
            } else if d >= HIGH {
                0.10
            } else {
                0.99 - 0.89 * ((d - LOW) / (HIGH - LOW))
            };
            aliased > 100 && decodes > 1000 && aliased as f64 / d > allowed
        };
        let mut decodes: u64 = 0;
        let mut aliased: u64 = 0;
        // (node, whether it is the sequence of a merge key, which is not decoded itself)
        let mut stack: Vec<(NodeId, bool)> = vec![(root, false)];
        while let Some((id, merge_seq)) = stack.pop() {
            let n = self.nodes.get(id)?;
            if !merge_seq {
                decodes += 1;
                if exceeds(decodes, aliased) {
                    return Some(n.span.get());
                }
            }
            match &n.kind {
                Kind::Alias { target } => {
                    let inner = self.cost.get(*target).map_or(0, |t| t.1);
                    decodes = decodes.saturating_add(inner);
                    aliased = aliased.saturating_add(inner);
                    if exceeds(decodes, aliased) {
                        return Some(n.span.get());
                    }
                }
                Kind::Seq { items, .. } => stack.extend(items.iter().rev().map(|&i| (i, false))),
                Kind::Map { entries, .. } => {
                    for &(k, v) in entries.iter().rev() {
                        if self.is_merge_key(k) {
                            let seq = matches!(
                                self.nodes.get(v).map(|n| &n.kind),
                                Some(Kind::Seq { .. })
                            );
                            stack.push((v, seq));
                        } else {
                            stack.push((v, false));
                            stack.push((k, false));
                        }
                    }
                }
                Kind::Scalar { .. } => {}
            }
        }
        None
    }
}
