//! Plain-language help for a YAML syntax error, read from the text around it.
//!
//! The error's own message is the parser's (the wording `kubectl` prints, from libyaml's scanner),
//! which names what the parser expected rather than what the writer got wrong: "did not find
//! expected key" for a line indented one space short, "mapping values are not allowed in this
//! context" for an unquoted `: ` inside a value. [`help`] names the likely mistake in the user's
//! own lines and columns and says how to fix it. It looks back a bounded stretch of the text (at
//! most [`LOOK_BACK_LINES`] lines and [`LOOK_BACK_BYTES`] bytes), so a text of many broken
//! documents costs at most that much per error.

/// How many lines before the error [`help`] reads, at most.
const LOOK_BACK_LINES: usize = 64;
/// How many bytes before the error [`help`] reads, at most.
const LOOK_BACK_BYTES: usize = 4096;

/// One line of the text before the error (or the error's own line).
#[derive(Clone, Copy)]
struct Line<'t> {
    /// 1-based line number.
    number: usize,
    text: &'t str,
}

impl<'t> Line<'t> {
    /// The line without its leading spaces.
    fn content(self) -> &'t str {
        self.text.trim_start_matches(' ')
    }

    /// Whether it holds anything but spaces and a comment.
    fn is_content(self) -> bool {
        let c = self.content().trim_end();
        !c.is_empty() && !c.starts_with('#')
    }

    /// The 1-based column its content starts at.
    fn column(self) -> usize {
        self.text.len() - self.content().len() + 1
    }

    /// The columns at which a block item of this line starts: its first token, and for a list
    /// item (`- key: value`) also the key after the dash.
    fn columns(self) -> [Option<usize>; 2] {
        let first = self.column();
        let inner = self.content().strip_prefix('-').and_then(|rest| {
            let after = rest.trim_start_matches(' ');
            (after.len() < rest.len() && !after.is_empty() && !after.starts_with('#'))
                .then(|| first + 1 + (rest.len() - after.len()))
        });
        [Some(first), inner]
    }

    /// `key` and `value` when the line reads `key: value` (a list item's dash left out), split at
    /// its first `: `.
    fn key_value(self) -> Option<(&'t str, &'t str)> {
        let content = self.content();
        let content = content
            .strip_prefix("- ")
            .map_or(content, |c| c.trim_start_matches(' '));
        let at = content.find(": ")?;
        let (key, value) = (content.get(..at)?, content.get(at + 2..)?);
        Some((key.trim(), value.trim()))
    }
}

/// Help for the syntax error `message` at byte `offset` of `text`, on 1-based `line` and
/// `column`; `None` when no common mistake explains it.
#[must_use]
pub fn help(
    text: &str,
    message: &str,
    offset: usize,
    line: usize,
    column: usize,
) -> Option<String> {
    let offset = floor_boundary(text, offset.min(text.len()));
    let at = text.get(offset..).and_then(|s| s.chars().next());
    let (here, above) = lines_around(text, offset, line);
    if message.contains("a tab") || message.contains("tabs") || at == Some('\t') {
        return Some(tab(text, offset, line));
    }
    if message.contains("did not find expected key") {
        return indentation(here?, column, &above);
    }
    if message.contains("did not find expected '-' indicator") {
        return list_indicator(here?, column, &above);
    }
    if message.contains("mapping values are not allowed") {
        return colon(here?, column, &above);
    }
    if message.contains("did not find expected ',' or") {
        let (open, close, what) = if message.ends_with("']'") {
            ('[', ']', "list")
        } else {
            ('{', '}', "mapping")
        };
        return Some(format!(
            "The `{open}` on line {line} opens a flow {what} that YAML could not read to its end: \
             separate its items with `,` and close it with `{close}`. A flow {what} may run over \
             several lines, but each of them must be indented more than the key that holds it."
        ));
    }
    if message.contains("illegal placement of ':'") {
        let (open, open_line) = unclosed(&above)?;
        let close = if open == '[' { ']' } else { '}' };
        return Some(format!(
            "The `{open}` on line {open_line} is not closed before line {line}, so YAML reads \
             line {line} as inside it, where a `key: value` cannot start a line. Close it with \
             `{close}` at the end of its items."
        ));
    }
    if message.contains("quoted scalar") && message.contains("end of stream") {
        return Some(format!(
            "The quote that opens the value on line {line}, column {column} is never closed. End \
             the value with the same quote character; inside single quotes, write a quote as two \
             (`'it''s'`)."
        ));
    }
    if message.contains("unknown escape character") {
        return Some(
            "Inside double quotes a backslash starts an escape (`\\n`, `\\t`, `\\\"`, `\\\\`, ...), \
             and this one is not one of them. Write a backslash as `\\\\`, or put the value in \
             single quotes, which keep backslashes as written (Windows paths, regular expressions)."
                .to_string(),
        );
    }
    if message.contains("trailing content after") && message.contains("quoted scalar") {
        return Some(format!(
            "A quoted value ends at its closing quote, and more text follows it on line {line}. If \
             the quote belongs to the value, double it inside single quotes (`'it''s'`) or put the \
             whole value in double quotes (`\"it's\"`)."
        ));
    }
    if message.contains("unknown anchor") {
        let name: String = text
            .get(offset..)
            .unwrap_or("")
            .strip_prefix('*')
            .unwrap_or("")
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
            .take(64)
            .collect();
        if name.is_empty() {
            return None;
        }
        return Some(format!(
            "`*{name}` repeats an anchor, `&{name}`, that is not defined before it. An alias must \
             come after its anchor in the same document: anchors do not carry across `---`."
        ));
    }
    if matches!(at, Some('@' | '`'))
        && (message.contains("unexpected character") || message.contains("cannot start any token"))
    {
        let c = at.unwrap_or('@');
        return Some(format!(
            "`{c}` is reserved in YAML and cannot start a value as written: put the value in quotes \
             (`'{c}...'`)."
        ));
    }
    None
}

