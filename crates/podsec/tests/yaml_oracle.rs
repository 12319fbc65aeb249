//! podsec reads YAML exactly as Kubernetes does: every document's decoded JSON (or its error) is
//! compared with Kubernetes' own decoder, sigs.k8s.io/yaml over gopkg.in/yaml.v2, built from
//! Debian's Go sources as `target/yaml-oracle` by `cargo xtask setup` (tests/yaml-oracle/main.go).
//!
//! Three sources of documents: the real manifests of `../shared/corpus` and the upstream PSA
//! fixtures, and a generator of YAML features (merge keys in every position, anchors and aliases,
//! tags, every scalar form go-yaml resolves, block scalars, flow/block mixes, duplicate keys, CRLF,
//! BOM, document markers). `PODSEC_ORACLE_DOCS` sets how many generated documents (default 10,000)
//! and `PODSEC_ORACLE_SEED` the seed; `cargo xtask fuzz-yaml` runs a long randomised session.
//!
//! Without the oracle the test says so and passes, unless `PODSEC_REQUIRE_ORACLE` is set (as
//! `cargo xtask test` sets it).

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

fn oracle_path() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("PODSEC_YAML_ORACLE") {
        return Some(PathBuf::from(p));
    }
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/yaml-oracle");
    p.is_file().then_some(p)
}

/// Runs the oracle over many documents at once: `Ok(json)` or `Err(message)` per document.
fn oracle(docs: &[String]) -> Option<Vec<Result<Value, String>>> {
    let path = match oracle_path() {
        Some(p) => p,
        None => {
            assert!(
                std::env::var_os("PODSEC_REQUIRE_ORACLE").is_none(),
                "PODSEC_REQUIRE_ORACLE is set but target/yaml-oracle is missing: run `cargo xtask setup`"
            );
            println!(
                "skipped: the YAML oracle (target/yaml-oracle) is not built; run `cargo xtask setup`"
            );
            return None;
        }
    };
    let mut child = Command::new(&path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", path.display()));
    let mut stdin = child.stdin.take().unwrap();
    let input: Vec<u8> = docs
        .iter()
        .flat_map(|d| {
            let mut v = format!("#doc {}\n", d.len()).into_bytes();
            v.extend_from_slice(d.as_bytes());
            v
        })
        .collect();
    let writer = std::thread::spawn(move || {
        stdin.write_all(&input).unwrap();
    });
    let out = BufReader::new(child.stdout.take().unwrap());
    let mut results = Vec::with_capacity(docs.len());
    for line in out.lines() {
        let v: Value = serde_json::from_str(&line.unwrap()).unwrap();
        results.push(match v {
            Value::Object(mut m) if m.contains_key("ok") => Ok(m.remove("ok").unwrap()),
            Value::Object(mut m) => Err(m
                .remove("error")
                .and_then(|e| e.as_str().map(str::to_string))
                .unwrap_or_default()),
            other => panic!("oracle said {other}"),
        });
    }
    writer.join().unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(
        results.len(),
        docs.len(),
        "the oracle answered every document"
    );
    Some(results)
}

/// JSON values equal as Kubernetes compares them: numbers by value (Go writes 8.0 as `8`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
                return x == y;
            }
            if let (Some(x), Some(y)) = (x.as_u64(), y.as_u64()) {
                return x == y;
            }
            x.as_f64() == y.as_f64()
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// podsec's reading of one document (the text kubectl would hand the decoder).
fn podsec(doc: &str) -> Result<Value, String> {
    let decoded = podsec::yaml::decode_documents(doc);
    // A document text is one kubectl document; podsec splits it the same way, so there is one.
    match decoded.as_slice() {
        [] => Ok(Value::Null),
        [one, ..] => match &one.result {
            Ok(json) => Ok(serde_json::from_str(json)
                .unwrap_or_else(|e| panic!("podsec wrote invalid JSON {json:?}: {e}"))),
            Err((message, span)) => Err(format!("{}:{} {message}", span.line, span.col)),
        },
    }
}

/// A decoder's answer for one document: its JSON or its error.
type Reading = Result<Value, String>;

fn agree(got: &Result<Value, String>, want: &Result<Value, String>) -> bool {
    match (got, want) {
        (Ok(a), Ok(b)) => same(a, b),
        (Err(_), Err(_)) => true,
        _ => false,
    }
}

