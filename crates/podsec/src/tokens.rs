//! A line tokenizer for YAML and JSON, for an editor's syntax colours.
//!
//! Editors colour a text one line at a time and restart from any line whose state they kept, so
//! the tokenizer reads one line and a small [`State`] (inside a block scalar, inside a quoted
//! string, how deep in flow collections) and returns the state for the next line.
//! Plain scalars are typed by the same resolution the analysis uses ([`crate::yaml::decode_scalar`]:
//! go-yaml's YAML 1.1 booleans, Go's integers), so `yes` is coloured as the boolean Kubernetes reads.
//! JSON is YAML's flow style, so the same rules cover it.
//!
//! Offsets are bytes of the line; [`utf16_runs`] gives the lengths in UTF-16 units browsers use.

use crate::yaml::{Scalar, Style, decode_scalar};

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// Nothing to colour (spaces, plain text inside block scalars' headers).
    None = 0,
    /// A mapping key.
    Key = 1,
    /// A string value: quoted, plain or a block scalar's line.
    String = 2,
    /// An integer or a float.
    Number = 3,
    /// A boolean (`true`, and YAML 1.1's `yes`, `on`, ...).
    Bool = 4,
    /// `null`, `~`.
    Null = 5,
    /// A comment.
    Comment = 6,
    /// An anchor (`&name`).
    Anchor = 7,
    /// An alias (`*name`).
    Alias = 8,
    /// A tag (`!!int`).
    Tag = 9,
    /// A document marker (`---`, `...`) or a directive (`%YAML`).
    Marker = 10,
    /// Indicators: `-`, `:`, `?`, `,`, brackets, braces, `|`, `>`.
    Punctuation = 11,
}

impl Kind {
    /// The kind's name, as a class or a style name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::None => "none",
            Kind::Key => "key",
            Kind::String => "string",
            Kind::Number => "number",
            Kind::Bool => "bool",
            Kind::Null => "null",
            Kind::Comment => "comment",
            Kind::Anchor => "anchor",
            Kind::Alias => "alias",
            Kind::Tag => "tag",
            Kind::Marker => "marker",
            Kind::Punctuation => "punctuation",
        }
    }
}

/// A token: a byte range of the line and its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Its kind.
    pub kind: Kind,
}

/// What a line leaves open for the next one. `State::default()` is the start of a text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct State {
    /// Inside a block scalar whose parent is indented this many spaces: deeper lines are its text.
    pub block: Option<u16>,
    /// Inside a quoted string that goes on past the line's end (`'` or `"`).
    pub quote: Option<u8>,
    /// How many flow collections (`[`, `{`) are open.
    pub flow: u16,
}

impl State {
    /// The state packed in 32 bits (for an editor that keeps states as numbers).
    #[must_use]
    pub fn pack(self) -> u32 {
        let block = self.block.map_or(0, |b| u32::from(b.min(0x3ffe)) + 1);
        let quote = match self.quote {
            Some(b'\'') => 1,
            Some(_) => 2,
            None => 0,
        };
        block | (quote << 14) | (u32::from(self.flow) << 16)
    }

    /// The state [`State::pack`] packed.
    #[must_use]
    pub fn unpack(packed: u32) -> State {
        let block = packed & 0x3fff;
        let block = (block > 0).then(|| u16::try_from(block - 1).unwrap_or(u16::MAX));
        let quote = match (packed >> 14) & 3 {
            1 => Some(b'\''),
            2 => Some(b'"'),
            _ => None,
        };
        let flow = u16::try_from(packed >> 16).unwrap_or(u16::MAX);
        State { block, quote, flow }
    }
}

/// Tokens of one line (without its line break) after `state`, and the state after it. Every byte
/// that is not in a token is uncoloured.
#[must_use]
pub fn line(text: &str, state: State) -> (Vec<Token>, State) {
    let mut lexer = Lexer {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        tokens: Vec::new(),
        state,
        indent: text.bytes().take_while(|&b| b == b' ').count(),
    };
    lexer.run();
    (lexer.tokens, lexer.state)
}

