//! Line diff (Myers' O(ND) algorithm), for the side-by-side view and `podsec harden --diff`.

use serde::Serialize;

/// One line of an aligned diff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Line {
    /// The same line on both sides (0-based indexes).
    Same {
        /// Index in the old text.
        old: usize,
        /// Index in the new text.
        new: usize,
    },
    /// A line only in the old text.
    Removed {
        /// Index in the old text.
        old: usize,
    },
    /// A line only in the new text.
    Added {
        /// Index in the new text.
        new: usize,
    },
}

/// Splits text into lines, keeping line endings, so that joining them gives the text back.
#[must_use]
pub fn split_lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Diffs two lists of lines. Beyond `max_d` differences it gives up on minimality and reports the
/// differing middle as removed then added, so that the cost stays bounded.
#[must_use]
pub fn diff_lines(a: &[&str], b: &[&str]) -> Vec<Line> {
    // Trim the common prefix and suffix first: edits are usually few and local.
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a
        .iter()
        .skip(prefix)
        .rev()
        .zip(b.iter().skip(prefix).rev())
        .take_while(|(x, y)| x == y)
        .count();
    let a_mid = a.get(prefix..a.len() - suffix).unwrap_or(&[]);
    let b_mid = b.get(prefix..b.len() - suffix).unwrap_or(&[]);
    let mut out: Vec<Line> = (0..prefix).map(|i| Line::Same { old: i, new: i }).collect();
    for op in myers(a_mid, b_mid, 2000) {
        out.push(match op {
            Line::Same { old, new } => Line::Same {
                old: old + prefix,
                new: new + prefix,
            },
            Line::Removed { old } => Line::Removed { old: old + prefix },
            Line::Added { new } => Line::Added { new: new + prefix },
        });
    }
    let (ao, bo) = (a.len() - suffix, b.len() - suffix);
    out.extend((0..suffix).map(|i| Line::Same {
        old: ao + i,
        new: bo + i,
    }));
    out
}

fn myers(a: &[&str], b: &[&str], max_d: usize) -> Vec<Line> {
    let (n, m) = (a.len(), b.len());
    let max = (n + m).min(max_d);
    let offset = max + 1;
    let mut v = vec![0usize; 2 * max + 3];
    let mut trace: Vec<Vec<usize>> = Vec::new();
    let mut found = None;
    'outer: for d in 0..=max {
        trace.push(v.clone());
        let d_i = d as isize;
        let mut k = -d_i;
        while k <= d_i {
            let idx = (k + offset as isize) as usize;
            let down = k == -d_i
                || (k != d_i
                    && v.get(idx - 1).copied().unwrap_or(0) < v.get(idx + 1).copied().unwrap_or(0));
            let mut x = if down {
                v.get(idx + 1).copied().unwrap_or(0)
            } else {
                v.get(idx - 1).copied().unwrap_or(0) + 1
            };
            let mut y = (x as isize - k) as usize;
            while x < n && y < m && a.get(x) == b.get(y) {
                x += 1;
                y += 1;
            }
            if let Some(slot) = v.get_mut(idx) {
                *slot = x;
            }
            if x >= n && y >= m {
                found = Some(d);
                break 'outer;
            }
            k += 2;
        }
    }
    let Some(d_end) = found else {
        // Too different: report a block replacement.
        let mut out: Vec<Line> = (0..n).map(|old| Line::Removed { old }).collect();
        out.extend((0..m).map(|new| Line::Added { new }));
        return out;
    };
    // Backtrack.
    let mut out = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (0..=d_end).rev() {
        let v = trace.get(d).cloned().unwrap_or_default();
        let d_i = d as isize;
        let k = x as isize - y as isize;
        let idx = |k: isize| (k + offset as isize) as usize;
        let down = k == -d_i
            || (k != d_i
                && v.get(idx(k) - 1).copied().unwrap_or(0)
                    < v.get(idx(k) + 1).copied().unwrap_or(0));
        let prev_k = if down { k + 1 } else { k - 1 };
        let prev_x = v.get(idx(prev_k)).copied().unwrap_or(0);
        let prev_y = (prev_x as isize - prev_k) as usize;
        while x > prev_x && y > prev_y {
            x -= 1;
            y -= 1;
            out.push(Line::Same { old: x, new: y });
        }
        if d > 0 {
            if down {
                y -= 1;
                out.push(Line::Added { new: y });
            } else {
                x -= 1;
                out.push(Line::Removed { old: x });
            }
        }
    }
    out.reverse();
    out
}

/// One side of a [`Row`]: a 0-based line index and its text.
pub type Cell<'a> = Option<(usize, &'a str)>;