/// Compares podsec with the oracle over documents; returns the disagreements, described.
///
/// Kubernetes itself is not deterministic on one shape: two keys of different YAML types that
/// become the same JSON key (`y` and `"true"`), where Go's random map order picks the winner. A
/// disagreement on a document whose oracle answer changes between runs is counted apart, not failed.
fn differences(docs: &[String]) -> Option<Vec<String>> {
    let expected = oracle(docs)?;
    let mut suspects: Vec<(&String, Reading, Reading)> = Vec::new();
    for (doc, want) in docs.iter().zip(expected) {
        let got = podsec(doc);
        if !agree(&got, &want) {
            suspects.push((doc, got, want));
        }
    }
    let again: Vec<String> = suspects.iter().map(|(d, _, _)| (*d).clone()).collect();
    // Go picks such a key's winner anew in each process, but not evenly (a map's iteration starts at
    // a random slot, so the odds follow the keys' places): 64 reruns tell a fixed answer from a
    // random one even when one side wins 5 times in 8 (the chance of missing it is below 1e-12).
    let reruns: Vec<Vec<Result<Value, String>>> = if again.is_empty() {
        Vec::new()
    } else {
        (0..64).filter_map(|_| oracle(&again)).collect()
    };
    let mut out = Vec::new();
    let mut nondeterministic = 0;
    for (i, (doc, got, want)) in suspects.into_iter().enumerate() {
        if reruns.iter().any(|r| !agree(&r[i], &want)) {
            nondeterministic += 1;
            continue;
        }
        {
            out.push(format!(
                "--- document ({} bytes):\n{}\n--- podsec: {}\n--- kubernetes: {}\n",
                doc.len(),
                if doc.len() > 2000 {
                    format!("{}…", doc.chars().take(2000).collect::<String>())
                } else {
                    doc.clone()
                },
                show(&got),
                show(&want)
            ));
        }
    }
    if nondeterministic > 0 {
        println!(
            "{nondeterministic} documents where Kubernetes' own answer changes from run to run \
             (keys of different types that become one JSON key)"
        );
    }
    Some(out)
}

fn show(r: &Result<Value, String>) -> String {
    match r {
        Ok(v) => {
            let s = v.to_string();
            if s.len() > 600 {
                format!("{}…", s.chars().take(600).collect::<String>())
            } else {
                s
            }
        }
        Err(e) => format!("error: {e}"),
    }
}

fn report(what: &str, docs: usize, diffs: &[String]) {
    println!(
        "{what}: {docs} documents compared, {} disagree",
        diffs.len()
    );
    assert!(
        diffs.is_empty(),
        "{what}: podsec and Kubernetes' decoder disagree on {} of {docs} documents; the first:\n{}",
        diffs.len(),
        diffs.iter().take(8).cloned().collect::<String>()
    );
}

/// Splits a file into the documents kubectl would decode one by one.
fn documents_of(text: &str) -> Vec<String> {
    podsec::yaml::split_stream(text)
        .into_iter()
        .filter_map(|(s, e, _)| text.get(s..e).map(str::to_string))
        .collect()
}

fn shared() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    dir.is_dir().then_some(dir)
}