/// The token of a one-line text that covers byte `at`, or the next token after it, read from a
/// fresh state: what a finding at that column points at (a key or a value).
#[must_use]
pub fn token_at(text: &str, at: usize) -> Option<Token> {
    let (tokens, _) = line(text, State::default());
    tokens
        .iter()
        .filter(|t| t.kind != Kind::Punctuation)
        .find(|t| t.end > at)
        .copied()
}

/// The tokens as UTF-16 runs covering the whole line: `(length, kind)` pairs in order, with the
/// uncoloured gaps as [`Kind::None`] runs.
#[must_use]
pub fn utf16_runs(text: &str, tokens: &[Token]) -> Vec<(u32, Kind)> {
    let mut runs = Vec::with_capacity(tokens.len() * 2 + 1);
    let mut at = 0;
    let units = |from: usize, to: usize| {
        let n: usize = text
            .get(from..to)
            .map_or(0, |s| s.chars().map(char::len_utf16).sum());
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    for t in tokens {
        if t.start > at {
            runs.push((units(at, t.start), Kind::None));
        }
        if t.end > t.start {
            runs.push((units(t.start, t.end), t.kind));
        }
        at = t.end.max(at);
    }
    if at < text.len() {
        runs.push((units(at, text.len()), Kind::None));
    }
    runs
}

struct Lexer<'t> {
    bytes: &'t [u8],
    text: &'t str,
    pos: usize,
    tokens: Vec<Token>,
    state: State,
    /// Leading spaces of the line.
    indent: usize,
}

/// Whether `b` ends a plain scalar or an anchor inside flow collections.
fn flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

