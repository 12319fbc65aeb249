//! Tests of the positioned tree.

use super::*;

fn one(text: &str) -> Document {
    let s = parse_stream(text);
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(s.documents.len(), 1);
    s.documents.into_iter().next().unwrap()
}

#[test]
fn spans_of_block_mapping() {
    let text = "a: 1\nb:\n  c: \"x\"\n  d: [1, 2]\n";
    let d = one(text);
    let root = d.root().unwrap();
    let c = root.get("b").unwrap().get("c").unwrap();
    assert_eq!(c.as_str(), Some("x"));
    let sp = c.span();
    assert_eq!((sp.line, sp.col), (3, 6));
    assert_eq!(&text[sp.start..sp.end], "\"x\"");
    let dd = root.get("b").unwrap().get("d").unwrap();
    assert!(dd.is_flow());
    assert_eq!(&text[dd.span().start..dd.span().end], "[1, 2]");
    let (k, _) = root.get("b").unwrap().get_entry("d").unwrap();
    assert_eq!((k.span().line, k.span().col), (4, 3));
    assert_eq!(&text[k.span().start..k.span().end], "d");
}

#[test]
fn yaml11_scalars() {
    let d = one("a: yes\nb: off\nc: 0755\nd: '1000'\ne: 1_000\nf: ~\ng:\nh: 1.5\ni: true\n");
    let r = d.root().unwrap();
    assert_eq!(r.get("a").unwrap().as_bool(), Some(true));
    assert!(r.get("a").unwrap().is_yaml11_only());
    assert_eq!(r.get("b").unwrap().as_bool(), Some(false));
    assert_eq!(r.get("c").unwrap().as_i64(), Some(0o755));
    assert!(r.get("c").unwrap().is_yaml11_only());
    assert_eq!(r.get("d").unwrap().as_i64(), None);
    assert_eq!(r.get("d").unwrap().as_str(), Some("1000"));
    assert_eq!(r.get("e").unwrap().as_i64(), Some(1000));
    assert!(r.get("f").unwrap().is_null());
    assert!(r.get("g").unwrap().is_null());
    assert!(r.field("g").is_none());
    assert_eq!(r.get("i").unwrap().as_bool(), Some(true));
    assert!(!r.get("i").unwrap().is_yaml11_only());
}

#[test]
fn multi_document_and_broken_one() {
    let s = parse_stream("a: 1\n---\nb: [\n---\nc: 3\n");
    assert_eq!(s.documents.len(), 2);
    assert_eq!(s.errors.len(), 1);
    assert_eq!(s.errors[0].document, Some(1));
    assert!(s.errors[0].span.line >= 3, "{:?}", s.errors[0]);
    assert_eq!(s.documents[1].index, 2);
    assert_eq!(
        s.documents[1].root().unwrap().get("c").unwrap().span().line,
        5
    );
}

#[test]
fn anchors_aliases_merge_keys() {
    let d = one("base: &b\n  x: 1\n  z: 2\nuse:\n  <<: *b\n  z: 3\nother: *b\n");
    let r = d.root().unwrap();
    let u = r.get("use").unwrap();
    assert_eq!(u.get("x").unwrap().as_i64(), Some(1));
    assert_eq!(u.get("z").unwrap().as_i64(), Some(3));
    assert_eq!(u.entries().len(), 2);
    assert_eq!(r.get("other").unwrap().get("z").unwrap().as_i64(), Some(2));
}

/// go-yaml v2 applies `<<` where it is written: a merge after an explicit key overrides it, and of
/// two merge keys the later wins; within a merged sequence the earlier map wins.
#[test]
fn merge_keys_apply_in_text_order() {
    let d = one(
        "a: {privileged: false, <<: {privileged: true}}\nb: {<<: {x: 1}, <<: {x: 2}}\nc:\n  <<: [{x: 1}, {x: 2, w: 3}]\n  w: 4\n",
    );
    let r = d.root().unwrap();
    assert_eq!(
        r.get("a").unwrap().get("privileged").unwrap().as_bool(),
        Some(true)
    );
    assert_eq!(r.get("b").unwrap().get("x").unwrap().as_i64(), Some(2));
    let c = r.get("c").unwrap();
    assert_eq!(c.get("x").unwrap().as_i64(), Some(1));
    assert_eq!(c.get("w").unwrap().as_i64(), Some(4));
    // The key node returned is the one that set the value, for line numbers.
    let (k, _) = r.get("a").unwrap().get_entry("privileged").unwrap();
    assert_eq!(k.span().col, 29);
}