fn files_under(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn corpus_documents_decode_as_kubernetes_decodes_them() {
    let Some(shared) = shared() else {
        println!("skipped: ../shared not found");
        return;
    };
    let mut files = Vec::new();
    files_under(&shared.join("corpus/files"), &mut files);
    files_under(&shared.join("psa-conformance/testdata"), &mut files);
    let mut docs = Vec::new();
    for f in &files {
        let Ok(bytes) = std::fs::read(f) else {
            continue;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        docs.extend(documents_of(&text));
    }
    if let Some(diffs) = differences(&docs) {
        report("corpus and PSA fixtures", docs.len(), &diffs);
    }
}

#[test]
fn generated_documents_decode_as_kubernetes_decodes_them() {
    let count: usize = std::env::var("PODSEC_ORACLE_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let seed: u64 = std::env::var("PODSEC_ORACLE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x005e_ed0f_90d5);
    let mut g = Gen::new(seed);
    // Each generated text is split as kubectl splits it; each piece is one document to compare.
    let docs: Vec<String> = (0..count)
        .flat_map(|_| documents_of(&g.document()))
        .collect();
    if let Some(diffs) = differences(&docs) {
        report(&format!("generated (seed {seed})"), docs.len(), &diffs);
    }
}

/// The cases the issue names, decided as Kubernetes decides them (also without the oracle).
#[test]
fn named_cases() {
    let cases: &[(&str, &str)] = &[
        (
            "securityContext: {privileged: false, <<: {privileged: true}}\n",
            r#"{"securityContext":{"privileged":true}}"#,
        ),
        (
            "securityContext:\n  privileged: false\n  <<: {privileged: true}\n",
            r#"{"securityContext":{"privileged":true}}"#,
        ),
        ("a: {<<: {x: 1}, <<: {x: 2}}\n", r#"{"a":{"x":2}}"#),
        (
            "runAsUser: !!int \"0\"\nprivileged: !!bool \"true\"\nx: !mytag true\n",
            r#"{"runAsUser":0,"privileged":true,"x":"true"}"#,
        ),
        ("a: 0X1F\nb: 0O7\nc: 0B1\n", r#"{"a":31,"b":7,"c":1}"#),
    ];
    for (doc, want) in cases {
        let got = podsec(doc).unwrap();
        let want: Value = serde_json::from_str(want).unwrap();
        assert!(
            same(&got, &want),
            "{doc}: podsec read {got}, Kubernetes reads {want}"
        );
    }
    let docs: Vec<String> = cases.iter().map(|(d, _)| (*d).to_string()).collect();
    if let Some(diffs) = differences(&docs) {
        report("named cases", docs.len(), &diffs);
    }
}

/// A small deterministic generator of YAML documents that exercise what go-yaml v2 resolves.
struct Gen {
    state: u64,
    anchors: Vec<(String, bool)>,
    next_anchor: usize,
}

const PLAIN: &[&str] = &[
    "true",
    "false",
    "True",
    "FALSE",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "N",
    "~",
    "null",
    "Null",
    "0",
    "-0",
    "+1",
    "010",
    "08",
    "0755",
    "0x1F",
    "0X1f",
    "0o17",
    "0O7",
    "0b101",
    "0B1",
    "-0b11",
    "+0x1F",
    "1_000",
    "1__0",
    "0x_1f",
    "3.14",
    "-.5",
    ".5",
    "1e3",
    "1E-3",
    "+1.5e+2",
    "1.",
    "6.02e23",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    ".inf",
    "-.Inf",
    "+.INF",
    ".nan",
    "2001-12-14",
    "2001-12-14T21:59:43.10-05:00",
    "2001-12-14 21:59:43.10",
    "2001-12-14t21:59:43Z",
    "2001-12-14é",
    "2001-12-14€21:59:43Z",
    "2001-12-14T",
    "2001-13-45",
    "2002-02-29",
    "190:20:30",
    "1:20",
    "12abc",
    "hello",
    "a b",
    "RuntimeDefault",
    "NET_ADMIN",
    "-",
    "+",
    ".",
    "0x",
    "1_",
    "_1",
    "1e",
    "e3",
    "0.5.1",
    "1,000",
    "Infinity",
    "NaN",
    "inf",
    "0b2",
    "0o8",
    "1e400",
    "-1e400",
    "0xFFFFFFFFFFFFFFFF",
    "0x10000000000000000",
    "=",
    "x=y",
];

const KEYS: &[&str] = &[
    "a",
    "b",
    "c",
    "privileged",
    "runAsUser",
    "runAsNonRoot",
    "capabilities",
    "add",
    "drop",
    "securityContext",
    "name",
    "y",
    "n",
    "on",
    "1",
    "0x10",
    "1.5",
    "true",
    "2001-12-14",
    "2001-12-14é",
    "1e3",
    "-1",
    "010",
    "'y'",
    "\"on\"",
    "\"<<\"",
    "~",
];

const TAGS: &[&str] = &[
    "!!str",
    "!!int",
    "!!bool",
    "!!float",
    "!!null",
    "!!binary",
    "!!timestamp",
    "!custom",
    "!",
    "!<tag:yaml.org,2002:int>",
    "!<tag:yaml.org,2002:str>",
];

const BINARY: &[&str] = &["aGVsbG8=", "////", "aGk", "YQ==", "not base64!", "", "wKg="];

impl Gen {
    fn new(seed: u64) -> Gen {
        Gen {
            state: seed ^ 0x9E37_79B9_7F4A_7C15,
            anchors: Vec::new(),
            next_anchor: 0,
        }
    }

    fn next(&mut self) -> u64 {
        // splitmix64
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }

    fn number(&mut self) -> String {
        let sign = self.pick(&["", "", "-", "+"]);
        let v = self.next() % [10, 1000, 1 << 20, u64::MAX][self.below(4)].max(1);
        let body = match self.below(6) {
            0 => format!("0x{v:x}"),
            1 => format!("0o{v:o}"),
            2 => format!("0b{v:b}"),
            3 => format!("0{v:o}"),
            4 => {
                let s = v.to_string();
                let cut = self.below(s.len() + 1);
                format!("{}_{}", &s[..cut], &s[cut..])
            }
            _ => v.to_string(),
        };
        format!("{sign}{body}")
    }

    fn quoted(&mut self) -> String {
        let inner = match self.below(4) {
            0 => self.pick(PLAIN).to_string(),
            1 => self.number(),
            2 => self
                .pick(&[
                    "it's",
                    "a\\tb",
                    "line\\nbreak",
                    "\\u00e9t\\u00e9",
                    "\\x41",
                    "q\"uote",
                    "back\\\\slash",
                    "  spaced  ",
                    "",
                ])
                .to_string(),
            _ => self.pick(KEYS).trim_matches(['\'', '"']).to_string(),
        };
        if self.chance(50) {
            format!("'{}'", inner.replace('\'', "''"))
        } else {
            let escaped = if inner.contains('\\') {
                inner.replace('"', "\\\"")
            } else {
                inner.replace('\\', "\\\\").replace('"', "\\\"")
            };
            format!("\"{escaped}\"")
        }
    }

    /// A scalar on one line (plain, quoted, tagged, or an alias of a scalar anchor).
    fn scalar(&mut self) -> String {
        let base = match self.below(10) {
            0..=3 => self.pick(PLAIN).to_string(),
            4 | 5 => self.number(),
            6 | 7 => self.quoted(),
            _ => self.pick(KEYS).to_string(),
        };
        if self.chance(12) {
            let tag = self.pick(TAGS);
            let value = if tag == "!!binary" {
                self.pick(BINARY).to_string()
            } else {
                base
            };
            return format!("{tag} {value}");
        }
        if self.chance(5) {
            return self.anchored_scalar(base);
        }
        base
    }

    fn anchored_scalar(&mut self, value: String) -> String {
        let name = format!("s{}", self.next_anchor);
        self.next_anchor += 1;
        self.anchors.push((name.clone(), false));
        format!("&{name} {value}")
    }

    fn key(&mut self) -> String {
        if self.chance(3) {
            return self.quoted();
        }
        self.pick(KEYS).to_string()
    }

    fn alias(&mut self, want_map: Option<bool>) -> Option<String> {
        let candidates: Vec<String> = self
            .anchors
            .iter()
            .filter(|(_, is_map)| want_map.is_none_or(|w| w == *is_map))
            .map(|(n, _)| n.clone())
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let i = self.below(candidates.len());
        Some(format!("*{}", candidates[i]))
    }

    /// A flow value: scalar, `[...]`, `{...}`, alias.
    fn flow(&mut self, depth: usize) -> String {
        match self.below(if depth > 2 { 2 } else { 6 }) {
            0 | 1 => self.scalar(),
            2 => {
                let n = self.below(4);
                let items: Vec<String> = (0..n).map(|_| self.flow(depth + 1)).collect();
                format!("[{}]", items.join(", "))
            }
            3 | 4 => {
                let n = self.below(4);
                let mut items: Vec<String> = Vec::new();
                for _ in 0..n {
                    if self.chance(15) {
                        let m = self.merge_value(depth + 1);
                        items.push(format!("<<: {m}"));
                    } else {
                        let k = self.key();
                        let v = self.flow(depth + 1);
                        items.push(format!("{k}: {v}"));
                    }
                }
                let anchor = if self.chance(15) {
                    let name = format!("m{}", self.next_anchor);
                    self.next_anchor += 1;
                    Some(name)
                } else {
                    None
                };
                let text = format!("{{{}}}", items.join(", "));
                match anchor {
                    Some(name) => {
                        self.anchors.push((name.clone(), true));
                        format!("&{name} {text}")
                    }
                    None => text,
                }
            }
            _ => self.alias(None).unwrap_or_else(|| self.scalar()),
        }
    }

    /// What follows a merge key: a map, an alias, or a sequence of them (sometimes something wrong).
    fn merge_value(&mut self, depth: usize) -> String {
        match self.below(10) {
            0..=3 => self
                .alias(Some(true))
                .unwrap_or_else(|| format!("{{a: {}}}", self.scalar())),
            4 | 5 => {
                let k = self.key();
                let v = self.flow(depth + 1);
                format!("{{{k}: {v}, b: 1}}")
            }
            6 | 7 => {
                let n = 1 + self.below(3);
                let items: Vec<String> = (0..n)
                    .map(|_| {
                        self.alias(Some(true))
                            .unwrap_or_else(|| format!("{{c: {}}}", self.below(9)))
                    })
                    .collect();
                format!("[{}]", items.join(", "))
            }
            8 => self.alias(Some(false)).unwrap_or_else(|| "1".into()),
            _ => self
                .pick(&["1", "[1, 2]", "~", "[{a: 1}, 2]", "{}", "[]"])
                .to_string(),
        }
    }

    fn block_scalar(&mut self, indent: usize) -> String {
        let header = self.pick(&["|", ">", "|-", ">-", "|+", ">+", "|2", ">1-", "|+1"]);
        let ind = " ".repeat(indent + 2);
        let n = 1 + self.below(4);
        let mut lines = Vec::new();
        for _ in 0..n {
            lines.push(match self.below(5) {
                0 => String::new(),
                1 => format!("{ind}  more indented"),
                2 => format!("{ind}# not a comment"),
                _ => format!(
                    "{ind}{}",
                    self.pick(&["text", "a: b", "- item", "true", "x  y"])
                ),
            });
        }
        // Explicit indentation indicators need the first line at that indentation.
        if header.contains(|c: char| c.is_ascii_digit()) {
            lines[0] = format!("{ind}text");
        }
        let trailing = "\n".repeat(self.below(3));
        format!("{header}\n{}\n{trailing}", lines.join("\n"))
    }

    /// A block mapping at `indent`.
    fn block_map(&mut self, indent: usize, depth: usize) -> String {
        let pad = " ".repeat(indent);
        let n = 1 + self.below(5);
        let mut out = String::new();
        for _ in 0..n {
            if self.chance(4) {
                out.push_str(&format!("{pad}# a comment\n"));
            }
            if self.chance(12) {
                let m = self.merge_value(depth);
                out.push_str(&format!("{pad}<<: {m}\n"));
                continue;
            }
            let k = self.key();
            out.push_str(&format!("{pad}{k}:"));
            out.push_str(&self.block_value(indent, depth));
        }
        out
    }

    /// The value after `key:` (starting with a space or a newline), ending with a newline.
    fn block_value(&mut self, indent: usize, depth: usize) -> String {
        let choice = if depth > 3 {
            self.below(3)
        } else {
            self.below(9)
        };
        match choice {
            0 => format!(" {}\n", self.scalar()),
            1 => format!(" {}\n", self.flow(depth)),
            2 if self.chance(30) => format!(" {}", self.block_scalar(indent)),
            2 => "\n".to_string(),
            3..=5 => {
                let anchor = if self.chance(15) {
                    let name = format!("m{}", self.next_anchor);
                    self.next_anchor += 1;
                    Some(name)
                } else {
                    None
                };
                let body = self.block_map(indent + 2, depth + 1);
                match anchor {
                    Some(name) => {
                        self.anchors.push((name.clone(), true));
                        format!(" &{name}\n{body}")
                    }
                    None => format!("\n{body}"),
                }
            }
            _ => {
                // Sequences under a key may sit at the key's indentation, as kubectl allows.
                let seq_indent = if self.chance(50) { indent } else { indent + 2 };
                format!("\n{}", self.block_seq(seq_indent, depth + 1))
            }
        }
    }

    fn block_seq(&mut self, indent: usize, depth: usize) -> String {
        let pad = " ".repeat(indent);
        let n = 1 + self.below(4);
        let mut out = String::new();
        for _ in 0..n {
            match self.below(if depth > 3 { 2 } else { 4 }) {
                0 => out.push_str(&format!("{pad}- {}\n", self.scalar())),
                1 => out.push_str(&format!("{pad}- {}\n", self.flow(depth))),
                _ => {
                    // A mapping as an item: its first key on the dash's line.
                    let body = self.block_map(indent + 2, depth + 1);
                    let body = body.trim_start().to_string();
                    out.push_str(&format!("{pad}- {body}"));
                }
            }
        }
        out
    }

    fn document(&mut self) -> String {
        self.anchors.clear();
        let mut doc = match self.below(10) {
            0 => format!("{}\n", self.flow(0)),
            1 => self.block_seq(0, 1),
            _ => self.block_map(0, 0),
        };
        if self.chance(10) {
            doc = format!("---\n{doc}");
        }
        if self.chance(5) {
            doc.push_str("...\n");
        }
        if self.chance(5) {
            doc = format!("# leading comment\n{doc}");
        }
        // A few broken documents: both decoders must refuse them.
        if self.chance(3) {
            let broken = self.pick(&[
                "a: [1, 2\n",
                "\tb: 1\n",
                "c: *undefined\n",
                "d: e: f\n",
                "- x\ny: 1\n",
                "f: 'open\n",
            ]);
            doc.push_str(broken);
        }
        if self.chance(5) {
            doc = doc.replace('\n', "\r\n");
        }
        if self.chance(3) {
            doc = format!("\u{feff}{doc}");
        }
        doc
    }
}