impl Lexer<'_> {
    fn at(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    /// Whether byte `i` is a space, a tab or the end of the line.
    fn blank(&self, i: usize) -> bool {
        matches!(self.at(i), None | Some(b' ' | b'\t' | b'\r'))
    }

    fn push(&mut self, start: usize, end: usize, kind: Kind) {
        if end > start {
            self.tokens.push(Token { start, end, kind });
        }
    }

    fn run(&mut self) {
        if let Some(quote) = self.state.quote {
            self.state.quote = None;
            self.quoted(quote, 0);
        }
        if let Some(parent) = self.state.block {
            let content = self
                .bytes
                .iter()
                .any(|b| !matches!(b, b' ' | b'\t' | b'\r'));
            if !content {
                return;
            }
            if self.indent > usize::from(parent) {
                self.push(
                    self.indent,
                    self.trimmed_end(self.bytes.len()),
                    Kind::String,
                );
                return;
            }
            self.state.block = None;
        }
        if self.pos == 0 && self.state.flow == 0 {
            self.line_start();
        }
        while self.pos < self.bytes.len() {
            self.step();
        }
    }

    /// Document markers and directives, which only count at the start of a line.
    fn line_start(&mut self) {
        let marker = self.text.starts_with("---") || self.text.starts_with("...");
        if marker && self.blank(3) {
            self.push(0, 3, Kind::Marker);
            self.pos = 3;
        } else if self.text.starts_with('%') {
            let end = self.comment_start(0).unwrap_or(self.bytes.len());
            self.push(0, self.trimmed_end(end), Kind::Marker);
            self.pos = end;
        }
    }

    /// Where a comment starts at or after `from` (a `#` after a blank or at the line's start).
    fn comment_start(&self, from: usize) -> Option<usize> {
        (from..self.bytes.len())
            .find(|&i| self.at(i) == Some(b'#') && (i == 0 || self.blank(i.saturating_sub(1))))
    }

    /// `end` moved back over trailing blanks.
    fn trimmed_end(&self, end: usize) -> usize {
        let mut end = end;
        while end > self.pos && matches!(self.at(end - 1), Some(b' ' | b'\t' | b'\r')) {
            end -= 1;
        }
        end
    }

    fn step(&mut self) {
        let Some(b) = self.at(self.pos) else { return };
        let start = self.pos;
        match b {
            b' ' | b'\t' | b'\r' => self.pos += 1,
            b'#' if start == 0 || self.blank(start - 1) => {
                self.push(start, self.trimmed_end(self.bytes.len()), Kind::Comment);
                self.pos = self.bytes.len();
            }
            b'-' | b'?' if self.blank(start + 1) => {
                self.push(start, start + 1, Kind::Punctuation);
                self.pos += 1;
            }
            b':' if self.blank(start + 1) || (self.state.flow > 0 && self.after_colon()) => {
                self.push(start, start + 1, Kind::Punctuation);
                self.pos += 1;
            }
            b'[' | b'{' => {
                self.state.flow = self.state.flow.saturating_add(1);
                self.push(start, start + 1, Kind::Punctuation);
                self.pos += 1;
            }
            b']' | b'}' => {
                self.state.flow = self.state.flow.saturating_sub(1);
                self.push(start, start + 1, Kind::Punctuation);
                self.pos += 1;
            }
            b',' if self.state.flow > 0 => {
                self.push(start, start + 1, Kind::Punctuation);
                self.pos += 1;
            }
            b'&' | b'*' | b'!' => {
                let end = self.word_end(start + 1);
                let kind = match b {
                    b'&' => Kind::Anchor,
                    b'*' => Kind::Alias,
                    _ => Kind::Tag,
                };
                self.push(start, end, kind);
                self.pos = end;
            }
            b'|' | b'>' if self.state.flow == 0 => self.block_header(start),
            b'"' | b'\'' => self.quoted(b, start),
            _ => self.plain(start),
        }
    }

    /// In flow collections, `:` is an indicator before a blank, a flow indicator, or after a
    /// quoted key (JSON's `"a":1`).
    fn after_colon(&self) -> bool {
        let next = self.at(self.pos + 1);
        next.is_some_and(flow_indicator)
            || self
                .tokens
                .last()
                .is_some_and(|t| t.end == self.pos && t.kind == Kind::Key)
    }

    /// The end of an anchor, alias or tag name.
    fn word_end(&self, from: usize) -> usize {
        let mut end = from;
        while let Some(b) = self.at(end) {
            if matches!(b, b' ' | b'\t' | b'\r') || (self.state.flow > 0 && flow_indicator(b)) {
                break;
            }
            end += 1;
        }
        end
    }

    /// `|` or `>` with its indentation and chomping indicators: the following lines deeper than
    /// this line's node are the scalar's text.
    fn block_header(&mut self, start: usize) {
        let mut end = start + 1;
        while self
            .at(end)
            .is_some_and(|b| matches!(b, b'-' | b'+') || b.is_ascii_digit())
        {
            end += 1;
        }
        if !self.blank(end) {
            self.plain(start);
            return;
        }
        self.push(start, end, Kind::Punctuation);
        self.pos = end;
        // The node's indentation: the column of the line's last key, or the line's own.
        let parent = self
            .tokens
            .iter()
            .rev()
            .find(|t| t.kind == Kind::Key)
            .map_or(self.indent, |t| t.start);
        self.state.block = Some(u16::try_from(parent).unwrap_or(u16::MAX));
    }

    /// A quoted scalar from `start` (or the continuation of one, when `start` is the line's start
    /// and the quote was opened on an earlier line).
    fn quoted(&mut self, quote: u8, start: usize) {
        let continued = self.tokens.is_empty() && start == 0 && self.pos == 0;
        let mut i = if continued && self.at(0) != Some(quote) {
            0
        } else {
            start + 1
        };
        let mut closed = None;
        while let Some(b) = self.at(i) {
            if quote == b'"' && b == b'\\' {
                i += 2;
                continue;
            }
            if b == quote {
                if quote == b'\'' && self.at(i + 1) == Some(b'\'') {
                    i += 2;
                    continue;
                }
                closed = Some(i + 1);
                break;
            }
            i += 1;
        }
        let end = closed.unwrap_or(self.bytes.len());
        if closed.is_none() {
            self.state.quote = Some(quote);
        }
        let kind = if closed.is_some() && self.is_key(end) {
            Kind::Key
        } else {
            Kind::String
        };
        self.push(start, end, kind);
        self.pos = end;
    }

    /// Whether a scalar ending at `end` is a mapping key: a `:` follows (after spaces), then a
    /// blank, or anything inside flow collections.
    fn is_key(&self, end: usize) -> bool {
        let mut i = end;
        while matches!(self.at(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        self.at(i) == Some(b':') && (self.blank(i + 1) || self.state.flow > 0)
    }

    /// A plain scalar: up to ` #`, `: ` (or `:` at the end), or a flow indicator inside flow
    /// collections.
    fn plain(&mut self, start: usize) {
        let flow = self.state.flow > 0;
        let mut i = start;
        while let Some(b) = self.at(i) {
            let ends = match b {
                b'#' => i > start && self.blank(i - 1),
                b':' => self.blank(i + 1) || (flow && self.at(i + 1).is_some_and(flow_indicator)),
                b => flow && flow_indicator(b),
            };
            if ends {
                break;
            }
            i += 1;
        }
        let end = self.trimmed_end(i);
        let end = if end <= start { i.max(start + 1) } else { end };
        let end = end.min(self.bytes.len());
        let kind = if self.is_key(end) {
            Kind::Key
        } else {
            self.text.get(start..end).map_or(Kind::String, scalar_kind)
        };
        self.push(start, end, kind);
        self.pos = i.max(end);
    }
}

/// The kind of a plain scalar, as Kubernetes resolves it.
fn scalar_kind(text: &str) -> Kind {
    match decode_scalar(text, Style::Plain, None).0 {
        Scalar::Null => Kind::Null,
        Scalar::Bool(_) => Kind::Bool,
        Scalar::Int(_) | Scalar::Uint(_) | Scalar::Float(_) => Kind::Number,
        Scalar::Str(_) => Kind::String,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tokenizes `text` line by line and writes each token as `kind(text)`, lines joined by `|`.
    #[track_caller]
    fn check(text: &str, expect: &str) {
        let mut state = State::default();
        let mut lines = Vec::new();
        for l in text.split('\n') {
            let (tokens, next) = line(l, state);
            assert_eq!(State::unpack(next.pack()), next, "pack round trip");
            state = next;
            let shown: Vec<String> = tokens
                .iter()
                .map(|t| format!("{}({})", t.kind.as_str(), &l[t.start..t.end]))
                .collect();
            lines.push(shown.join(" "));
        }
        assert_eq!(lines.join(" | "), expect);
    }

    #[test]
    fn keys_and_typed_values() {
        check(
            "a: 1\nb: true\nc: yes\nd: ~\ne: hello world\nf: 0x1F\ng: 1.5",
            "key(a) punctuation(:) number(1) | key(b) punctuation(:) bool(true) | \
             key(c) punctuation(:) bool(yes) | key(d) punctuation(:) null(~) | \
             key(e) punctuation(:) string(hello world) | key(f) punctuation(:) number(0x1F) | \
             key(g) punctuation(:) number(1.5)",
        );
    }

    #[test]
    fn sequences_comments_and_markers() {
        check(
            "---\n- name: app # the app\n  image: nginx:1.25\n# whole line\n...",
            "marker(---) | punctuation(-) key(name) punctuation(:) string(app) comment(# the app) | \
             key(image) punctuation(:) string(nginx:1.25) | comment(# whole line) | marker(...)",
        );
    }

    #[test]
    fn anchors_aliases_tags_and_merge_keys() {
        check(
            "base: &ctx {privileged: false}\nsc:\n  <<: *ctx\n  runAsUser: !!int \"0\"",
            "key(base) punctuation(:) anchor(&ctx) punctuation({) key(privileged) punctuation(:) \
             bool(false) punctuation(}) | key(sc) punctuation(:) | key(<<) punctuation(:) alias(*ctx) | \
             key(runAsUser) punctuation(:) tag(!!int) string(\"0\")",
        );
    }

    #[test]
    fn block_scalars_run_while_lines_are_deeper() {
        check(
            "script: |-\n  echo 1: 2\n\n  # not a comment\nnext: 1",
            "key(script) punctuation(:) punctuation(|-) | string(echo 1: 2) |  | \
             string(# not a comment) | key(next) punctuation(:) number(1)",
        );
        // In a sequence item the block belongs to the key's column.
        check(
            "- run: >\n    a\n  b: 1",
            "punctuation(-) key(run) punctuation(:) punctuation(>) | string(a) | \
             key(b) punctuation(:) number(1)",
        );
    }

    #[test]
    fn json_and_flow_collections_across_lines() {
        check(
            "{\"kind\":\"Pod\",\n \"spec\": {\"n\": [1, null,\n true]}}",
            "punctuation({) key(\"kind\") punctuation(:) string(\"Pod\") punctuation(,) | \
             key(\"spec\") punctuation(:) punctuation({) key(\"n\") punctuation(:) punctuation([) \
             number(1) punctuation(,) null(null) punctuation(,) | bool(true) punctuation(]) \
             punctuation(}) punctuation(})",
        );
    }

    #[test]
    fn quoted_strings_with_escapes_and_over_lines() {
        check(
            "a: 'it''s'\nb: \"say \\\"hi\\\"\"\nc: \"two\n  lines\" # c",
            "key(a) punctuation(:) string('it''s') | key(b) punctuation(:) string(\"say \\\"hi\\\"\") | \
             key(c) punctuation(:) string(\"two) | string(  lines\") comment(# c)",
        );
    }

    #[test]
    fn plain_scalars_keep_colons_and_hashes_inside() {
        check(
            "url: http://x/a#b\nimage: repo:5000/x:tag",
            "key(url) punctuation(:) string(http://x/a#b) | key(image) punctuation(:) string(repo:5000/x:tag)",
        );
    }

    #[test]
    fn token_at_finds_the_key_or_the_value() {
        let l = "      privileged: true";
        let key = token_at(l, 6).map(|t| &l[t.start..t.end]);
        assert_eq!(key, Some("privileged"));
        let value = token_at(l, 18).map(|t| &l[t.start..t.end]);
        assert_eq!(value, Some("true"));
        assert_eq!(token_at(l, 40), None);
    }

    #[test]
    fn utf16_runs_cover_the_line_in_utf16_units() {
        let l = "é: \u{1F600} # x";
        let (tokens, _) = line(l, State::default());
        let runs = utf16_runs(l, &tokens);
        let total: u32 = runs.iter().map(|r| r.0).sum();
        assert_eq!(total as usize, l.encode_utf16().count());
        assert_eq!(runs.first(), Some(&(1, Kind::Key)));
        assert!(runs.contains(&(2, Kind::String)), "{runs:?}");
    }

    #[test]
    fn odd_lines_never_panic() {
        for l in [
            "", ":", "- ", "'", "\"\\", "|", ">9", "&", "*", "!", "#", "{", "}", "]]", "a:b", "?",
        ] {
            for s in [
                State::default(),
                State::unpack(u32::MAX),
                State::unpack(0x1_4001),
            ] {
                let (tokens, _) = line(l, s);
                assert!(
                    tokens.iter().all(|t| t.start < t.end && t.end <= l.len()),
                    "{l:?}"
                );
            }
        }
    }
}