/// Keys become JSON strings as sigs.k8s.io/yaml writes them: `y` is the boolean true, `0x10` is 16.
#[test]
fn keys_are_read_as_kubernetes_reads_them() {
    let d = one("y: 1\n0x10: 2\n'y': 3\n");
    let r = d.root().unwrap();
    assert_eq!(r.get("true").unwrap().as_i64(), Some(1));
    assert_eq!(r.get("16").unwrap().as_i64(), Some(2));
    assert_eq!(r.get("y").unwrap().as_i64(), Some(3));
}

#[test]
fn decoder_errors_are_document_errors() {
    for (text, message) in [
        ("a: !!int 12abc\n", "cannot decode !!str `12abc` as a !!int"),
        (
            "a: {<<: 1}\n",
            "map merge requires map or sequence of maps as the value",
        ),
        ("~: 1\n", "Kubernetes cannot convert this document to JSON"),
        (
            "a: .nan\n",
            "Kubernetes cannot convert this document to JSON",
        ),
    ] {
        let s = parse_stream(text);
        assert!(s.documents.is_empty(), "{text}");
        assert!(
            s.errors[0].message.starts_with(message),
            "{text}: {:?}",
            s.errors
        );
    }
    // Tagged quoted scalars resolve as the tag says.
    let d = one("a: !!int \"0\"\nb: !!bool \"true\"\nc: !mytag true\n");
    let r = d.root().unwrap();
    assert_eq!(r.get("a").unwrap().as_i64(), Some(0));
    assert_eq!(r.get("b").unwrap().as_bool(), Some(true));
    assert_eq!(r.get("c").unwrap().as_str(), Some("true"));
}

#[test]
fn json_stream() {
    let s = parse_stream("{\"a\": 1}\n{\"b\": {\"c\": true}}");
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(s.documents.len(), 2);
    assert!(s.documents[1].json);
    assert_eq!(
        s.documents[1]
            .root()
            .unwrap()
            .get("b")
            .unwrap()
            .get("c")
            .unwrap()
            .as_bool(),
        Some(true)
    );
}

#[test]
fn crlf_and_unicode_positions() {
    let text = "a: \"é\"\r\nb: ü\r\nc: 1\r\n";
    let d = one(text);
    let r = d.root().unwrap();
    let c = r.get("c").unwrap();
    assert_eq!(&text[c.span().start..c.span().end], "1");
    assert_eq!((c.span().line, c.span().col), (3, 4));
    let b = r.get("b").unwrap();
    assert_eq!(&text[b.span().start..b.span().end], "ü");
}

#[test]
fn duplicate_keys_recorded_last_wins() {
    let d = one("a: 1\nb: 2\na: 3\n");
    assert_eq!(d.duplicates.len(), 1);
    assert_eq!(d.duplicates[0].first.line, 1);
    assert_eq!(d.duplicates[0].second.line, 3);
    assert_eq!(d.root().unwrap().get("a").unwrap().as_i64(), Some(3));
}

#[test]
fn alias_bomb_refused() {
    let mut t = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        t.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n",
            p = i - 1
        ));
    }
    let s = parse_stream(&t);
    assert!(s.documents.is_empty());
    assert_eq!(s.errors.len(), 1);
    assert!(
        s.errors[0].message.contains("alias"),
        "{}",
        s.errors[0].message
    );
}

#[test]
fn deep_nesting_is_an_error() {
    let t = "[".repeat(100_000);
    let s = parse_stream(&t);
    assert!(s.documents.is_empty());
    assert!(!s.errors.is_empty());
    let t = "a:\n".to_string()
        + &(1..2000)
            .map(|i| format!("{}b:\n", " ".repeat(i)))
            .collect::<String>();
    let s = parse_stream(&t);
    assert!(!s.errors.is_empty() || !s.documents.is_empty());
}

#[test]
fn too_large() {
    let t = "a".repeat(MAX_INPUT_BYTES + 1);
    let s = parse_stream(&t);
    assert_eq!(s.errors.len(), 1);
    assert!(s.errors[0].message.contains("too large"));
}

#[test]
fn block_scalar_and_flow_map_spans() {
    let text = "a: |\n  line1\n  line2\nb: {c: 1, d: x}\n";
    let d = one(text);
    let r = d.root().unwrap();
    let b = r.get("b").unwrap();
    assert_eq!(&text[b.span().start..b.span().end], "{c: 1, d: x}");
    assert_eq!(r.get("a").unwrap().as_str(), Some("line1\nline2\n"));
    let root_span = r.span();
    assert_eq!(root_span.start, 0);
}

