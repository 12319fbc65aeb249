//! The hardened rewrite: the fixes of an analysis applied as minimal text edits to the user's own
//! file, each edit graded, explained and traced to the findings it fixes.
//!
//! Fixes are declarative patches (see [`crate::fix`]), so the rewrite is simple: collect the
//! patches of every fix at or above the threshold, drop exact duplicates, refuse the second of two
//! conflicting patches, and let the edit engine turn each patch into a splice of the text. The
//! engine never re-serialises: comments, key order, quoting, indentation, flow or block style,
//! document separators, anchors and line endings stay as written, and lines no edit touches stay
//! byte-identical. Objects that are not workloads are never touched.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::fix::{Applicability, FieldPath, Patch, PatchValue, Seg, Text};
use crate::model::{FindingLevel, Options};
use crate::yaml;

mod edit;
mod pieces;

pub use edit::{EditError, apply_patches};

/// What to harden and how far to go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HardenOptions {
    /// The analysis options (level, version, hardening rules, ...).
    #[serde(flatten)]
    pub analysis: Options,
    /// The least safe grade of fix to apply: `Safe` (the default) or `Unsafe`. Manual fixes are
    /// never applied.
    pub threshold: Applicability,
}

impl Default for HardenOptions {
    fn default() -> Self {
        HardenOptions {
            analysis: Options::default(),
            threshold: Applicability::Safe,
        }
    }
}

/// The object an edit belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectRef {
    /// 0-based index of the document in the stream.
    pub document: usize,
    /// `kind` as written.
    pub kind: String,
    /// `metadata.name`, or empty.
    pub name: String,
    /// `metadata.generateName` when it has no name (see [`crate::model::shown_name`]).
    #[serde(
        rename = "generateName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub generate_name: Option<String>,
}

/// One fix of the rewrite, applied or not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    /// Imperative title of the fix.
    pub title: String,
    /// How safe it is. Fixes that could not be written as a text edit are graded `manual`.
    pub grade: Applicability,
    /// How it may break the workload, or what a person must decide.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
    /// IDs of the checks whose findings it fixes.
    pub checks: Vec<Text>,
    /// The object it changes.
    pub object: ObjectRef,
    /// The container concerned, if the fix is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// The declarative changes.
    pub patches: Vec<Patch>,
    /// First and last 1-based line of the output that the edit wrote (`None` when nothing was
    /// written, for example because an earlier edit already made the change).
    pub lines: Option<(usize, usize)>,
    /// Each place the edit wrote, as first and last 1-based line of the output (an edit may
    /// write in more than one place, e.g. a container field and a pod volume).
    pub hunks: Vec<(usize, usize)>,
    /// Whether the edit is applied to the output text.
    pub applied: bool,
    /// Why it is not applied, when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

/// The verdict for one workload object before and after the rewrite.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectVerdict {
    /// The object.
    pub object: ObjectRef,
    /// 1-based line of the object in the output.
    pub line: usize,
    /// Whether Pod Security Admission admits it at the requested level, before.
    pub before: bool,
    /// The same, after the rewrite.
    pub after: bool,
    /// Number of findings before.
    pub findings_before: usize,
    /// Number of findings after.
    pub findings_after: usize,
    /// What still stops the object after the rewrite: every finding on which Pod Security
    /// Admission denies it, the API server rejects it or the kubelet refuses to start its pods,
    /// each with why the rewrite left it.
    #[serde(default)]
    pub blocking: Vec<Blocker>,
}

impl ObjectVerdict {
    /// Whether something still stops the object after the rewrite: Pod Security Admission does
    /// not admit it, or the API server rejects it or the kubelet refuses it. Read on a text whose
    /// findings none is suppressed by an inline ignore, as for the parts [`harden_parts`] says
    /// decide alone.
    #[must_use]
    pub fn stops(&self) -> bool {
        !self.after || self.blocking.iter().any(|b| b.level.stops_object())
    }
}

/// A finding that still stops an object after the rewrite, and why the rewrite did not fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocker {
    /// The check ID.
    #[serde(deserialize_with = "crate::wire::static_str")]
    pub check: crate::wire::Name,
    /// `rejected` (API server), `refused` (kubelet or runtime), or the Pod Security Standards
    /// level that denies admission.
    pub level: FindingLevel,
    /// The finding's message.
    pub message: String,
    /// 1-based line in the output.
    pub line: usize,
    /// The container concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// Why the rewrite left it, as a sentence.
    pub why: String,
}

/// The hardened rewrite of a text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hardened {
    /// The rewritten text (equal to the input when nothing applies).
    pub text: String,
    /// Whether the text changed.
    pub changed: bool,
    /// Every fix offered, in application order: applied ones first within each document.
    pub edits: Vec<Edit>,
    /// Admission verdicts per workload object, before and after.
    pub objects: Vec<ObjectVerdict>,
}

/// The findings of a text, as a round reads them (see [`crate::analysis::analyze_findings`]).
fn analyze(text: &str, options: &Options, held: usize) -> Analysis {
    work::read(text.len());
    crate::analysis::analyze_findings(text, options, held)
}

/// The positioned tree of a text, for editing it.
fn parse(text: &str) -> yaml::Stream {
    work::read(text.len());
    yaml::parse_stream(text)
}

