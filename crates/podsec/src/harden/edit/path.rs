//! Following a field path through the tree: where it leads, what holds each node, and whether a
//! value already is what a patch asks for.

use super::EditError;
use crate::fix::{FieldPath, PatchValue, Seg};
use crate::yaml::Node;

/// Whether the value at `node` already is what `v` asks for. Mappings are compared as subsets (a
/// patch that sets some keys of a mapping leaves the others alone).
pub(crate) fn satisfies(node: Node<'_>, v: &PatchValue) -> bool {
    match v {
        PatchValue::Bool(b) => node.as_bool() == Some(*b),
        PatchValue::Int(i) => node.as_i64() == Some(*i),
        PatchValue::Str(s) => node.as_str() == Some(s.as_str()),
        PatchValue::List(items) => {
            let have = node.items();
            node.is_seq()
                && have.len() == items.len()
                && have.iter().zip(items).all(|(n, i)| satisfies(*n, i))
        }
        PatchValue::Map(entries) => {
            node.is_map()
                && entries
                    .iter()
                    .all(|(k, v)| node.get(k).is_some_and(|n| satisfies(n, v)))
        }
    }
}

pub(super) fn scalar_text(node: Node<'_>) -> Option<&str> {
    node.text()
}

/// How a node is held by its parent. Key, value and item handles are raw (aliases not followed).
#[derive(Clone, Copy, Debug)]
pub(super) enum Slot<'a> {
    Root,
    Entry {
        map: Node<'a>,
        key: Node<'a>,
        value: Node<'a>,
    },
    /// The key exists only through a merge key (`<<`) of `map`.
    Merged {
        map: Node<'a>,
    },
    Item {
        seq: Node<'a>,
        node: Node<'a>,
    },
}

#[derive(Clone, Copy, Debug)]
pub(super) enum Nav<'a> {
    /// Every segment exists. `node` is resolved; `shared` says whether the collection holding it
    /// is reached through an anchor or alias (so editing inside it would change other places).
    Exists {
        slot: Slot<'a>,
        node: Node<'a>,
        shared: bool,
    },
    /// The mapping reached after `depth` segments lacks the next key.
    MissingKey {
        slot: Slot<'a>,
        map: Node<'a>,
        depth: usize,
        shared: bool,
    },
    /// The value reached after `depth` segments is null (or a scalar) where a mapping is needed.
    Empty {
        slot: Slot<'a>,
        depth: usize,
        shared: bool,
    },
    /// A list element on the way does not exist.
    MissingIndex,
}

pub(super) fn navigate<'a>(
    root: Node<'a>,
    segs: &[Seg],
    path: &FieldPath,
) -> Result<Nav<'a>, EditError> {
    let mut slot = Slot::Root;
    let mut cur = root.resolved();
    let mut parent_shared = false;
    let mut inside_shared = root.is_alias() || cur.is_anchored();
    for (i, seg) in segs.iter().enumerate() {
        match seg {
            Seg::Key(k) => {
                if cur.is_map() {
                    let found = cur
                        .raw_entries()
                        .into_iter()
                        .rfind(|(kn, _)| kn.resolved().raw_scalar().map(|t| t.0) == Some(k));
                    match found {
                        Some((kn, vn)) => {
                            slot = Slot::Entry {
                                map: cur,
                                key: kn,
                                value: vn,
                            };
                            parent_shared = inside_shared;
                            cur = vn.resolved();
                            inside_shared = inside_shared || vn.is_alias() || cur.is_anchored();
                        }
                        None => match cur.get(k) {
                            Some(v) => {
                                slot = Slot::Merged { map: cur };
                                parent_shared = inside_shared;
                                cur = v;
                                inside_shared = true;
                            }
                            None => {
                                return Ok(Nav::MissingKey {
                                    slot,
                                    map: cur,
                                    depth: i,
                                    shared: inside_shared,
                                });
                            }
                        },
                    }
                } else if cur.is_scalar() {
                    return Ok(Nav::Empty {
                        slot,
                        depth: i,
                        shared: parent_shared,
                    });
                } else {
                    return Err(EditError::new(
                        path,
                        format!("{} is a list, not a mapping", FieldPath(segs_upto(segs, i))),
                    ));
                }
            }
            Seg::Index(n) => {
                let Some(item) = cur.is_seq().then(|| cur.raw_item(*n)).flatten() else {
                    return Ok(Nav::MissingIndex);
                };
                slot = Slot::Item {
                    seq: cur,
                    node: item,
                };
                parent_shared = inside_shared;
                cur = item.resolved();
                inside_shared = inside_shared || item.is_alias() || cur.is_anchored();
            }
        }
    }
    Ok(Nav::Exists {
        slot,
        node: cur,
        shared: parent_shared,
    })
}

pub(super) fn segs_upto(segs: &[Seg], n: usize) -> Vec<Seg> {
    segs.iter().take(n).cloned().collect()
}

/// The value to write at `segs`, with mappings created for every key of the path.
pub(super) fn nest(
    segs: &[Seg],
    leaf: PatchValue,
    path: &FieldPath,
) -> Result<PatchValue, EditError> {
    let mut v = leaf;
    for seg in segs.iter().rev() {
        match seg {
            Seg::Key(k) => v = PatchValue::Map(vec![(k.to_string(), v)]),
            Seg::Index(_) => {
                return Err(EditError::new(
                    path,
                    "a list element on the path does not exist",
                ));
            }
        }
    }
    Ok(v)
}