#[test]
fn flow_closer_at_key_indentation_is_accepted_as_go_yaml_does() {
    let text = "a:\n  args: [\n      \"x\", \"y\",\n  ]\n  env: é\n  b: 1\n";
    let d = one(text);
    let a = d.root().unwrap().get("a").unwrap();
    assert_eq!(a.get("args").unwrap().items().len(), 2);
    let b = a.get("b").unwrap();
    assert_eq!(&text[b.span().start..b.span().end], "1");
    assert_eq!((b.span().line, b.span().col), (6, 6));
    let args = a.get("args").unwrap();
    assert_eq!(
        &text[args.span().start..args.span().end],
        "[\n      \"x\", \"y\",\n  ]"
    );
}

#[test]
fn spans_of_flow_anchored_tagged_and_block_values() {
    let text = "a: {b: 1}  # c\nd: &x [1, 2] # e\nf: !!map {g: 1}\nh: |\n  text\n\ni: 2\n";
    let d = one(text);
    let r = d.root().unwrap();
    let got: Vec<(&str, usize, usize, bool)> = ["a", "d", "f", "h"]
        .iter()
        .map(|k| {
            let n = r.get(k).unwrap();
            (
                &text[n.span().start..n.span().end],
                n.span().line,
                n.span().col,
                n.is_flow(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("{b: 1}", 1, 4, true),
            ("[1, 2]", 2, 7, true),
            ("{g: 1}", 3, 10, true),
            ("|\n  text", 4, 4, false)
        ]
    );
}

/// Regression tests, one per class of divergence the oracle found (crates/podsec/tests/yaml_oracle.rs).
#[test]
fn oracle_divergence_classes() {
    // A document end marker before any document: go-yaml "did not find expected node content".
    let s = parse_stream("# c\n...\nb: 1\n");
    assert!(s.documents.is_empty() && s.errors.len() == 1, "{s:?}");
    // After a closed flow root, go-yaml stops reading, unless a tab starts a later line.
    let s = parse_stream("&a [1]\n- 2\n");
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(s.documents[0].root().unwrap().items().len(), 1);
    let s = parse_stream("&a [1]\n\tb: 1\n");
    assert!(s.documents.is_empty(), "a tab after the root is refused");
    // A null key dropped by a later duplicate of its map is no error; one that survives is.
    assert!(parse_stream("a: {~: 1}\na: 2\n").errors.is_empty());
    assert!(!parse_stream("a: {~: 1}\n").errors.is_empty());
    // A null key merged in from an anchor survives the merge.
    assert!(
        !parse_stream("b: &b {~: 1}\nc: {<<: *b}\nb: 2\n")
            .errors
            .is_empty()
    );
}

fn one_error(text: &str) -> String {
    let s = parse_stream(text);
    s.errors
        .first()
        .map(|e| e.message.clone())
        .unwrap_or_default()
}

#[test]
fn int_and_string_keys_that_become_one_json_key_keep_both_values() {
    // Kubernetes converts both and fails on the null key inside the int-keyed map, whichever wins.
    assert!(one_error("1: {~: x}\n'1': 2\n").starts_with("Kubernetes cannot convert"));
}

/// Memory follows the node count (a 158 KB `List` is 40,000 nodes), so a node stays small: what
/// only reading needs (sizes, decode counts) lives in the builder, and what few nodes have (tags,
/// resolved merge entries) beside the arena.
#[test]
fn a_node_takes_at_most_64_bytes() {
    assert!(
        std::mem::size_of::<super::NodeData>() <= 64,
        "{}",
        std::mem::size_of::<super::NodeData>()
    );
}

/// The chunked arena holds what a `Vec` would, across chunk boundaries, before and after it is
/// trimmed.
#[test]
fn the_chunked_arena_holds_what_a_vec_would() {
    let chunk = super::node::CHUNK;
    let n = 2 * chunk + chunk / 2;
    let mut c = super::node::Chunked::default();
    assert!(c.is_empty());
    for i in 0..n {
        c.push(i * 7);
        assert_eq!(c.len(), i + 1);
    }
    c.trim();
    for i in [
        0,
        1,
        chunk - 1,
        chunk,
        chunk + 1,
        2 * chunk - 1,
        2 * chunk,
        n - 1,
    ] {
        assert_eq!(c.get(i), Some(&(i * 7)), "{i}");
    }
    assert_eq!(c.get(n), None);
    if let Some(v) = c.get_mut(chunk) {
        *v = 1;
    }
    let all: Vec<usize> = c.iter().copied().collect();
    let expected: Vec<usize> = (0..n).map(|i| if i == chunk { 1 } else { i * 7 }).collect();
    assert_eq!(all, expected);
}