/// The bytes hardening reads (analyses and parses), counted in tests so that a test can tell
/// linear work from quadratic without a clock.
mod work {
    #[cfg(test)]
    thread_local! {
        static READ: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// Counts `bytes` read.
    #[cfg_attr(not(test), allow(clippy::missing_const_for_fn, unused_variables))]
    pub(super) fn read(bytes: usize) {
        #[cfg(test)]
        READ.with(|r| r.set(r.get().saturating_add(bytes)));
    }

    /// The bytes read on this thread so far.
    #[cfg(test)]
    pub(super) fn total() -> usize {
        READ.with(std::cell::Cell::get)
    }
}

/// Whether a fix of this grade is applied at this threshold.
fn applies(grade: Applicability, threshold: Applicability) -> bool {
    grade != Applicability::Manual && grade >= threshold.max(Applicability::Unsafe)
}

/// The path prefix of an object inside its document (`items[2]` for List items, else empty).
fn object_prefix(pod_path: &str) -> Vec<Seg> {
    let segs = FieldPath::parse(pod_path).0;
    let mut cut = 0;
    for (i, pair) in segs.windows(2).enumerate() {
        if let [Seg::Key(k), Seg::Index(_)] = pair
            && k == "items"
        {
            cut = i + 2;
        }
    }
    segs.into_iter().take(cut).collect()
}

/// Whether two patches cannot both hold: the rule [`Accepted`] indexes (and its tests check it
/// against).
#[cfg(test)]
fn conflicts(a: &Patch, b: &Patch) -> bool {
    let (pa, pb) = (a.path(), b.path());
    let prefix = |x: &FieldPath, y: &FieldPath| x.0.len() < y.0.len() && y.0.starts_with(&x.0);
    match (a, b) {
        (Patch::Set { value: va, .. }, Patch::Set { value: vb, .. }) if pa == pb => {
            !compatible(va, vb)
        }
        (Patch::Remove { .. }, Patch::Remove { .. }) => false,
        (Patch::Remove { .. }, _) => pa == pb || prefix(pa, pb),
        (_, Patch::Remove { .. }) => pa == pb || prefix(pb, pa),
        (Patch::Ensure { item, .. }, Patch::RemoveItem { item: r, .. })
        | (Patch::RemoveItem { item: r, .. }, Patch::Ensure { item, .. }) => {
            pa == pb && matches!(item, PatchValue::Str(s) if s == r)
        }
        (Patch::Set { value, .. }, _) | (_, Patch::Set { value, .. }) => {
            // A scalar set where another patch goes deeper.
            let (set_path, other) = if matches!(a, Patch::Set { .. }) {
                (pa, pb)
            } else {
                (pb, pa)
            };
            !matches!(value, PatchValue::Map(_)) && (prefix(set_path, other))
        }
        _ => false,
    }
}

/// Whether two values for one path agree (maps agree when their common keys agree).
fn compatible(a: &PatchValue, b: &PatchValue) -> bool {
    match (a, b) {
        (PatchValue::Map(x), PatchValue::Map(y)) => x.iter().all(|(k, v)| {
            y.iter()
                .find(|(k2, _)| k2 == k)
                .is_none_or(|(_, w)| compatible(v, w))
        }),
        _ => a == b,
    }
}

/// Rounds of analyse-and-edit: a fix may reveal a finding that another fix then handles (setting
/// `appArmorProfile.type` makes a stray `localhostProfile` invalid, say). Rounds stop as soon as
/// one changes nothing.
const MAX_ROUNDS: usize = 8;

/// Byte ranges of the current text written by each edit: (edit index, start, end).
type Written = Vec<(usize, usize, usize)>;

/// Hardens a text: applies the fixes of its analysis at or above `options.threshold` as text
/// edits and reports every fix offered.
///
/// The rewrite runs in rounds until nothing more applies. After each round the result is analysed
/// again, and an edit that would introduce a finding on the paths it touches (removing
/// `capabilities` from a privileged container also removes its `drop: [ALL]`, say) is refused and
/// the round redone without it; the next round, on the new text, may try it again. The rewrite
/// does no harm, and running it twice changes nothing.
///
/// A stream of several documents is rewritten document by document, and a text that is one `List`
/// document item by item, each piece as a text of its own (see the `pieces` module).
#[must_use]
pub fn harden(text: &str, options: &HardenOptions) -> Hardened {
    harden_within(text, options, MAX_EDITS)
}

/// At most this many edits in one rewrite of a text (see
/// [`crate::analysis::MAX_FINDINGS_HARDENED`]).
const MAX_EDITS: usize = crate::analysis::MAX_FINDINGS_HARDENED;

/// [`harden`] with at most about `budget` edits: its pieces share them, and the findings past
/// them are each object's one notice.
fn harden_within(text: &str, options: &HardenOptions, budget: usize) -> Hardened {
    pieces::harden(text, options, budget).unwrap_or_else(|| harden_text(text, options, budget))
}

/// A part of a rewrite, as [`harden_parts`] gives them.
#[derive(Debug)]
pub enum Part {
    /// The next part of the output text, with its edits and verdicts (lines and documents of the
    /// whole output).
    Piece(Hardened),
    /// The parts given so far are void (a piece could not be rewritten alone): one
    /// [`Part::Piece`] follows, the whole text's rewrite.
    Restart,
}

/// [`harden`] a part at a time, so that a caller can write or render each part and drop it:
/// memory then follows the largest piece, not every edit of the text. The parts' texts joined are
/// [`harden`]'s text and their edits and verdicts its own, except that [`harden`] lists each
/// document's applied edits before its others across the items of a `List` (its
/// [`Hardened::edits`] order), where the parts give them item by item.
///
/// Returns whether the parts' verdicts decide alone whether each object of the rewrite is stopped
/// ([`ObjectVerdict::stops`]): the parts are pieces rewritten alone (documents, or a `List`'s
/// items), so the text parsed without errors and holds no inline ignores, and no namespace
/// admission can change a verdict. Otherwise, the one part after any [`Part::Restart`] may be the
/// whole text's rewrite, and the rewrite is to be analysed again to tell.
pub fn harden_parts(text: &str, options: &HardenOptions, emit: &mut dyn FnMut(Part)) -> bool {
    let mut emitted = false;
    let whole = pieces::each(text, options, MAX_EDITS, &mut |h| {
        emitted = true;
        emit(Part::Piece(h));
    })
    .is_none();
    if whole {
        if emitted {
            emit(Part::Restart);
        }
        emit(Part::Piece(harden_text(text, options, MAX_EDITS)));
    }
    !whole && !crate::admission::may_apply(text, &options.analysis)
}

/// How the reason of an edit that cannot be written starts (the path and why follow).
const CANNOT_EDIT: &str = "cannot edit ";
/// How the reason of an edit refused for a finding it would introduce starts (the check, ` at `
/// and the path follow).
const INTRODUCES: &str = "refused: it would introduce a finding (";

/// What joins a fix's title and the reason it was not applied in why a finding was left.
const NOT_APPLIED: &str = ") was not applied: ";

/// [`harden`] on the whole text.
fn harden_text(text: &str, options: &HardenOptions, budget: usize) -> Hardened {
    let first = analyze(text, &options.analysis, budget);
    // What the verdicts need of the text as it was, so that its analysis is not kept beside the
    // rounds' analyses.
    let before: Vec<Before> = first.objects.iter().map(Before::of).collect();
    let mut edits: Vec<Edit> = Vec::new();
    // Each distinct fix of a document, by a hash of (document, title, patches), so that a fix
    // offered again in a later round is found in constant time without a second copy of it.
    let mut known: HashMap<u64, usize> = HashMap::new();
    // The next edit whose fix has the same hash, for each edit (a chain, nearly always empty).
    let mut same_hash: Vec<Option<usize>> = Vec::new();
    let mut banned: HashSet<usize> = HashSet::new();
    let mut written: Written = Vec::new();
    let mut current = text.to_string();
    // The analysis of `current`; a round keeps only what judging its edits needs of it (`Seen`)
    // while the edited text is analysed, and a round that commits nothing leaves it to be redone.
    let mut analysis = Some(first);
    for _ in 0..MAX_ROUNDS {
        let Some(now) = analysis.as_ref() else { break };
        // Past the budget, no further round: each round's edits are kept for the report.
        if !edits.is_empty() && edits.len() >= budget {
            break;
        }
        let mut todo: Vec<usize> = Vec::new();
        let mut in_todo: HashSet<usize> = HashSet::new();
        for e in collect_edits(now, options.threshold) {
            let key = fix_hash(&e);
            let mut same = known.get(&key).copied();
            while let Some(i) = same {
                let is_same = edits.get(i).is_some_and(|x| {
                    x.object.document == e.object.document
                        && x.title == e.title
                        && x.patches == e.patches
                });
                if is_same {
                    break;
                }
                same = same_hash.get(i).copied().flatten();
            }
            match same {
                Some(i) => {
                    let Some(x) = edits.get_mut(i) else { continue };
                    if x.applied || banned.contains(&i) || e.skipped.is_some() {
                        continue;
                    }
                    x.skipped = None;
                    x.grade = e.grade;
                    if in_todo.insert(i) {
                        todo.push(i);
                    }
                }
                None => {
                    same_hash.push(known.insert(key, edits.len()));
                    if e.skipped.is_none() {
                        in_todo.insert(edits.len());
                        todo.push(edits.len());
                    }
                    edits.push(e);
                }
            }
        }
        if todo.is_empty() {
            break;
        }
        let seen = Seen::of(now);
        analysis = None;
        let mut committed = false;
        // Each redo refuses at least one more edit, so this ends.
        while !todo.is_empty() {
            for &i in &todo {
                if let Some(e) = edits.get_mut(i) {
                    e.applied = false;
                    e.skipped = None;
                }
            }
            let (out, new_written) = apply_round(&current, &todo, &mut edits, &written);
            if out == current {
                break;
            }
            let after = analyze(&out, &options.analysis, budget);
            let harmful = harmful_edits(&seen, &after, &todo, &edits, &out, &new_written);
            if harmful.is_empty() {
                current = out;
                written = new_written;
                analysis = Some(after);
                committed = true;
                // A refusal holds for the text it was judged on. On the new text an edit refused
                // before may do no harm (its neighbour is gone, a list index moved), and leaving
                // it refused would make a second run apply it: the rewrite would not be idempotent.
                banned.clear();
                break;
            }
            let mut refused: HashSet<usize> = HashSet::new();
            for (i, why) in harmful {
                if let Some(e) = edits.get_mut(i) {
                    e.applied = false;
                    e.skipped = Some(why);
                }
                banned.insert(i);
                refused.insert(i);
            }
            todo.retain(|t| !refused.contains(t));
        }
        if !committed {
            // Nothing changed (or nothing could change safely): the edits of this round stay
            // unapplied.
            for &i in &todo {
                if let Some(e) = edits.get_mut(i)
                    && e.applied
                {
                    e.applied = false;
                    e.skipped = Some("refused: it would introduce new findings".to_string());
                }
            }
            break;
        }
    }
    let changed = current != text;
    let line_of = LineIndex::new(&current);
    let mut by_owner: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
    for &(owner, a, b) in &written {
        by_owner.entry(owner).or_default().push((a, b));
    }
    for (i, e) in edits.iter_mut().enumerate() {
        let mine = by_owner.get(&i).map_or(&[][..], Vec::as_slice);
        let mut hunks: Vec<(usize, usize)> = if e.applied {
            mine.iter()
                .map(|&(a, b)| (line_of.line(a), line_of.line(b.saturating_sub(1).max(a))))
                .collect()
        } else {
            Vec::new()
        };
        crate::order::sort(&mut hunks);
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (a, b) in hunks {
            match merged.last_mut() {
                Some(last) if a <= last.1 + 1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        e.hunks = merged;
        let (a, b) = mine
            .iter()
            .fold((None::<usize>, None::<usize>), |(a, b), w| {
                (
                    Some(a.map_or(w.0, |a| a.min(w.0))),
                    Some(b.map_or(w.1, |b| b.max(w.1))),
                )
            });
        e.lines = match (a, b) {
            (Some(a), Some(b)) if e.applied => {
                Some((line_of.line(a), line_of.line(b.saturating_sub(1).max(a))))
            }
            _ => None,
        };
    }
    let analysis = analysis.unwrap_or_else(|| analyze(&current, &options.analysis, budget));
    let objects = verdicts(&before, &analysis, &edits, || {
        analyze(text, &options.analysis, budget)
    });
    // Applied edits first within each document, then the rest, keeping the order of application.
    crate::order::sort_by_key(&mut edits, report_order);
    Hardened {
        text: current,
        changed,
        edits,
        objects,
    }
}

/// The order edits are reported in: by document, applied ones first, each group in the order of
/// application (the sort is stable).
fn report_order(e: &Edit) -> u64 {
    ((e.object.document as u64) << 1) | u64::from(!e.applied)
}

/// A piece of the text edited on its own: a whole document, or one item of a `List` document (so
/// that a `kubectl get -o yaml` of a thousand pods is not re-read a thousand times per edit).
struct Unit {
    start: usize,
    end: usize,
    /// A `List` item's editor; a document's is made when the document is edited, so that the
    /// text's tree and a document's are not both held, nor every document's at once.
    editor: Option<edit::DocEditor>,
    item: Option<edit::ItemUnit>,
    /// The edits of this round on it.
    edits: Vec<usize>,
}

/// The units that the edits of `todo` fall in, in text order.
fn units(text: &str, stream: &yaml::Stream, todo: &[usize], edits: &[Edit]) -> Vec<Unit> {
    let mut by_doc: HashMap<usize, Vec<usize>> = HashMap::new();
    for &i in todo {
        if let Some(e) = edits.get(i) {
            by_doc.entry(e.object.document).or_default().push(i);
        }
    }
    let mut units = Vec::new();
    for pos in 0..stream.documents.len() {
        let Some(doc) = stream.documents.get(pos) else {
            continue;
        };
        let Some(mine) = by_doc.remove(&doc.index) else {
            continue;
        };
        // Edits that all stay inside items of a List are applied item by item.
        let mut by_item: HashMap<usize, Vec<usize>> = HashMap::new();
        let all_in_items =
            mine.iter().all(
                |&i| match edits.get(i).and_then(|e| edit::item_of(&e.patches)) {
                    Some(k) => {
                        by_item.entry(k).or_default().push(i);
                        true
                    }
                    None => false,
                },
            );
        if all_in_items {
            let mut wanted: Vec<usize> = by_item.keys().copied().collect();
            crate::order::sort(&mut wanted);
            if let Some(items) = edit::item_units(text, stream, pos, &wanted) {
                for (item, editor) in items {
                    units.push(Unit {
                        start: item.start,
                        end: item.end,
                        editor: Some(editor),
                        edits: by_item.remove(&item.index).unwrap_or_default(),
                        item: Some(item),
                    });
                }
                continue;
            }
        }
        let (start, end) = edit::doc_bounds(stream, pos, text.len());
        units.push(Unit {
            start,
            end,
            editor: None,
            item: None,
            edits: mine,
        });
    }
    units
}

/// Applies the edits listed in `todo` to `text`, document by document (item by item in `List`
/// documents). Marks each edit applied or skipped, and returns the new text with the ranges every
/// edit has written so far.
fn apply_round(
    text: &str,
    todo: &[usize],
    edits: &mut [Edit],
    written: &Written,
) -> (String, Written) {
    apply_round_with(text, todo, edits, written, true, true)
}

/// [`apply_round`], with runs of list edits played in batches or (for tests) one by one, and the
/// edits inside containers played on each container's text or (for tests) on the whole document.
fn apply_round_with(
    text: &str,
    todo: &[usize],
    edits: &mut [Edit],
    written: &Written,
    batches: bool,
    containers: bool,
) -> (String, Written) {
    let stream = parse(text);
    let mut out = String::with_capacity(text.len() + 256);
    let mut new_written: Written = Vec::new();
    let mut cursor = 0;
    // Ranges not yet placed in the output, in text order.
    let mut pending: Written = written.clone();
    crate::order::sort_by_key(&mut pending, |w| w.1 as u64);
    let mut pending = pending.into_iter().peekable();
    let units = units(text, &stream, todo, edits);
    drop(stream);
    for unit in units {
        let Unit {
            start,
            end,
            editor,
            item,
            edits: mine,
        } = unit;
        if start < cursor {
            continue;
        }
        let editor =
            editor.or_else(|| edit::DocEditor::new(text.get(start..end).unwrap_or("").to_string()));
        let Some(mut editor) = editor else { continue };
        // Earlier ranges: those before this unit keep their place relative to the output; those
        // inside it are carried through the editor.
        let delta = out.len() as isize - cursor as isize;
        while let Some(&(owner, a, b)) = pending.peek() {
            if a >= start {
                break;
            }
            new_written.push((owner, shift(a, delta), shift(b, delta)));
            pending.next();
        }
        while let Some(&(owner, a, b)) = pending.peek() {
            if a > end || b > end {
                break;
            }
            editor.ranges.push((owner, a - start, b - start));
            pending.next();
        }
        let mut accepted = Accepted::default();
        match item {
            Some(item) => play(
                &mut editor,
                mine,
                edits,
                Some(&item),
                &mut accepted,
                batches,
            ),
            None => {
                // The edits inside one container each are played on that container's text alone
                // (a pod of a thousand containers is not re-read a thousand times), then the rest
                // on the whole document.
                let mut rest: Vec<usize> = Vec::new();
                let mut by_container: HashMap<Vec<Seg>, Vec<usize>> = HashMap::new();
                for &i in &mine {
                    match edits.get(i).and_then(|e| edit::container_of(&e.patches)) {
                        Some(c) => by_container.entry(c.to_vec()).or_default().push(i),
                        None => rest.push(i),
                    }
                }
                let mut wanted: Vec<Vec<Seg>> = by_container.keys().cloned().collect();
                crate::order::sort(&mut wanted);
                let parts = (containers && wanted.len() > 1)
                    .then(|| editor.elements(&wanted))
                    .flatten();
                match parts {
                    Some(mut parts) => {
                        for (part, part_editor) in &mut parts {
                            let theirs = by_container.remove(part.path()).unwrap_or_default();
                            play(
                                part_editor,
                                theirs,
                                edits,
                                Some(part),
                                &mut accepted,
                                batches,
                            );
                        }
                        editor.rejoin(parts);
                        play(&mut editor, rest, edits, None, &mut accepted, batches);
                    }
                    None => play(&mut editor, mine, edits, None, &mut accepted, batches),
                }
            }
        }
        out.push_str(text.get(cursor..start).unwrap_or(""));
        let base = out.len();
        out.push_str(&editor.text);
        new_written.extend(
            editor
                .ranges
                .iter()
                .map(|&(owner, a, b)| (owner, base + a, base + b)),
        );
        cursor = end;
    }
    out.push_str(text.get(cursor..).unwrap_or(""));
    let delta = out.len() as isize - text.len() as isize;
    for (owner, a, b) in pending {
        new_written.push((owner, shift(a, delta), shift(b, delta)));
    }
    (out, new_written)
}

/// Plays the edits `mine` on `editor` (the text of `item`, when it is a part of its document):
/// safe before unsafe, a run of edits on one list at once, each edit refused when it conflicts with
/// one accepted before or cannot be written.
fn play(
    editor: &mut edit::DocEditor,
    mine: Vec<usize>,
    edits: &mut [Edit],
    item: Option<&edit::ItemUnit>,
    accepted: &mut Accepted,
    batches: bool,
) {
    // Safe before unsafe; removals of list elements by index last, highest index first, so
    // that earlier removals do not shift the indexes of later ones.
    let mut keyed: Vec<_> = mine
        .into_iter()
        .map(|i| {
            let e = edits.get(i);
            let last = e.and_then(|e| e.patches.iter().filter_map(edit::removed_index).max());
            let key = (
                last.is_some(),
                std::cmp::Reverse(last.cloned()),
                std::cmp::Reverse(e.map(|e| e.grade)),
            );
            (key, i)
        })
        .collect();
    crate::order::sort_by(&mut keyed, |a, b| a.0.cmp(&b.0));
    let mine: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
    // Each edit's patches in application order, as patches of the unit's text.
    let local = |e: &Edit| -> Vec<Patch> {
        edit::order_patches(&e.patches)
            .into_iter()
            .map(|p| item.as_ref().map_or_else(|| p.clone(), |it| it.local(p)))
            .collect()
    };
    let global = |mut err: EditError| {
        if let Some(it) = &item {
            err.path = it.global(&err.path);
        }
        err
    };
    let mut k = 0;
    // Edits before this position go one by one (a batch declined them).
    let mut one_by_one = 0;
    while let Some(&i) = mine.get(k) {
        // A run of edits on one list is played on one reading of the text.
        if batches && k >= one_by_one {
            let run = list_run(mine.get(k..).unwrap_or(&[]), edits, &local);
            if let Some((path, batch)) = run {
                let ids: Vec<usize> = batch.iter().map(|b| b.0).collect();
                let mut host = BatchHost {
                    accepted,
                    batch: Accepted::default(),
                    taken: Vec::new(),
                    ids: &ids,
                    edits,
                };
                let outcomes = editor.apply_list_batch(&path, &batch, &mut host);
                // What the batch accepted counts only when the batch was played.
                let taken = std::mem::take(&mut host.taken);
                match outcomes {
                    Some(outcomes) => {
                        for i in taken {
                            if let Some(e) = edits.get(i) {
                                accepted.add(&e.title, &e.patches);
                            }
                        }
                        for (&i, outcome) in ids.iter().zip(&outcomes) {
                            let Some(e) = edits.get_mut(i) else { continue };
                            match outcome {
                                edit::Outcome::Conflict(title) => {
                                    e.skipped =
                                        Some(format!("conflicts with \"{title}\", applied first"));
                                }
                                edit::Outcome::Applied => e.applied = true,
                                edit::Outcome::Failed(err) => {
                                    let err = global(err.clone());
                                    e.grade = Applicability::Manual;
                                    e.skipped =
                                        Some(format!("{CANNOT_EDIT}{}: {}", err.path, err.reason));
                                }
                            }
                        }
                        k += outcomes.len();
                        continue;
                    }
                    None => one_by_one = k + batch.len(),
                }
            }
        }
        k += 1;
        let Some(e) = edits.get_mut(i) else { continue };
        if let Some(title) = accepted.conflict(&e.patches) {
            e.skipped = Some(format!("conflicts with \"{title}\", applied first"));
            continue;
        }
        let saved = editor.snapshot();
        let mut failed = None;
        for p in local(e) {
            if let Err(err) = editor.apply(&p, i) {
                failed = Some(global(err));
                break;
            }
        }
        match failed {
            Some(err) => {
                *editor = saved;
                e.grade = Applicability::Manual;
                e.skipped = Some(format!("{CANNOT_EDIT}{}: {}", err.path, err.reason));
            }
            None => {
                e.applied = true;
                accepted.add(&e.title, &e.patches);
            }
        }
    }
}

/// Edits of one batch: each edit's index and its patches as the unit's, in application order.
type ListBatch = Vec<(usize, Vec<Patch>)>;

/// The longest run at the start of `mine` of edits that each only remove items from, or ensure
/// an item in, one and the same list, with their patches as the unit's; `None` when the first
/// edit is not one.
fn list_run(
    mine: &[usize],
    edits: &[Edit],
    local: &dyn Fn(&Edit) -> Vec<Patch>,
) -> Option<(FieldPath, ListBatch)> {
    let mut path: Option<FieldPath> = None;
    let mut batch = Vec::new();
    for &i in mine {
        let Some(e) = edits.get(i) else { break };
        let patches = local(e);
        let refs: Vec<&Patch> = patches.iter().collect();
        let Some(p) = edit::list_edit(&refs) else {
            break;
        };
        match &path {
            Some(q) if q != p => break,
            Some(_) => {}
            None => path = Some(p.clone()),
        }
        batch.push((i, patches));
    }
    path.map(|p| (p, batch))
}

/// The record of accepted patches, as a batch asks it: the patches accepted before the batch, and
/// those the batch accepts, kept apart until the batch is played (a batch the model cannot play
/// leaves the record as it was, without a copy of it).
struct BatchHost<'a> {
    accepted: &'a Accepted,
    batch: Accepted,
    /// The edits the batch accepted, in order.
    taken: Vec<usize>,
    ids: &'a [usize],
    edits: &'a [Edit],
}

impl edit::Host for BatchHost<'_> {
    fn conflict(&self, k: usize) -> Option<String> {
        let e = self.edits.get(*self.ids.get(k)?)?;
        // An edit accepted before the batch came first.
        self.accepted
            .conflict(&e.patches)
            .or_else(|| self.batch.conflict(&e.patches))
            .map(str::to_string)
    }

    fn accept(&mut self, k: usize) {
        if let Some(&i) = self.ids.get(k)
            && let Some(e) = self.edits.get(i)
        {
            self.batch.add(&e.title, &e.patches);
            self.taken.push(i);
        }
    }
}

/// The patches accepted so far in one unit of a round, by path, so that a new patch finds the
/// first one it conflicts with (as `conflicts` decides) in a few lookups instead of a scan.
#[derive(Clone, Default)]
struct Accepted {
    /// The title of each accepted edit, in order; the indexes below point here.
    titles: Vec<String>,
    at: HashMap<FieldPath, Bucket>,
    /// The first edit with a patch other than `Remove` strictly under each path.
    under: HashMap<FieldPath, usize>,
}

/// The accepted patches at one path.
#[derive(Clone, Default)]
struct Bucket {
    sets: Vec<(usize, PatchValue)>,
    first_remove: Option<usize>,
    first_not_remove: Option<usize>,
    /// The first `Set` of a value that is not a mapping.
    first_scalar_set: Option<usize>,
    ensured: HashMap<String, usize>,
    removed_items: HashMap<String, usize>,
}

impl Accepted {
    fn add(&mut self, title: &str, patches: &[Patch]) {
        let n = self.titles.len();
        self.titles.push(title.to_string());
        for p in patches {
            let b = self.at.entry(p.path().clone()).or_default();
            match p {
                Patch::Remove { .. } => {
                    b.first_remove.get_or_insert(n);
                    continue;
                }
                Patch::Set { value, .. } => {
                    b.sets.push((n, value.clone()));
                    if !matches!(value, PatchValue::Map(_)) {
                        b.first_scalar_set.get_or_insert(n);
                    }
                }
                Patch::Ensure { item, .. } => {
                    if let PatchValue::Str(s) = item {
                        b.ensured.entry(s.clone()).or_insert(n);
                    }
                }
                Patch::RemoveItem { item, .. } => {
                    b.removed_items.entry(item.clone()).or_insert(n);
                }
            }
            b.first_not_remove.get_or_insert(n);
            let segs = &p.path().0;
            for len in 0..segs.len() {
                let prefix = FieldPath(segs.iter().take(len).cloned().collect());
                self.under.entry(prefix).or_insert(n);
            }
        }
    }