/// The largest char boundary at or before `i`.
fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The error's line (`line`, holding `offset`) and the lines before it, nearest first, at most
/// [`LOOK_BACK_LINES`] of them within [`LOOK_BACK_BYTES`].
fn lines_around(text: &str, offset: usize, line: usize) -> (Option<Line<'_>>, Vec<Line<'_>>) {
    let start = text
        .get(..offset)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let end = text
        .get(offset..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| offset + i);
    let here = text.get(start..end).map(|t| Line {
        number: line,
        text: t.trim_end_matches('\r'),
    });
    let floor = floor_boundary(text, start.saturating_sub(LOOK_BACK_BYTES));
    let before = text.get(floor..start.saturating_sub(1)).unwrap_or("");
    // The first line of a cut stretch may be a part of a line: left out.
    let before = if floor > 0 {
        before.split_once('\n').map_or("", |(_, rest)| rest)
    } else {
        before
    };
    let above: Vec<Line<'_>> = before
        .rsplit('\n')
        .take(LOOK_BACK_LINES)
        .enumerate()
        .map(|(i, t)| Line {
            number: line.saturating_sub(i + 1),
            text: t.trim_end_matches('\r'),
        })
        .filter(|l| l.number > 0)
        .collect();
    (here, above)
}

/// The nearest `[` or `{` in `above` (nearest line first) that no bracket after it closes,
/// outside quotes and comments, read line by line.
fn unclosed(above: &[Line<'_>]) -> Option<(char, usize)> {
    // Closers seen after (below) the line being read, innermost last.
    let mut closers = 0usize;
    for l in above {
        let mut opens: Vec<char> = Vec::new();
        let mut closes = 0usize;
        let mut quote: Option<char> = None;
        for c in l.text.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => opens.push(c),
                (None, ']' | '}') if opens.pop().is_none() => closes += 1,
                _ => {}
            }
        }
        // This line's unmatched openers, last first, meet the closers below it.
        for open in opens.into_iter().rev() {
            if closers == 0 {
                return Some((open, l.number));
            }
            closers -= 1;
        }
        closers += closes;
    }
    None
}

/// A tab where YAML wants spaces: the first tab at or after the error, on its line or the next.
fn tab(text: &str, offset: usize, line: usize) -> String {
    // The error's line and the next, within the bounded stretch.
    let after = text
        .get(offset..floor_boundary(text, (offset + LOOK_BACK_BYTES).min(text.len())))
        .unwrap_or("");
    let window = after
        .match_indices('\n')
        .nth(1)
        .and_then(|(i, _)| after.get(..i))
        .unwrap_or(after);
    let tab_line = window.find('\t').map_or(line, |i| {
        line + window.get(..i).map_or(0, |s| s.matches('\n').count())
    });
    format!(
        "YAML indents with spaces, never tabs. Replace the tab on line {tab_line} with spaces (two \
         per level is usual)."
    )
}

