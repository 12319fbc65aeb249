//! Planning one patch: from where its path leads to the single splice of the text that makes it
//! true (or an expansion into one patch per key, or nothing when it already holds).

use super::path::{Nav, Slot, navigate, nest, satisfies, scalar_text};
use super::render::{
    Layout, is_block_worthy, render_block_entry, render_block_map, render_block_seq, render_inline,
    render_pretty, render_scalar_like, render_str,
};
use super::text::{
    after_kept_lines, col, colon_after, content_end, dash_before, end_of, entry_end, indent_of,
    is_empty_span, is_single_line, line_after, line_break, line_start, only_space_before, spaces,
};
use super::{EditError, Splice};
use crate::fix::{FieldPath, Patch, PatchValue, Seg};
use crate::yaml::{Node, Style};

pub(super) enum Plan {
    Done,
    Splice(Splice),
    Expand(Vec<Patch>),
}

pub(super) const SHARED: &str = "the place is shared through a YAML anchor or alias, so editing it would change other places too";

pub(super) struct Planner<'t> {
    pub(super) text: &'t str,
    pub(super) layout: Layout,
    pub(super) path: &'t FieldPath,
}

impl<'t> Planner<'t> {
    fn err(&self, reason: impl Into<String>) -> EditError {
        EditError::new(self.path, reason)
    }

    fn flow(&self, n: Node<'_>) -> bool {
        self.layout.json || n.is_flow()
    }