    /// The title of the first accepted edit that one of `patches` conflicts with.
    fn conflict(&self, patches: &[Patch]) -> Option<&str> {
        let first = patches
            .iter()
            .filter_map(|p| self.first_conflict(p))
            .min()?;
        self.titles.get(first).map(String::as_str)
    }

    fn first_conflict(&self, p: &Patch) -> Option<usize> {
        let path = p.path();
        let mut found: Vec<Option<usize>> = Vec::new();
        // At the same path.
        if let Some(b) = self.at.get(path) {
            match p {
                Patch::Set { value, .. } => {
                    found.push(
                        b.sets
                            .iter()
                            .find(|(_, v)| !compatible(value, v))
                            .map(|(n, _)| *n),
                    );
                    found.push(b.first_remove);
                }
                Patch::Remove { .. } => found.push(b.first_not_remove),
                Patch::Ensure { item, .. } => {
                    found.push(b.first_remove);
                    if let PatchValue::Str(s) = item {
                        found.push(b.removed_items.get(s).copied());
                    }
                }
                Patch::RemoveItem { item, .. } => {
                    found.push(b.first_remove);
                    found.push(b.ensured.get(item).copied());
                }
            }
        }
        // Above it: a removal, or a scalar written where this one goes deeper.
        if !matches!(p, Patch::Remove { .. }) {
            for len in 0..path.0.len() {
                let prefix = FieldPath(path.0.iter().take(len).cloned().collect());
                if let Some(b) = self.at.get(&prefix) {
                    found.push(b.first_remove);
                    if matches!(p, Patch::Ensure { .. } | Patch::RemoveItem { .. }) {
                        found.push(b.first_scalar_set);
                    }
                }
            }
        }
        // Below it: anything but a removal, under a removal or a scalar written here.
        let deeper = match p {
            Patch::Remove { .. } => true,
            Patch::Set { value, .. } => !matches!(value, PatchValue::Map(_)),
            _ => false,
        };
        if deeper {
            found.push(self.under.get(path).copied());
        }
        found.into_iter().flatten().min()
    }
}

fn shift(pos: usize, delta: isize) -> usize {
    pos.saturating_add_signed(delta)
}

/// Whether a finding means the object cannot run at all: the API server rejects it, or the kubelet
/// or runtime refuses to start it.
fn is_blocker(f: &crate::model::Finding) -> bool {
    f.level.stops_object()
}

/// Who refuses an object with this finding, for the reasons the rewrite gives.
fn refuser(level: FindingLevel) -> &'static str {
    match level {
        FindingLevel::Rejected => "the API server would reject the object",
        _ => "the kubelet or the runtime would refuse to start the pod",
    }
}

