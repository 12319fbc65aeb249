//! The hardened rewrite: the fixes of an analysis applied as minimal text edits to the user's own
//! file, each edit graded, explained and traced to the findings it fixes.
//!
//! Fixes are declarative patches (see [`crate::fix`]), so the rewrite is simple: collect the
//! patches of every fix at or above the threshold, drop exact duplicates, refuse the second of two
//! conflicting patches, and let the edit engine turn each patch into a splice of the text. The
//! engine never re-serialises: comments, key order, quoting, indentation, flow or block style,
//! document separators, anchors and line endings stay as written, and lines no edit touches stay
//! byte-identical. Objects that are not workloads are never touched.

use serde::Serialize;

use crate::analysis::{Analysis, analyze};
use crate::fix::{Applicability, FieldPath, Patch, PatchValue, Seg};
use crate::model::Options;
use crate::yaml;

mod edit;

pub use edit::{EditError, apply_patches};

/// What to harden and how far to go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ObjectRef {
    /// 0-based index of the document in the stream.
    pub document: usize,
    /// `kind` as written.
    pub kind: String,
    /// `metadata.name`, or empty.
    pub name: String,
}

/// One fix of the rewrite, applied or not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// Imperative title of the fix.
    pub title: String,
    /// How safe it is. Fixes that could not be written as a text edit are graded `manual`.
    pub grade: Applicability,
    /// How it may break the workload, or what a person must decide.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// IDs of the checks whose findings it fixes.
    pub checks: Vec<String>,
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
    /// Whether the edit is applied to the output text.
    pub applied: bool,
    /// Why it is not applied, when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

/// The verdict for one workload object before and after the rewrite.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
}

/// The hardened rewrite of a text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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

/// Whether two patches cannot both hold.
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

/// Hardens a text: applies the fixes of its analysis at or above `options.threshold` as text
/// edits and reports every fix offered.
#[must_use]
pub fn harden(text: &str, options: &HardenOptions) -> Hardened {
    let before = analyze(text, &options.analysis);
    let mut edits = collect_edits(&before, options.threshold);
    let stream = yaml::parse_stream(text);
    let mut out = String::with_capacity(text.len() + 256);
    let mut cursor = 0;
    // Byte ranges of the output written by each edit.
    let mut written: Vec<(usize, usize, usize)> = Vec::new();
    for pos in 0..stream.documents.len() {
        let Some(doc) = stream.documents.get(pos) else {
            continue;
        };
        let mut todo: Vec<usize> = edits
            .iter()
            .enumerate()
            .filter(|(_, e)| e.object.document == doc.index && e.skipped.is_none())
            .map(|(i, _)| i)
            .collect();
        // Edits that remove list elements by index go last, highest index first, so that earlier
        // removals do not shift the indexes of later ones.
        todo.sort_by_key(|&i| {
            let last = edits
                .get(i)
                .and_then(|e| e.patches.iter().filter_map(edit::removed_index).max());
            (last.is_some(), std::cmp::Reverse(last.cloned()))
        });
        if todo.is_empty() {
            continue;
        }
        let (start, end) = edit::doc_bounds(&stream, pos, text.len());
        if start < cursor {
            continue;
        }
        let Some(mut editor) = edit::DocEditor::new(text.get(start..end).unwrap_or("").to_string())
        else {
            continue;
        };
        let mut accepted: Vec<(String, Patch)> = Vec::new();
        for i in todo {
            let Some(e) = edits.get_mut(i) else { continue };
            if let Some((title, _)) = accepted
                .iter()
                .find(|(_, q)| e.patches.iter().any(|p| conflicts(p, q)))
            {
                e.skipped = Some(format!("conflicts with \"{title}\", applied first"));
                continue;
            }
            let saved = editor.clone();
            let mut failed = None;
            for p in edit::order_patches(&e.patches) {
                if let Err(err) = editor.apply(p, i) {
                    failed = Some(err);
                    break;
                }
            }
            match failed {
                Some(err) => {
                    editor = saved;
                    e.grade = Applicability::Manual;
                    e.skipped = Some(format!("cannot edit {}: {}", err.path, err.reason));
                }
                None => {
                    e.applied = true;
                    accepted.extend(e.patches.iter().map(|p| (e.title.clone(), p.clone())));
                }
            }
        }
        out.push_str(text.get(cursor..start).unwrap_or(""));
        let base = out.len();
        out.push_str(&editor.text);
        written.extend(
            editor
                .ranges
                .iter()
                .map(|&(owner, a, b)| (owner, base + a, base + b)),
        );
        cursor = end;
    }
    out.push_str(text.get(cursor..).unwrap_or(""));
    let changed = out != text;
    let line_of = LineIndex::new(&out);
    for (i, e) in edits.iter_mut().enumerate() {
        let mine: Vec<(usize, usize)> = written
            .iter()
            .filter(|w| w.0 == i)
            .map(|w| (w.1, w.2))
            .collect();
        if let (Some(a), Some(b)) = (
            mine.iter().map(|r| r.0).min(),
            mine.iter().map(|r| r.1).max(),
        ) {
            e.lines = Some((line_of.line(a), line_of.line(b.saturating_sub(1).max(a))));
        }
    }
    let after = if changed {
        analyze(&out, &options.analysis)
    } else {
        before.clone()
    };
    let objects = verdicts(&before, &after);
    // Applied edits first within each document, then the rest, keeping finding order.
    edits.sort_by_key(|e| (e.object.document, !e.applied));
    Hardened {
        text: out,
        changed,
        edits,
        objects,
    }
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
        };
        let prefix = object_prefix(&obj.pod_path);
        let first = edits.len();
        for f in &obj.findings {
            let Some(fix) = &f.fix else { continue };
            if let Some(e) = edits.get_mut(first..).and_then(|es| {
                es.iter_mut()
                    .find(|e| e.title == fix.title && e.patches == fix.patches)
            }) {
                if !e.checks.contains(&f.check) {
                    e.checks.push(f.check.clone());
                }
                continue;
            }
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
                checks: vec![f.check.clone()],
                object: object.clone(),
                container: f.container.clone(),
                patches: fix.patches.clone(),
                lines: None,
                applied: false,
                skipped,
            });
        }
    }
    // Stable: documents in order, safe edits first within a document.
    edits.sort_by_key(|e| (e.object.document, std::cmp::Reverse(e.grade)));
    edits
}

fn verdicts(before: &Analysis, after: &Analysis) -> Vec<ObjectVerdict> {
    before
        .objects
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let a = after
                .objects
                .get(i)
                .filter(|a| a.document == b.document && a.kind == b.kind && a.name == b.name);
            ObjectVerdict {
                object: ObjectRef {
                    document: b.document,
                    kind: b.kind.clone(),
                    name: b.name.clone(),
                },
                line: a.map_or(b.line, |a| a.line),
                before: b.allowed,
                after: a.map_or(b.allowed, |a| a.allowed),
                findings_before: b.findings.len(),
                findings_after: a.map_or(b.findings.len(), |a| a.findings.len()),
            }
        })
        .collect()
}

/// Byte offset to 1-based line.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    fn line(&self, pos: usize) -> usize {
        self.starts.partition_point(|&s| s <= pos).max(1)
    }
}

#[cfg(test)]
mod tests;