/// "did not find expected key": a line that starts between the columns of the blocks above it.
/// The block it most likely meant to continue is the outermost one still open to its right (the
/// smallest column past its own among the lines up to its parent); its parent is the nearest line
/// that starts to its left.
fn indentation(here: Line<'_>, column: usize, above: &[Line<'_>]) -> Option<String> {
    let mut right: Option<(usize, usize)> = None;
    let mut left = None;
    for l in above.iter().filter(|l| l.is_content()) {
        let columns = l.columns();
        for c in columns.into_iter().flatten() {
            if c > column && right.is_none_or(|(r, _)| c < r) {
                right = Some((c, l.number));
            }
        }
        if let Some(c) = columns[0].filter(|&c| c < column) {
            left = Some((c, l.number));
            break;
        }
    }
    let (x, x_line) = right?;
    let what = if here.content().starts_with('-') {
        "A list item"
    } else {
        "A key"
    };
    let n = here.number;
    Some(match left {
        Some((y, y_line)) if y_line == x_line => format!(
            "Line {n} starts at column {column}, between the `-` of line {y_line} (column {y}) and \
             that item's first key (column {x}). {what} must start exactly at the column of the \
             others in its block: move it to column {x} to continue that item, or to column {y} \
             for another item of its list."
        ),
        Some((y, y_line)) => format!(
            "Line {n} starts at column {column}, to the left of line {x_line} (column {x}) but to \
             the right of line {y_line} (column {y}). {what} must start exactly at the column of \
             the others in its block: move it to column {x} to continue the block of line \
             {x_line}, or to column {y} to start a sibling of line {y_line}."
        ),
        None => format!(
            "Line {n} starts at column {column}, to the left of line {x_line} (column {x}). {what} \
             must start exactly at the column of the others in its block: move it to column {x}."
        ),
    })
}

/// "did not find expected '-' indicator": a line at the column of a list's dashes that is not an
/// item of it.
fn list_indicator(here: Line<'_>, column: usize, above: &[Line<'_>]) -> Option<String> {
    let list = above
        .iter()
        .filter(|l| l.is_content())
        .find(|l| l.column() <= column)?;
    if list.column() != column || !list.content().starts_with('-') {
        return None;
    }
    let inner = list.columns()[1];
    let parent = above
        .iter()
        .filter(|l| l.is_content() && l.column() < column)
        .map(|l| (l.column(), l.number))
        .next();
    let mut out = format!(
        "Line {} starts at column {column}, where the list above has its `-` items (line {}), so \
         YAML expects another `- ` item there.",
        here.number, list.number
    );
    if let Some(k) = inner {
        out.push_str(&format!(
            " If it belongs to that item, indent it to column {k}, under the item's first key."
        ));
    }
    if let Some((p, p_line)) = parent {
        out.push_str(&format!(
            " If it belongs beside the list's own key (line {p_line}), move it to column {p}."
        ));
    }
    Some(out)
}