/// Edits of this round that a new finding can be blamed on, each with the reason.
///
/// Any new finding is blamed on the edits that write on its path (or above or below it). A new
/// `rejected` or `refused` finding is never let through, since the rewrite must not make a
/// workload that cannot run: it is blamed on the edits that wrote one of the lines it points at
/// (`runAsNonRoot: true` written beside `runAsUser: 0`, say), else on those on its path, else on
/// those of its container, else on every edit of its object. Blocking findings are counted by check
/// and container, so that one whose message changes, or whose list element a removal renumbers,
/// is not new.
fn harmful_edits(
    before: &Seen,
    after: &Analysis,
    todo: &[usize],
    edits: &[Edit],
    out: &str,
    written: &Written,
) -> Vec<(usize, String)> {
    let mut blockers = before.blockers.clone();
    // The applied edits of this round by document, and the lines each wrote.
    let mut by_doc: HashMap<usize, Vec<usize>> = HashMap::new();
    for &i in todo {
        if let Some(e) = edits.get(i).filter(|e| e.applied) {
            by_doc.entry(e.object.document).or_default().push(i);
        }
    }
    let line_of = LineIndex::new(out);
    let mut lines_of: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
    // Only ranges with text: a deletion leaves an empty range on the line that moved up.
    for &(owner, a, b) in written.iter().filter(|w| w.2 > w.1) {
        lines_of
            .entry(owner)
            .or_default()
            .push((line_of.line(a), line_of.line(b.saturating_sub(1).max(a))));
    }
    let mut out_edits: Vec<(usize, String)> = Vec::new();
    let mut blamed: HashSet<usize> = HashSet::new();
    // Paths whose ordinary new findings were already blamed: the same edits are on them again.
    let mut judged: HashSet<(usize, &str)> = HashSet::new();
    for o in &after.objects {
        let mine = by_doc.get(&o.document).map_or(&[][..], Vec::as_slice);
        for f in &o.findings {
            let fp = FieldPath::parse(&f.path);
            let on_path = |e: &Edit| {
                e.patches.iter().any(|p| {
                    let pp = &p.path().0;
                    fp.0.starts_with(pp) || pp.starts_with(&fp.0)
                })
            };
            let new_blocker = is_blocker(f)
                && match blockers.get_mut(&blocker_key(o.document, f)) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        false
                    }
                    _ => true,
                };
            let culprits: Vec<usize> = if new_blocker {
                let lines: Vec<usize> = std::iter::once(f.line)
                    .chain(f.related.iter().map(|r| r.line))
                    .collect();
                let wrote = |i: &usize| {
                    lines_of.get(i).is_some_and(|ranges| {
                        ranges
                            .iter()
                            .any(|&(a, b)| lines.iter().any(|&l| a <= l && l <= b))
                    })
                };
                let same_object = |e: &Edit| e.object.kind == o.kind && e.object.name == o.name;
                let tiers: [&dyn Fn(usize) -> bool; 4] = [
                    &|i| wrote(&i),
                    &|i| edits.get(i).is_some_and(on_path),
                    &|i| {
                        edits.get(i).is_some_and(|e| {
                            same_object(e) && f.container.is_some() && e.container == f.container
                        })
                    },
                    &|i| edits.get(i).is_some_and(same_object),
                ];
                tiers
                    .iter()
                    .map(|tier| {
                        mine.iter()
                            .copied()
                            .filter(|&i| tier(i))
                            .collect::<Vec<_>>()
                    })
                    .find(|c| !c.is_empty())
                    .unwrap_or_default()
            } else if before.has(o.document, f.check, &f.path)
                || !judged.insert((o.document, f.path.as_str()))
            {
                continue;
            } else {
                mine.iter()
                    .copied()
                    .filter(|&i| edits.get(i).is_some_and(on_path))
                    .collect()
            };
            for i in culprits {
                if !blamed.insert(i) {
                    continue;
                }
                let why = if new_blocker {
                    format!(
                        "{INTRODUCES}{} at {}), and {}: {}",
                        f.check,
                        f.path,
                        refuser(f.level),
                        f.message
                    )
                } else {
                    format!("{INTRODUCES}{} at {})", f.check, f.path)
                };
                out_edits.push((i, why));
            }
        }
    }
    out_edits
}