/// One row of a side-by-side diff (see [`side_by_side`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row<'a> {
    /// An old and a new line, either possibly missing: unchanged when both hold the same text.
    Pair(Cell<'a>, Cell<'a>),
    /// A run of `n` unchanged lines left out, from 0-based old line `old` and new line `new`.
    Fold {
        /// First old line of the run.
        old: usize,
        /// First new line of the run.
        new: usize,
        /// How many lines.
        n: usize,
    },
}

impl Row<'_> {
    /// Whether the row is a change (a line on one side only, or two different lines).
    #[must_use]
    pub fn changed(&self) -> bool {
        match self {
            Row::Pair(Some((_, a)), Some((_, b))) => a != b,
            Row::Pair(..) => true,
            Row::Fold { .. } => false,
        }
    }
}

/// The rows of a side-by-side view: each run of removed lines paired with the run of added lines
/// that replaces it (line by line, the longer run's rest against nothing), and every run of
/// unchanged lines farther than `context` rows from any change folded into one [`Row::Fold`].
#[must_use]
pub fn side_by_side<'a>(old: &[&'a str], new: &[&'a str], context: usize) -> Vec<Row<'a>> {
    let line = |lines: &[&'a str], k: usize| (k, lines.get(k).copied().unwrap_or(""));
    let mut pairs: Vec<Row<'a>> = Vec::new();
    let mut removed: Vec<usize> = Vec::new();
    let mut added: Vec<usize> = Vec::new();
    let flush = |pairs: &mut Vec<Row<'a>>, removed: &mut Vec<usize>, added: &mut Vec<usize>| {
        for i in 0..removed.len().max(added.len()) {
            pairs.push(Row::Pair(
                removed.get(i).map(|&k| line(old, k)),
                added.get(i).map(|&k| line(new, k)),
            ));
        }
        removed.clear();
        added.clear();
    };
    for op in diff_lines(old, new) {
        match op {
            Line::Removed { old: k } => removed.push(k),
            Line::Added { new: k } => added.push(k),
            Line::Same { old: a, new: b } => {
                flush(&mut pairs, &mut removed, &mut added);
                pairs.push(Row::Pair(Some(line(old, a)), Some(line(new, b))));
            }
        }
    }
    flush(&mut pairs, &mut removed, &mut added);
    // Rows within `context` of a change: one pass forward and one back over the change marks.
    let mut near = vec![false; pairs.len()];
    let mut since: Option<usize> = None;
    for (i, row) in pairs.iter().enumerate() {
        if row.changed() {
            since = Some(i);
        }
        if let (Some(at), Some(slot)) = (since, near.get_mut(i)) {
            *slot = i - at <= context;
        }
    }
    let mut until: Option<usize> = None;
    for (i, row) in pairs.iter().enumerate().rev() {
        if row.changed() {
            until = Some(i);
        }
        if let (Some(at), Some(slot)) = (until, near.get_mut(i)) {
            *slot |= at - i <= context;
        }
    }
    let mut out = Vec::new();
    // The run being folded: its first old and new line, and its length. Lines far from every
    // change are unchanged, so a run's lines are consecutive on both sides.
    let mut fold: Option<(usize, usize, usize)> = None;
    for (row, near) in pairs.into_iter().zip(near) {
        if near {
            if let Some((old, new, n)) = fold.take() {
                out.push(Row::Fold { old, new, n });
            }
            out.push(row);
        } else if let Row::Pair(o, n) = row {
            let at = (o.map_or(0, |c| c.0), n.map_or(0, |c| c.0));
            let (_, _, len) = fold.get_or_insert((at.0, at.1, 0));
            *len += 1;
        }
    }
    if let Some((old, new, n)) = fold {
        out.push(Row::Fold { old, new, n });
    }
    out
}

/// A unified diff (`diff -u` style) with three lines of context.
#[must_use]
pub fn unified(old_name: &str, new_name: &str, old: &str, new: &str) -> String {
    let a = split_lines(old);
    let b = split_lines(new);
    let ops = diff_lines(&a, &b);
    if ops.iter().all(|o| matches!(o, Line::Same { .. })) {
        return String::new();
    }
    let mut out = format!("--- {old_name}\n+++ {new_name}\n");
    let ctx = 3;
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| !matches!(o, Line::Same { .. }))
        .map(|(i, _)| i)
        .collect();
    let mut i = 0;
    while i < changed.len() {
        let first = changed.get(i).copied().unwrap_or(0);
        let mut last = first;
        let mut j = i;
        while let Some(&next) = changed.get(j + 1) {
            if next - last <= 2 * ctx {
                last = next;
                j += 1;
            } else {
                break;
            }
        }
        let start = first.saturating_sub(ctx);
        let end = (last + ctx + 1).min(ops.len());
        let hunk = ops.get(start..end).unwrap_or(&[]);
        let old_start = hunk.iter().find_map(|o| match o {
            Line::Same { old, .. } | Line::Removed { old } => Some(*old),
            Line::Added { .. } => None,
        });
        let new_start = hunk.iter().find_map(|o| match o {
            Line::Same { new, .. } | Line::Added { new } => Some(*new),
            Line::Removed { .. } => None,
        });
        let old_len = hunk
            .iter()
            .filter(|o| !matches!(o, Line::Added { .. }))
            .count();
        let new_len = hunk
            .iter()
            .filter(|o| !matches!(o, Line::Removed { .. }))
            .count();
        out.push_str(&format!(
            "@@ -{},{} +{},{} @@\n",
            old_start.map_or(0, |s| s + 1),
            old_len,
            new_start.map_or(0, |s| s + 1),
            new_len
        ));
        for o in hunk {
            let (mark, line) = match *o {
                Line::Same { old, .. } => (' ', a.get(old).copied().unwrap_or("")),
                Line::Removed { old } => ('-', a.get(old).copied().unwrap_or("")),
                Line::Added { new } => ('+', b.get(new).copied().unwrap_or("")),
            };
            out.push(mark);
            out.push_str(line.trim_end_matches(['\n', '\r']));
            out.push('\n');
        }
        i = j + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insertions_and_removals() {
        let a = split_lines("a\nb\nc\nd\n");
        let b = split_lines("a\nx\nc\nd\ne\n");
        let ops = diff_lines(&a, &b);
        assert_eq!(
            ops,
            [
                Line::Same { old: 0, new: 0 },
                Line::Removed { old: 1 },
                Line::Added { new: 1 },
                Line::Same { old: 2, new: 2 },
                Line::Same { old: 3, new: 3 },
                Line::Added { new: 4 },
            ]
        );
        let u = unified("a", "b", "a\nb\nc\nd\n", "a\nx\nc\nd\ne\n");
        assert_eq!(u, "--- a\n+++ b\n@@ -1,4 +1,5 @@\n a\n-b\n+x\n c\n d\n+e\n");
    }

    /// Shows rows compactly: `=` unchanged, `~` changed pair, `-`/`+` one side only, `…n` a fold.
    fn shape(rows: &[Row<'_>]) -> String {
        rows.iter()
            .map(|r| match *r {
                Row::Fold { n, .. } => format!("…{n}"),
                Row::Pair(Some((_, a)), Some((_, b))) if a == b => "=".to_string(),
                Row::Pair(Some(_), Some(_)) => "~".to_string(),
                Row::Pair(Some(_), None) => "-".to_string(),
                Row::Pair(None, Some(_)) => "+".to_string(),
                Row::Pair(None, None) => "?".to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn side_by_side_pairs_runs_and_folds_far_lines() {
        let old: Vec<String> = (0..20).map(|i| format!("{i}\n")).collect();
        let mut new = old.clone();
        // Line 10 replaced by two lines; one line added at the end.
        new.splice(10..11, ["x\n".to_string(), "y\n".to_string()]);
        new.push("z\n".to_string());
        let a: Vec<&str> = old.iter().map(String::as_str).collect();
        let b: Vec<&str> = new.iter().map(String::as_str).collect();
        let rows = side_by_side(&a, &b, 3);
        assert_eq!(shape(&rows), "…7 = = = ~ + = = = …3 = = = +");
        // The pair holds old line 10 against new line 10, and the folds say where they start.
        assert!(rows.contains(&Row::Pair(Some((10, "10\n")), Some((10, "x\n")))));
        assert_eq!(
            rows.first(),
            Some(&Row::Fold {
                old: 0,
                new: 0,
                n: 7
            })
        );
        assert!(rows.contains(&Row::Fold {
            old: 14,
            new: 15,
            n: 3
        }));
        // No context: only the changes; identical texts fold whole.
        assert_eq!(shape(&side_by_side(&a, &b, 0)), "…10 ~ + …9 +");
        assert_eq!(shape(&side_by_side(&a, &a, 3)), "…20");
        assert!(side_by_side(&[], &[], 3).is_empty());
        // A removed run longer than its replacement: the rest stands against nothing.
        let rows = side_by_side(&["a\n", "b\n", "c\n"], &["x\n"], 3);
        assert_eq!(shape(&rows), "~ - -");
    }

    #[test]
    fn identical_and_empty() {
        assert!(unified("a", "b", "x\n", "x\n").is_empty());
        assert_eq!(diff_lines(&[], &["a\n"]), [Line::Added { new: 0 }]);
        assert_eq!(diff_lines(&["a\n"], &[]), [Line::Removed { old: 0 }]);
    }

    #[test]
    fn interleaved() {
        let a: Vec<&str> = "1 2 3 4 5 6 7 8 9".split(' ').collect();
        let b: Vec<&str> = "1 2 x 4 5 6 y 8 9 z".split(' ').collect();
        let ops = diff_lines(&a, &b);
        let same = ops
            .iter()
            .filter(|o| matches!(o, Line::Same { .. }))
            .count();
        assert_eq!(same, 7);
    }
}