/// "mapping values are not allowed in this context": a `: ` inside an unquoted value, or a
/// `key: value` line that YAML reads as more of the value above it.
fn colon(here: Line<'_>, column: usize, above: &[Line<'_>]) -> Option<String> {
    // The error's colon is the second `: ` of its line: the value holds one.
    let first = here
        .text
        .find(": ")
        .and_then(|i| here.text.get(..i))
        .map(|before| before.chars().count() + 1);
    if first.is_some_and(|c| c < column) {
        let (key, value) = here.key_value()?;
        let example = if value.contains('"') {
            if value.contains('\'') {
                String::new()
            } else {
                format!(", e.g. `{key}: '{value}'`")
            }
        } else {
            format!(", e.g. `{key}: \"{value}\"`")
        };
        return Some(format!(
            "The value on line {} holds `: ` (a colon and a space), which YAML reads as the start \
             of another key. Put the value in quotes{example}.",
            here.number
        ));
    }
    let previous = above.iter().find(|l| l.is_content())?;
    if previous.key_value().is_some() && previous.column() < here.column() {
        let (key, _) = previous.key_value()?;
        return Some(format!(
            "Line {} is indented more than line {} (column {} against {}), so YAML reads it as \
             more of the value of `{key}` (a plain value can run over several lines), and that \
             cannot hold `key: value`. Move it to column {} if it is another key beside `{key}`.",
            here.number,
            previous.number,
            here.column(),
            previous.column(),
            previous.column()
        ));
    }
    let content = previous.content().trim_end();
    if !content.contains(':') && !content.starts_with('-') {
        return Some(format!(
            "Line {} has no `:`, so YAML reads it as the start of a value that runs on into line \
             {}, where a key cannot start. Add the missing `:` on line {} (or remove that line).",
            previous.number, here.number, previous.number
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The help podsec gives for `text`'s first syntax error, through the same path as the
    /// analysis.
    fn help_for(text: &str) -> String {
        let a = crate::analyze(text, &crate::Options::default());
        let e = a.errors.first().expect("a syntax error");
        e.help
            .clone()
            .unwrap_or_else(|| format!("(none for {:?})", e.message))
    }

    #[test]
    fn a_tab_is_named_on_its_own_line() {
        let h = help_for("a: 1\n\tb: 2\n");
        assert!(h.contains("never tabs") && h.contains("line 2"), "{h}");
    }

    #[test]
    fn a_key_one_space_short_is_placed_between_its_neighbours() {
        let h = help_for("a:\n  b: 1\n c: 2\n");
        assert!(
            h.contains("Line 3 starts at column 2")
                && h.contains("line 2 (column 3)")
                && h.contains("line 1 (column 1)")
                && h.contains("move it to column 3"),
            "{h}"
        );
        // Inside a list item, the item's keys start after its dash.
        let h =
            help_for("spec:\n  containers:\n  - name: c\n    image: x\n   securityContext: {}\n");
        assert!(
            h.contains("Line 5 starts at column 4") && h.contains("move it to column 5"),
            "{h}"
        );
        // The block it meant is the outermost one open to its right, not the nearest line's.
        let h = help_for(
            "spec:\n  template:\n      metadata:\n            labels:\n              app: x\n    spec: {}\n",
        );
        assert!(
            h.contains("to the left of line 3 (column 7)")
                && h.contains("right of line 2 (column 3)"),
            "{h}"
        );
        // Between a list item's dash and its first key.
        let h = help_for("a:\n  t:\n  -   b:\n    - c: 1\n");
        assert!(
            h.contains("between the `-` of line 3 (column 3) and that item's first key (column 7)"),
            "{h}"
        );
    }

    #[test]
    fn a_key_at_the_column_of_list_dashes_is_explained() {
        let h = help_for("a:\n  - x: 1\n  y: 2\n");
        assert!(
            h.contains("Line 3 starts at column 3")
                && h.contains("indent it to column 5")
                && h.contains("move it to column 1"),
            "{h}"
        );
    }

    #[test]
    fn an_unquoted_colon_in_a_value_is_quoted() {
        let h = help_for("command: echo a: b\n");
        assert!(h.contains("`command: \"echo a: b\"`"), "{h}");
        let h = help_for("- args: say \"a: b\"\n");
        assert!(h.contains("`args: 'say \"a: b\"'`"), "{h}");
    }

    #[test]
    fn a_key_indented_under_a_value_is_explained() {
        let h = help_for("a:\n  b: 1\n    c: 2\n");
        assert!(
            h.contains("Line 3 is indented more than line 2")
                && h.contains("value of `b`")
                && h.contains("column 3"),
            "{h}"
        );
        let h = help_for("key without colon\nb: 1\n");
        assert!(h.contains("Line 1 has no `:`"), "{h}");
    }

    #[test]
    fn quotes_escapes_anchors_and_reserved_characters_are_explained() {
        assert!(help_for("a: \"abc\nb: 1\n").contains("never closed"));
        assert!(help_for("a: \"x\\q\"\n").contains("backslash"));
        assert!(help_for("a: 'it's'\n").contains("'it''s'"));
        let h = help_for("a: *nope\n");
        assert!(h.contains("`*nope`") && h.contains("`&nope`"), "{h}");
        assert!(help_for("a: @foo\n").contains("`@` is reserved"));
        assert!(help_for("a: {x: 1\n").contains("flow mapping"));
        let h = help_for("a: [1, 2\nb: 3\n");
        assert!(
            h.contains("The `[` on line 1 is not closed before line 2"),
            "{h}"
        );
    }

    /// Help reads a bounded stretch before the error, whatever the text holds: a broken line after
    /// 100,000 lines, a line longer than the stretch, and text that is not ASCII.
    #[test]
    fn help_is_bounded_and_safe_at_any_offset() {
        let mut text = "a: 1\n".repeat(100_000);
        text.push_str(" b: 2\n");
        assert!(
            help(
                &text,
                "did not find expected key",
                text.len() - 5,
                100_001,
                2
            )
            .is_none()
        );
        let long = format!("a: {}\n  b: 1\n c: 2\n", "é".repeat(5000));
        let at = long.len() - 5;
        let h = help(
            &long,
            "while parsing a block mapping, did not find expected key",
            at,
            3,
            2,
        );
        assert!(h.is_some_and(|h| h.contains("column 3")));
        for offset in 0..=40 {
            let _ = help("é\tx: [1, \"é", "found a tab", offset, 1, 1);
            let _ = help(
                "é\tx: [1, \"é",
                "mapping values are not allowed",
                offset,
                1,
                3,
            );
            let _ = help("é\tx: [1, \"é", "did not find expected key", offset, 1, 3);
            let _ = help("é\tx: [1, \"é", "found unknown anchor", offset, 1, 3);
        }
    }
}