/// What judging a round's edits needs of the analysis the round starts from: which findings
/// (document, check, path) it has, and how many blocking ones per document, check and container,
/// each kept as a hash of those words rather than a copy of them.
struct Seen {
    old: HashSet<u64>,
    blockers: HashMap<u64, usize>,
}

impl Seen {
    fn of(a: &Analysis) -> Seen {
        let mut old = HashSet::new();
        let mut blockers = HashMap::new();
        for o in &a.objects {
            for f in &o.findings {
                old.insert(hash_of(&(o.document, &f.check, &f.path)));
                if is_blocker(f) {
                    *blockers.entry(blocker_key(o.document, f)).or_insert(0) += 1;
                }
            }
        }
        Seen { old, blockers }
    }

    fn has(&self, document: usize, check: &str, path: &str) -> bool {
        self.old.contains(&hash_of(&(document, check, path)))
    }
}

/// Blocking findings are counted by document, check and container.
fn blocker_key(document: usize, f: &crate::model::Finding) -> u64 {
    hash_of(&(document, &f.check, &f.container))
}

fn hash_of(v: &impl std::hash::Hash) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// A hash of an edit's fix: its document, title and patches.
fn fix_hash(e: &Edit) -> u64 {
    hash_of(&(e.object.document, e.title.as_str(), &e.patches))
}