    /// The line break that ends the line holding `pos` (on the last line, the one before it), so
    /// that inserted lines end as their neighbours do in a text that mixes `\n` and `\r\n`, and a
    /// text rewritten piece by piece gets the same breaks as rewritten whole. The text's own when it
    /// has a single line.
    fn nl_at(&self, pos: usize) -> &'static str {
        let text = self.text;
        let brk = match line_break(text, pos) {
            brk if brk < text.len() => brk,
            _ => match line_start(text, pos) {
                0 => return self.layout.nl,
                start => line_break(text, start - 1),
            },
        };
        if text.get(brk..).is_some_and(|t| t.starts_with("\r\n")) {
            "\r\n"
        } else {
            "\n"
        }
    }

    /// The error for a place shared through an anchor or alias.
    fn shared(&self) -> EditError {
        self.err(SHARED)
    }

    /// Refuses to edit a place shared through an anchor or alias.
    fn unshared(&self, shared: bool) -> Result<(), EditError> {
        if shared { Err(self.shared()) } else { Ok(()) }
    }

    /// Refuses to edit the list `node`, held in `slot`, when it is shared or written as an alias.
    fn own_list(&self, slot: Slot<'_>, node: Node<'_>, shared: bool) -> Result<(), EditError> {
        let raw = match slot {
            Slot::Entry { value, .. } => value,
            Slot::Item { node, .. } => node,
            Slot::Root | Slot::Merged { .. } => return Err(self.shared()),
        };
        self.unshared(shared || raw.is_alias() || node.is_anchored())
    }

    pub(super) fn plan(&self, root: Node<'_>, patch: &Patch) -> Result<Plan, EditError> {
        let nav = navigate(root, &self.path.0, self.path)?;
        match (patch, nav) {
            (Patch::Set { value, .. }, Nav::Exists { slot, node, shared }) => {
                self.set(slot, node, shared, value)
            }
            (Patch::Set { value, .. }, nav) => self.create(nav, value.clone()),
            (Patch::Ensure { item, .. }, Nav::Exists { slot, node, shared }) => {
                self.ensure(slot, node, shared, item)
            }
            (Patch::Ensure { item, .. }, nav) => {
                self.create(nav, PatchValue::List(vec![item.clone()]))
            }
            (Patch::RemoveItem { item, .. }, Nav::Exists { slot, node, shared })
                if node.is_seq() =>
            {
                let Some(idx) = node
                    .items()
                    .iter()
                    .position(|n| scalar_text(*n) == Some(item.as_str()))
                else {
                    return Ok(Plan::Done);
                };
                self.own_list(slot, node, shared)?;
                self.remove_item(node, idx, slot).map(Plan::Splice)
            }
            (Patch::Remove { .. }, Nav::Exists { slot, node, shared }) => {
                self.unshared(shared)?;
                self.remove(root, slot, node)
            }
            (Patch::RemoveItem { .. } | Patch::Remove { .. }, _) => Ok(Plan::Done),
        }
    }

    /// Writes `leaf` where the path leads and nothing is yet: a missing key (and the rest of the
    /// path) added to its mapping, or an empty value replaced.
    fn create(&self, nav: Nav<'_>, leaf: PatchValue) -> Result<Plan, EditError> {
        let segs = self.path.0.as_slice();
        match nav {
            Nav::MissingKey {
                slot,
                map,
                depth,
                shared,
            } => {
                self.unshared(shared)?;
                self.add(slot, map, segs, depth, leaf)
            }
            Nav::Empty {
                slot,
                depth,
                shared,
            } => {
                self.unshared(shared)?;
                let v = nest(segs.get(depth..).unwrap_or(&[]), leaf, self.path)?;
                self.replace_value(slot, &v).map(Plan::Splice)
            }
            Nav::MissingIndex | Nav::Exists { .. } => {
                Err(self.err("a list element on the path does not exist"))
            }
        }
    }

    /// Sets an existing value: nothing when it already holds, one patch per key of a mapping
    /// written into a mapping, else the value replaced (or, when it comes from a merge key, written
    /// in the mapping itself).
    fn set(
        &self,
        slot: Slot<'_>,
        node: Node<'_>,
        shared: bool,
        value: &PatchValue,
    ) -> Result<Plan, EditError> {
        if satisfies(node, value) {
            return Ok(Plan::Done);
        }
        if let (PatchValue::Map(entries), true) = (value, node.is_map())
            && (!node.raw_entries().is_empty() || matches!(slot, Slot::Merged { .. }))
        {
            return Ok(Plan::Expand(
                entries
                    .iter()
                    .map(|(k, v)| Patch::Set {
                        path: self.path.key(k),
                        value: v.clone(),
                    })
                    .collect(),
            ));
        }
        self.unshared(shared)?;
        if let Slot::Merged { map } = slot {
            let Some(Seg::Key(k)) = self.path.0.last() else {
                return Err(self.err("cannot edit a merged value"));
            };
            return self.insert_entry(map, k, value).map(Plan::Splice);
        }
        self.replace(slot, node, value).map(Plan::Splice)
    }

    /// Ensures an item in an existing list (or a list in place of a null).
    fn ensure(
        &self,
        slot: Slot<'_>,
        node: Node<'_>,
        shared: bool,
        item: &PatchValue,
    ) -> Result<Plan, EditError> {
        if node.is_seq() {
            if node.items().iter().any(|n| satisfies(*n, item)) {
                return Ok(Plan::Done);
            }
            self.own_list(slot, node, shared)?;
            self.append_item(node, item).map(Plan::Splice)
        } else if node.is_null() {
            self.unshared(shared)?;
            self.replace_value(slot, &PatchValue::List(vec![item.clone()]))
                .map(Plan::Splice)
        } else {
            Err(self.err(format!("the value is {}, not a list", node.type_name())))
        }
    }

    /// Removes an existing key or list element.
    fn remove(&self, root: Node<'_>, slot: Slot<'_>, node: Node<'_>) -> Result<Plan, EditError> {
        match slot {
            Slot::Entry { map, key, value } => {
                self.unshared(node.is_anchored() && !value.is_alias())?;
                self.remove_entry(map, key, value).map(Plan::Splice)
            }
            Slot::Item { seq, node: raw } => {
                self.unshared(node.is_anchored() && !raw.is_alias())?;
                let idx = seq
                    .raw_items()
                    .iter()
                    .position(|n| n.id() == raw.id())
                    .unwrap_or(0);
                let segs = self.path.0.as_slice();
                let parent = segs.get(..segs.len().saturating_sub(1)).unwrap_or(&[]);
                let seq_slot = match navigate(root, parent, self.path)? {
                    Nav::Exists { slot, .. } => slot,
                    _ => Slot::Root,
                };
                self.remove_item(seq, idx, seq_slot).map(Plan::Splice)
            }
            Slot::Merged { .. } => {
                Err(self.err("the key comes from a merge key (<<), so it cannot be removed here"))
            }
            Slot::Root => Err(self.err("cannot remove the whole document")),
        }
    }

    /// Adds the missing key `segs[depth]` (and the rest of the path) to `map`, held in `slot`. An
    /// empty `{}` is replaced as a whole, so that block documents stay block.
    fn add(
        &self,
        slot: Slot<'_>,
        map: Node<'_>,
        segs: &[Seg],
        depth: usize,
        leaf: PatchValue,
    ) -> Result<Plan, EditError> {
        let replaceable = matches!(slot, Slot::Entry { value, .. } | Slot::Item { node: value, .. } if !value.is_alias());
        if map.raw_entries().is_empty() && replaceable && !map.is_anchored() {
            let v = nest(segs.get(depth..).unwrap_or(&[]), leaf, self.path)?;
            return self.replace_value(slot, &v).map(Plan::Splice);
        }
        let Some(Seg::Key(k)) = segs.get(depth) else {
            return Err(self.err("unexpected path"));
        };
        let v = nest(segs.get(depth + 1..).unwrap_or(&[]), leaf, self.path)?;
        self.insert_entry(map, k, &v).map(Plan::Splice)
    }

    /// Writes `value` over an existing value `node` held in `slot`.
    fn replace(
        &self,
        slot: Slot<'_>,
        node: Node<'_>,
        value: &PatchValue,
    ) -> Result<Splice, EditError> {
        let raw = match slot {
            Slot::Entry { value, .. } => value,
            Slot::Item { node, .. } => node,
            Slot::Root | Slot::Merged { .. } => return Err(self.err("cannot replace this value")),
        };
        if !raw.is_alias() && raw.is_anchored() {
            return Err(self.shared());
        }
        let scalar_value = !matches!(value, PatchValue::List(_) | PatchValue::Map(_));
        if scalar_value && node.is_scalar() && !node.is_null() && !raw.is_alias() {
            let Some((_, style)) = raw.raw_scalar() else {
                return Err(self.err("cannot replace this value"));
            };
            if matches!(style, Style::Literal | Style::Folded) || raw.tag().is_some() {
                return Err(self.err("the value is a block scalar or has a tag"));
            }
            let sp = raw.span();
            return Ok(Splice {
                start: sp.start,
                end: sp.end,
                text: render_scalar_like(value, style, self.layout.json),
            });
        }
        self.replace_value(slot, value)
    }

    /// Writes `value` in place of whatever the slot holds (null, a wrong-typed scalar, `{}`, or an
    /// alias token).
    fn replace_value(&self, slot: Slot<'_>, value: &PatchValue) -> Result<Splice, EditError> {
        let text = self.text;
        match slot {
            Slot::Entry {
                map,
                key,
                value: raw,
            } => {
                if !raw.is_alias() && (raw.is_anchored() || raw.tag().is_some()) {
                    return Err(self.shared());
                }
                let colon = colon_after(text, key.span().end)
                    .ok_or_else(|| self.err("cannot find the key's colon"))?;
                let empty = is_empty_span(raw);
                if self.flow(map) {
                    return Ok(self.inline_value(colon, raw, empty, value));
                }
                let one_line = empty || is_single_line(text, raw);
                let block_style =
                    matches!(raw.raw_scalar(), Some((_, Style::Literal | Style::Folded)));
                if !one_line || block_style {
                    return Err(self.err("the existing value spans several lines"));
                }
                if !is_block_worthy(value) {
                    return Ok(self.inline_value(colon, raw, empty, value));
                }
                let key_col = col(text, key.span().start);
                let lines = match value {
                    PatchValue::Map(entries) => {
                        render_block_map(entries, key_col + self.layout.step, &self.layout)
                    }
                    PatchValue::List(items) => {
                        render_block_seq(items, key_col + self.layout.seq_indent, &self.layout)
                    }
                    _ => Vec::new(),
                };
                let tail_start = if empty { colon + 1 } else { end_of(text, raw) };
                let brk = line_break(text, tail_start);
                let tail = text.get(tail_start..brk).unwrap_or("");
                let nl = self.nl_at(brk);
                Ok(Splice {
                    start: colon + 1,
                    end: brk,
                    text: format!("{tail}{nl}{}", lines.join(nl)),
                })
            }
            Slot::Item { seq, node: raw } => {
                if !raw.is_alias() && (raw.is_anchored() || raw.tag().is_some()) {
                    return Err(self.shared());
                }
                let rendered = render_inline(value, self.layout.json);
                if !is_empty_span(raw) && (self.flow(seq) || is_single_line(text, raw)) {
                    return Ok(Splice {
                        start: raw.span().start,
                        end: end_of(text, raw),
                        text: rendered,
                    });
                }
                if !self.flow(seq)
                    && let Some(dash) = dash_before(text, raw.span().start)
                {
                    return Ok(Splice {
                        start: dash + 1,
                        end: dash + 1,
                        text: format!(" {rendered}"),
                    });
                }
                Err(self.err("cannot replace this list element"))
            }
            Slot::Root | Slot::Merged { .. } => Err(self.err("cannot replace this value")),
        }
    }

    /// `value` on one line in place of `raw`, the value of the key whose colon is at `colon` (just
    /// after the colon when the value is `empty`).
    fn inline_value(&self, colon: usize, raw: Node<'_>, empty: bool, value: &PatchValue) -> Splice {
        let rendered = render_inline(value, self.layout.json);
        if empty {
            Splice {
                start: colon + 1,
                end: colon + 1,
                text: format!(" {rendered}"),
            }
        } else {
            Splice {
                start: raw.span().start,
                end: end_of(self.text, raw),
                text: rendered,
            }
        }
    }

    /// Adds `key: value` to a mapping.
    fn insert_entry(
        &self,
        map: Node<'_>,
        key: &str,
        value: &PatchValue,
    ) -> Result<Splice, EditError> {
        let text = self.text;
        let entries = map.raw_entries();
        if self.flow(map) {
            let kv = format!(
                "{}: {}",
                render_str(key, self.layout.json),
                render_inline(value, self.layout.json)
            );
            return match entries.last() {
                Some(&(lk, lv)) => {
                    let end = entry_end(text, lk, lv);
                    let multi_line = text
                        .get(map.span().start..end_of(text, map))
                        .is_some_and(|t| t.contains('\n'));
                    let (sep, kv) = if multi_line && only_space_before(text, lk.span().start) {
                        // One key per line: the new key gets a line of its own, and JSON values
                        // are laid out the way the file lays out its own.
                        let key_col = col(text, lk.span().start);
                        let open_indent = indent_of(text, map.span().start);
                        let step = key_col.saturating_sub(open_indent).max(1);
                        let nl = self.nl_at(end);
                        let kv = if self.layout.json {
                            format!(
                                "{}: {}",
                                render_str(key, true),
                                render_pretty(value, key_col, step, nl)
                            )
                        } else {
                            kv
                        };
                        (format!(",{nl}{}", spaces(key_col)), kv)
                    } else {
                        (", ".to_string(), kv)
                    };
                    Ok(Splice {
                        start: end,
                        end,
                        text: format!("{sep}{kv}"),
                    })
                }
                None => self.inside_empty(map, b'{', "mapping's opening brace", kv),
            };
        }
        let (Some(&(fk, _)), Some(&(lk, lv))) = (entries.first(), entries.last()) else {
            return Err(self.err("the mapping is empty"));
        };
        let first = fk.span().start;
        let prefix = text.get(line_start(text, first)..first).unwrap_or("");
        if !prefix.bytes().all(|b| b == b' ' || b == b'-') {
            return Err(self.err("the mapping's indentation is unusual"));
        }
        let key_col = prefix.len();
        let lines = render_block_entry(key, value, key_col, &self.layout);
        let pos = after_kept_lines(text, lv, line_after(text, entry_end(text, lk, lv)));
        Ok(self.insert_lines(pos, &lines))
    }

    /// `text` written just inside the opening bracket of an empty flow collection.
    fn inside_empty(
        &self,
        collection: Node<'_>,
        bracket: u8,
        what: &str,
        text: String,
    ) -> Result<Splice, EditError> {
        let open = collection.span().start;
        if self.text.as_bytes().get(open) != Some(&bracket) {
            return Err(self.err(format!("cannot find the {what}")));
        }
        Ok(Splice {
            start: open + 1,
            end: open + 1,
            text,
        })
    }

    /// Block lines inserted at `pos`, the start of a line (or the end of a text whose last line
    /// has no line break).
    fn insert_lines(&self, pos: usize, lines: &[String]) -> Splice {
        // The lines go after the line that ends at `pos`, and end as it does.
        let nl = self.nl_at(pos.saturating_sub(1));
        let body = lines.join(nl);
        let text = if pos >= self.text.len() && !self.text.ends_with('\n') {
            format!("{nl}{body}")
        } else {
            format!("{body}{nl}")
        };
        Splice {
            start: pos,
            end: pos,
            text,
        }
    }

    /// Adds an item at the end of a sequence.
    fn append_item(&self, seq: Node<'_>, item: &PatchValue) -> Result<Splice, EditError> {
        let text = self.text;
        let items = seq.raw_items();
        if self.flow(seq) {
            let rendered = render_inline(item, self.layout.json);
            return match items.last() {
                Some(last) => {
                    let end = end_of(text, *last);
                    let multi_line = text
                        .get(seq.span().start..seq.span().end)
                        .is_some_and(|t| t.contains('\n'));
                    let sep = if multi_line && only_space_before(text, last.span().start) {
                        let indent = text
                            .get(line_start(text, last.span().start)..last.span().start)
                            .unwrap_or("");
                        format!(",{}{indent}", self.nl_at(end))
                    } else {
                        ", ".to_string()
                    };
                    Ok(Splice {
                        start: end,
                        end,
                        text: format!("{sep}{rendered}"),
                    })
                }
                None => self.inside_empty(seq, b'[', "list's opening bracket", rendered),
            };
        }
        let (Some(first), Some(last)) = (items.first(), items.last()) else {
            return Err(self.err("the list is empty"));
        };
        let dash = dash_before(text, first.span().start)
            .ok_or_else(|| self.err("cannot find the list's dash"))?;
        let prefix = text.get(line_start(text, dash)..dash).unwrap_or("");
        if !prefix.bytes().all(|b| b == b' ' || b == b'-') {
            return Err(self.err("the list's indentation is unusual"));
        }
        let lines = render_block_seq(std::slice::from_ref(item), prefix.len(), &self.layout);
        let pos = after_kept_lines(text, *last, line_after(text, content_end(text, *last)));
        Ok(self.insert_lines(pos, &lines))
    }

    /// Removes one entry of a mapping.
    fn remove_entry(
        &self,
        map: Node<'_>,
        key: Node<'_>,
        value: Node<'_>,
    ) -> Result<Splice, EditError> {
        let text = self.text;
        let entries = map.raw_entries();
        let Some(idx) = entries.iter().position(|(k, _)| k.id() == key.id()) else {
            return Err(self.err("cannot find the key"));
        };
        let end = entry_end(text, key, value);
        if self.flow(map) {
            return Ok(flow_removal(
                text,
                &entries
                    .iter()
                    .map(|&(k, v)| (k.span().start, entry_end(text, k, v)))
                    .collect::<Vec<_>>(),
                idx,
            ));
        }
        if entries.len() == 1 {
            return Ok(Splice {
                start: key.span().start,
                end,
                text: "{}".to_string(),
            });
        }
        if only_space_before(text, key.span().start) {
            return Ok(Splice {
                start: line_start(text, key.span().start),
                end: line_after(text, end),
                text: String::new(),
            });
        }
        // The first key of a list item (`- key: value`): the next key moves up onto the dash line.
        match entries.get(idx + 1) {
            Some(&(next, _)) if idx == 0 => Ok(Splice {
                start: key.span().start,
                end: next.span().start,
                text: String::new(),
            }),
            _ => Err(self.err("cannot remove a key written on the line of another")),
        }
    }

    /// Removes one element of a sequence.
    fn remove_item(
        &self,
        seq: Node<'_>,
        idx: usize,
        seq_slot: Slot<'_>,
    ) -> Result<Splice, EditError> {
        let text = self.text;
        let items = seq.raw_items();
        let Some(item) = items.get(idx).copied() else {
            return Err(self.err("no such list element"));
        };
        if self.flow(seq) {
            return Ok(flow_removal(
                text,
                &items
                    .iter()
                    .map(|n| (n.span().start, end_of(text, *n)))
                    .collect::<Vec<_>>(),
                idx,
            ));
        }
        if items.len() == 1 {
            if let Slot::Entry { key, .. } = seq_slot {
                let colon = colon_after(text, key.span().end)
                    .ok_or_else(|| self.err("cannot find the key's colon"))?;
                return Ok(Splice {
                    start: colon + 1,
                    end: end_of(text, item).max(colon + 1),
                    text: " []".to_string(),
                });
            }
            return Err(self.err("cannot empty this list"));
        }
        let dash = dash_before(text, item.span().start)
            .ok_or_else(|| self.err("cannot find the element's dash"))?;
        if !only_space_before(text, dash) {
            return Err(self.err("the list element shares its line with another"));
        }
        Ok(Splice {
            start: line_start(text, dash),
            end: line_after(text, content_end(text, item)),
            text: String::new(),
        })
    }
}