/// One edit per distinct fix of every workload object, ordered for application: safe before
/// unsafe within each document, objects and findings in text order.
fn collect_edits(analysis: &Analysis, threshold: Applicability) -> Vec<Edit> {
    let mut edits: Vec<Edit> = Vec::new();
    for obj in &analysis.objects {
        let object = ObjectRef {
            document: obj.document,
            kind: obj.kind.clone(),
            name: obj.name.clone(),
            generate_name: obj.generate_name.clone(),
        };
        let prefix = object_prefix(&obj.pod_path);
        // The edits of this object by fix, so that a fix shared by many findings is found at once.
        let mut seen: HashMap<(&str, &[Patch]), usize> = HashMap::new();
        // An object with more findings than a rewrite reads is left as it is: what judges a
        // round's edits would see the findings past the budget as new ones.
        if let Some(notice) = obj.findings.iter().find(|f| crate::rule::is_over_budget(f)) {
            edits.push(past_the_budget(notice, &object));
            continue;
        }
        for f in &obj.findings {
            let Some(fix) = &f.fix else { continue };
            if let Some(e) = seen
                .get(&(fix.title.as_str(), fix.patches.as_slice()))
                .and_then(|&i| edits.get_mut(i))
            {
                if !e.checks.iter().any(|c| *c == f.check) {
                    e.checks.push(Text::Borrowed(f.check));
                }
                continue;
            }
            seen.insert((fix.title.as_str(), fix.patches.as_slice()), edits.len());
            let skipped = if fix.applicability == Applicability::Manual {
                Some("needs a decision by a person".to_string())
            } else if fix.patches.is_empty() {
                Some("the fix has no automatic change".to_string())
            } else if !applies(fix.applicability, threshold) {
                Some("below the threshold".to_string())
            } else if fix.patches.iter().any(|p| !p.path().0.starts_with(&prefix)) {
                Some("the fix reaches outside its object".to_string())
            } else {
                None
            };
            edits.push(Edit {
                title: fix.title.clone(),
                grade: fix.applicability,
                note: fix.note.clone(),
                checks: vec![Text::Borrowed(f.check)],
                object: object.clone(),
                container: f.container.clone(),
                patches: fix.patches.clone(),
                lines: None,
                hunks: Vec::new(),
                applied: false,
                skipped,
            });
        }
    }
    edits
}

/// The title of the edit that stands for the findings past the budget of one object.
const PAST_THE_BUDGET: &str = "fix an object with more findings than one rewrite reads";

/// The edit, never applied, that says an object has more findings than one rewrite reads (see
/// [`crate::analysis::MAX_FINDINGS_HARDENED`]): none of its fixes is offered.
fn past_the_budget(notice: &crate::model::Finding, object: &ObjectRef) -> Edit {
    Edit {
        title: PAST_THE_BUDGET.to_string(),
        grade: Applicability::Manual,
        note: None,
        // It fixes nothing itself: the notice's check is merely that of the object's first
        // finding, and naming it would read as if that were all the edit is about.
        checks: Vec::new(),
        object: object.clone(),
        container: None,
        patches: Vec::new(),
        lines: None,
        hunks: Vec::new(),
        applied: false,
        skipped: Some(notice.message.clone()),
    }
}

/// An object of the text as it was: what its verdict compares with.
struct Before {
    document: usize,
    kind: String,
    name: String,
    generate_name: Option<String>,
    allowed: bool,
    findings: usize,
}

impl Before {
    fn of(o: &crate::analysis::ObjectReport) -> Before {
        Before {
            document: o.document,
            kind: o.kind.clone(),
            name: o.name.clone(),
            generate_name: o.generate_name.clone(),
            allowed: o.allowed,
            findings: findings_count(o),
        }
    }
}