/// Removes element `idx` of a flow collection whose elements span `(start, end)`, with one comma.
pub(super) fn flow_removal(text: &str, spans: &[(usize, usize)], idx: usize) -> Splice {
    let this = spans.get(idx).copied().unwrap_or((0, 0));
    if let Some(&(next_start, _)) = spans.get(idx + 1) {
        return Splice {
            start: this.0,
            end: next_start,
            text: String::new(),
        };
    }
    if let Some(&(_, prev_end)) = idx.checked_sub(1).and_then(|p| spans.get(p)) {
        return Splice {
            start: prev_end,
            end: this.1,
            text: String::new(),
        };
    }
    // The only element: a trailing comma (`[a,]`) goes with it.
    let bytes = text.as_bytes();
    let mut end = this.1;
    while matches!(bytes.get(end), Some(b' ' | b'\t' | b'\r' | b'\n')) {
        end += 1;
    }
    let mut end = if bytes.get(end) == Some(&b',') {
        end + 1
    } else {
        this.1
    };
    let mut start = this.0;
    // An element alone on its line takes the line with it.
    let blank = |t: Option<&str>| t.is_some_and(|t| t.trim().is_empty());
    if blank(text.get(line_start(text, start)..start))
        && blank(text.get(end..line_break(text, end)))
    {
        start = line_start(text, start);
        end = line_after(text, end);
    }
    Splice {
        start,
        end,
        text: String::new(),
    }
}