/// How many findings an object has, the notice of an object past the rewrite's budget counting
/// those it stands for.
fn findings_count(o: &crate::analysis::ObjectReport) -> usize {
    o.findings
        .iter()
        .map(|f| crate::rule::over_budget_count(f).unwrap_or(1))
        .sum()
}

/// The verdict of each object of the text as it was. An object the rewrite's last analysis does
/// not hold at the same place (which no fix should cause) is judged on the text as it was, which
/// `first` analyses again.
fn verdicts(
    before: &[Before],
    after: &Analysis,
    edits: &[Edit],
    first: impl FnOnce() -> Analysis,
) -> Vec<ObjectVerdict> {
    let mut by_fix: EditsByFix<'_> = HashMap::new();
    for (i, e) in edits.iter().enumerate() {
        by_fix
            .entry((e.object.document, e.title.as_str(), e.patches.as_slice()))
            .or_insert(i);
    }
    let mut first = Some(first);
    let mut original: Option<Analysis> = None;
    let mut out = Vec::with_capacity(before.len());
    for (i, b) in before.iter().enumerate() {
        let a = after
            .objects
            .get(i)
            .filter(|a| a.document == b.document && a.kind == b.kind && a.name == b.name);
        let object = ObjectRef {
            document: b.document,
            kind: b.kind.clone(),
            name: b.name.clone(),
            generate_name: b.generate_name.clone(),
        };
        let now = match a {
            Some(a) => a,
            None => {
                if let Some(f) = first.take() {
                    original = Some(f());
                }
                let Some(o) = original.as_ref().and_then(|o| o.objects.get(i)) else {
                    continue;
                };
                o
            }
        };
        let over = now.findings.iter().find(|f| crate::rule::is_over_budget(f));
        let blocking = now
            .findings
            .iter()
            // Past the budget the findings that deny it may not be held: the notice stands for
            // them.
            .filter(|f| {
                is_blocker(f)
                    || (!now.allowed && (f.pss || over.is_some_and(|n| std::ptr::eq(n, *f))))
            })
            .map(|f| Blocker {
                check: f.check,
                level: f.level,
                message: f.message.clone(),
                line: f.line,
                container: f.container.clone(),
                why: match over {
                    Some(notice) if !std::ptr::eq(notice, f) => {
                        format!("the object was left as it is: {}", notice.message)
                    }
                    _ => why_left(f, &object, edits, &by_fix),
                },
            })
            .collect();
        out.push(ObjectVerdict {
            object,
            line: now.line,
            before: b.allowed,
            after: now.allowed,
            findings_before: b.findings,
            findings_after: findings_count(now),
            blocking,
        });
    }
    out
}

/// The first edit of each fix: (document, title, patches) to its index.
type EditsByFix<'a> = HashMap<(usize, &'a str, &'a [Patch]), usize>;

/// Why the rewrite left a finding, as a sentence.
fn why_left(
    f: &crate::model::Finding,
    object: &ObjectRef,
    edits: &[Edit],
    by_fix: &EditsByFix<'_>,
) -> String {
    if crate::rule::is_over_budget(f) {
        return "the object has more findings than one rewrite reads, so it was left as it is"
            .to_string();
    }
    let Some(fix) = &f.fix else {
        return "there is no automatic fix: a person must change the manifest".to_string();
    };
    if fix.applicability == Applicability::Manual || fix.patches.is_empty() {
        let note = fix
            .note
            .as_deref()
            .map_or(String::new(), |n| format!(" ({n})"));
        return format!(
            "its fix (\"{}\") needs a decision by a person{note}",
            fix.title
        );
    }
    let edit = by_fix
        .get(&(object.document, fix.title.as_str(), fix.patches.as_slice()))
        .and_then(|&i| edits.get(i));
    match edit.and_then(|e| e.skipped.as_deref()) {
        Some("below the threshold") => format!(
            "its fix (\"{}\") is {} and was not asked for{}",
            fix.title,
            fix.applicability.as_str(),
            fix.note
                .as_deref()
                .map_or(String::new(), |n| format!(": {n}"))
        ),
        Some(why) => format!("its fix (\"{}\"){NOT_APPLIED}{why}", fix.title),
        None => format!("its fix (\"{}\") did not remove it", fix.title),
    }
}

/// Byte offset to 1-based line.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Lines as YAML, the analysis and the editors count them: a lone `\r` breaks a line too.
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(crate::yaml::line_ends(text).map(|i| i + 1));
        LineIndex { starts }
    }

    fn line(&self, pos: usize) -> usize {
        self.starts.partition_point(|&s| s <= pos).max(1)
    }
}

#[cfg(test)]
mod tests;
