//! Tests of the edit engine (hand-written patches) and of the rewrite.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use super::*;
use crate::fix::{FieldPath, Patch, PatchValue};

fn set(path: &str, value: PatchValue) -> Patch {
    Patch::Set {
        path: FieldPath::parse(path),
        value,
    }
}

fn ensure(path: &str, item: &str) -> Patch {
    Patch::Ensure {
        path: FieldPath::parse(path),
        item: PatchValue::Str(item.to_string()),
    }
}

fn remove(path: &str) -> Patch {
    Patch::Remove {
        path: FieldPath::parse(path),
    }
}

fn remove_item(path: &str, item: &str) -> Patch {
    Patch::RemoveItem {
        path: FieldPath::parse(path),
        item: item.to_string(),
    }
}

fn s(v: &str) -> PatchValue {
    PatchValue::Str(v.to_string())
}

fn map(entries: &[(&str, PatchValue)]) -> PatchValue {
    PatchValue::Map(
        entries
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect(),
    )
}

fn seccomp() -> PatchValue {
    map(&[("type", s("RuntimeDefault"))])
}

/// Applies patches to document 0, checks the output parses and that applying them again changes
/// nothing.
#[track_caller]
fn check(before: &str, patches: &[Patch], after: &str) {
    let out = apply_patches(before, 0, patches).unwrap();
    assert_eq!(out, after, "\n--- got:\n{out}\n--- want:\n{after}");
    let stream = crate::yaml::parse_stream(&out);
    assert!(stream.errors.is_empty(), "{:?}", stream.errors);
    let again = apply_patches(&out, 0, patches).unwrap();
    assert_eq!(again, out, "not idempotent");
}

#[track_caller]
fn check_err(before: &str, patches: &[Patch], reason_part: &str) {
    let err = apply_patches(before, 0, patches).unwrap_err();
    assert!(err.reason.contains(reason_part), "{err:?}");
}

const POD: &str = r"apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: nginx # the image
";

#[test]
fn set_creates_nested_block_map_in_sequence_item() {
    check(
        POD,
        &[set(
            "spec.containers[0].securityContext.allowPrivilegeEscalation",
            PatchValue::Bool(false),
        )],
        r"apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: nginx # the image
      securityContext:
        allowPrivilegeEscalation: false
",
    );
}

#[test]
fn ensure_creates_list_with_detected_sequence_style() {
    check(
        POD,
        &[ensure(
            "spec.containers[0].securityContext.capabilities.drop",
            "ALL",
        )],
        r"apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: nginx # the image
      securityContext:
        capabilities:
          drop:
            - ALL
",
    );
    // Unindented sequences stay unindented.
    check(
        "spec:\n  containers:\n  - name: app\n    image: x\n",
        &[ensure(
            "spec.containers[0].securityContext.capabilities.drop",
            "ALL",
        )],
        "spec:\n  containers:\n  - name: app\n    image: x\n    securityContext:\n      capabilities:\n        drop:\n        - ALL\n",
    );
}

#[test]
fn set_map_value_at_pod_level_keeps_comments() {
    let before = r"spec:
  securityContext:              # Pod-level: applies to all containers by default
    runAsNonRoot: true
    fsGroup: 2000
  containers:
    - name: app
";
    check(
        before,
        &[set("spec.securityContext.seccompProfile", seccomp())],
        r"spec:
  securityContext:              # Pod-level: applies to all containers by default
    runAsNonRoot: true
    fsGroup: 2000
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: app
",
    );
}

#[test]
fn set_replaces_scalars_keeping_quotes() {
    check(
        "a:\n  b: true # why\n  c: 'Unconfined'\n  d: \"x\"\n",
        &[
            set("a.b", PatchValue::Bool(false)),
            set("a.c", s("RuntimeDefault")),
            set("a.d", s("y")),
        ],
        "a:\n  b: false # why\n  c: 'RuntimeDefault'\n  d: \"y\"\n",
    );
}

#[test]
fn set_into_empty_and_null_values() {
    for v in ["", " null", " ~", " {}"] {
        check(
            &format!("c:\n  securityContext:{v}  # later\n  image: x\n"),
            &[set(
                "c.securityContext.seccompProfile.type",
                s("RuntimeDefault"),
            )],
            "c:\n  securityContext:  # later\n    seccompProfile:\n      type: RuntimeDefault\n  image: x\n",
        );
    }
    check(
        "c:\n  securityContext:\n",
        &[set(
            "c.securityContext.runAsNonRoot",
            PatchValue::Bool(true),
        )],
        "c:\n  securityContext:\n    runAsNonRoot: true\n",
    );
    // A scalar set on an empty value stays on the key's line.
    check(
        "c:\n  securityContext:\n  x: 1\n",
        &[set("c.securityContext", map(&[]))],
        "c:\n  securityContext: {}\n  x: 1\n",
    );
}

#[test]
fn flow_maps_and_lists() {
    check(
        "c: {name: app, image: x}\n",
        &[set(
            "c.securityContext.capabilities.drop",
            PatchValue::List(vec![s("ALL")]),
        )],
        "c: {name: app, image: x, securityContext: {capabilities: {drop: [ALL]}}}\n",
    );
    check(
        "c:\n  securityContext: {}\n",
        &[set("c.securityContext.privileged", PatchValue::Bool(false))],
        "c:\n  securityContext:\n    privileged: false\n",
    );
    check(
        "c: {securityContext: {}}\n",
        &[set("c.securityContext.privileged", PatchValue::Bool(false))],
        "c: {securityContext: {privileged: false}}\n",
    );
    check(
        "drop: [NET_RAW]\n",
        &[ensure("drop", "ALL")],
        "drop: [NET_RAW, ALL]\n",
    );
    check("drop: []\n", &[ensure("drop", "ALL")], "drop: [ALL]\n");
    check(
        "add: [NET_RAW, SYS_ADMIN, CHOWN]\n",
        &[remove_item("add", "SYS_ADMIN")],
        "add: [NET_RAW, CHOWN]\n",
    );
    check(
        "add: [NET_RAW, SYS_ADMIN]\n",
        &[remove_item("add", "SYS_ADMIN")],
        "add: [NET_RAW]\n",
    );
    check(
        "c: {a: 1, privileged: true, b: 2}\n",
        &[remove("c.privileged")],
        "c: {a: 1, b: 2}\n",
    );
}

#[test]
fn block_lists() {
    check(
        "caps:\n  drop:\n    - NET_RAW   # raw sockets\n  add: []\n",
        &[ensure("caps.drop", "ALL")],
        "caps:\n  drop:\n    - NET_RAW   # raw sockets\n    - ALL\n  add: []\n",
    );
    check(
        "caps:\n  add:\n  - SYS_ADMIN  # remove me\n  - NET_BIND_SERVICE\n  - SYS_ADMIN\n",
        &[remove_item("caps.add", "SYS_ADMIN")],
        "caps:\n  add:\n  - NET_BIND_SERVICE\n",
    );
    check(
        "caps:\n  add:\n  - SYS_ADMIN\n  x: 1\n",
        &[remove_item("caps.add", "SYS_ADMIN")],
        "caps:\n  add: []\n  x: 1\n",
    );
}

#[test]
fn remove_keys() {
    check(
        "sc:\n  # keep this comment\n  privileged: true # gone with its line\n  runAsUser: 1\n",
        &[remove("sc.privileged")],
        "sc:\n  # keep this comment\n  runAsUser: 1\n",
    );
    check(
        "sc:\n  privileged: true\nx: 1\n",
        &[remove("sc.privileged")],
        "sc:\n  {}\nx: 1\n",
    );
    check(
        "containers:\n- hostPort: 80\n  name: a\n",
        &[remove("containers[0].hostPort")],
        "containers:\n- name: a\n",
    );
    check(
        "sc:\n  seLinuxOptions:\n    type: spc_t\n    level: s0\n  runAsUser: 1\n",
        &[remove("sc.seLinuxOptions")],
        "sc:\n  runAsUser: 1\n",
    );
    // Removing by index is not idempotent by nature: the next element takes the index.
    let out = apply_patches(
        "volumes:\n- name: a\n  hostPath: {path: /}\n- name: b\n  emptyDir: {}\n- name: c\n",
        0,
        &[remove("volumes[0]"), remove("volumes[2]")],
    )
    .unwrap();
    assert_eq!(out, "volumes:\n- name: b\n  emptyDir: {}\n");
}

#[test]
fn json_documents_stay_json() {
    check(
        r#"{"spec": {"containers": [{"name": "app", "image": "x"}]}}"#,
        &[
            set(
                "spec.containers[0].securityContext.runAsNonRoot",
                PatchValue::Bool(true),
            ),
            ensure(
                "spec.containers[0].securityContext.capabilities.drop",
                "ALL",
            ),
        ],
        r#"{"spec": {"containers": [{"name": "app", "image": "x", "securityContext": {"runAsNonRoot": true, "capabilities": {"drop": ["ALL"]}}}]}}"#,
    );
    check(
        "{\n  \"spec\": {\n    \"hostPID\": true,\n    \"containers\": []\n  }\n}\n",
        &[
            set("spec.securityContext.seccompProfile", seccomp()),
            remove("spec.hostPID"),
        ],
        "{\n  \"spec\": {\n    \"containers\": [],\n    \"securityContext\": {\n      \"seccompProfile\": {\n        \"type\": \"RuntimeDefault\"\n      }\n    }\n  }\n}\n",
    );
}

#[test]
fn crlf_and_no_trailing_newline() {
    check(
        "spec:\r\n  containers:\r\n  - name: a\r\n    image: x",
        &[set(
            "spec.containers[0].securityContext.privileged",
            PatchValue::Bool(false),
        )],
        "spec:\r\n  containers:\r\n  - name: a\r\n    image: x\r\n    securityContext:\r\n      privileged: false",
    );
}

#[test]
fn four_space_indentation() {
    check(
        "spec:\n    containers:\n        -   name: a\n            image: x\n",
        &[set(
            "spec.securityContext.runAsNonRoot",
            PatchValue::Bool(true),
        )],
        "spec:\n    containers:\n        -   name: a\n            image: x\n    securityContext:\n        runAsNonRoot: true\n",
    );
}

#[test]
fn multi_document_stream_edits_only_its_document() {
    let text = "# head\na: 1\n---\nb: {}\n...\n---\nc: 3\n";
    let out = apply_patches(text, 1, &[set("b.x", PatchValue::Int(1))]).unwrap();
    assert_eq!(out, "# head\na: 1\n---\nb:\n  x: 1\n...\n---\nc: 3\n");
}

#[test]
fn anchors_and_aliases_are_refused() {
    check_err(
        "base: &b\n  privileged: true\nc:\n  securityContext: *b\n",
        &[set("c.securityContext.privileged", PatchValue::Bool(false))],
        "anchor",
    );
    check_err(
        "base: &b\n  privileged: true\n",
        &[set("base.privileged", PatchValue::Bool(false))],
        "anchor",
    );
    // A merged key is overridden by writing it explicitly.
    check(
        "base: &b {privileged: true}\nc:\n  <<: *b\n  name: x\n",
        &[set("c.privileged", PatchValue::Bool(false))],
        "base: &b {privileged: true}\nc:\n  <<: *b\n  name: x\n  privileged: false\n",
    );
    // Satisfied patches through aliases are fine.
    check(
        "base: &b {privileged: false}\nc: *b\n",
        &[set("c.privileged", PatchValue::Bool(false))],
        "base: &b {privileged: false}\nc: *b\n",
    );
}

#[test]
fn set_map_merges_into_existing_map() {
    check(
        "sc:\n  seccompProfile:\n    type: Unconfined # was\n",
        &[set("sc.seccompProfile", seccomp())],
        "sc:\n  seccompProfile:\n    type: RuntimeDefault # was\n",
    );
}

#[test]
fn lists_of_maps_render_as_block() {
    check(
        "spec:\n  containers:\n  - name: a\n",
        &[set(
            "spec.volumes",
            PatchValue::List(vec![map(&[("name", s("tmp")), ("emptyDir", map(&[]))])]),
        )],
        "spec:\n  containers:\n  - name: a\n  volumes:\n  - name: tmp\n    emptyDir: {}\n",
    );
}

#[test]
fn strings_are_quoted_when_needed() {
    check(
        "a: {z: 1}\n",
        &[set("a.b", s("true")), set("a.c", s("x: y"))],
        "a: {z: 1, b: \"true\", c: \"x: y\"}\n",
    );
}

// ----- The rewrite over the analysis ---------------------------------------------------------------

/// The hardened pod of the seed article: it sets everything restricted asks for except a seccomp
/// profile.
const SEED_POD: &str = r"apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:              # Pod-level: applies to all containers by default
    runAsNonRoot: true
    runAsUser: 1000
    fsGroup: 2000
  containers:
    - name: app
      image: myapp:1.0
      securityContext:          # container-level: can override the Pod-level settings
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop:
            - ALL
          add:
            - NET_BIND_SERVICE   # only add back the specific capability actually needed
";

#[test]
fn seed_pod_gets_pod_level_seccomp_profile() {
    let h = harden(SEED_POD, &HardenOptions::default());
    let want = SEED_POD.replace(
        "    fsGroup: 2000\n",
        "    fsGroup: 2000\n    seccompProfile:\n      type: RuntimeDefault\n",
    );
    assert_eq!(h.text, want, "{h:#?}");
    assert!(h.text.contains(
        "  securityContext:              # Pod-level: applies to all containers by default\n"
    ));
    let applied: Vec<&Edit> = h.edits.iter().filter(|e| e.applied).collect();
    assert_eq!(applied.len(), 1, "{:#?}", h.edits);
    assert_eq!(applied[0].grade, Applicability::Safe);
    assert_eq!(applied[0].checks, ["seccompProfile_restricted"]);
    assert_eq!(applied[0].lines, Some((10, 11)));
    assert_eq!(h.objects.len(), 1);
    assert!(!h.objects[0].before);
    assert!(h.objects[0].after);
    assert_eq!(harden(&h.text, &HardenOptions::default()).text, h.text);
}

#[test]
fn block_scalar_at_the_end_of_a_container() {
    check(
        "spec:\n  containers:\n    - name: a\n      command:\n        - |\n          echo hi\n  volumes: []\n",
        &[set(
            "spec.containers[0].securityContext.privileged",
            PatchValue::Bool(false),
        )],
        "spec:\n  containers:\n    - name: a\n      command:\n        - |\n          echo hi\n      securityContext:\n        privileged: false\n  volumes: []\n",
    );
}

/// The blank lines after a keep-chomping block scalar are part of its value: keys and items added
/// after it go after them (found with `|+`, issue 15).
#[test]
fn keep_chomping_block_scalar_keeps_its_trailing_lines() {
    check(
        "spec:\n  containers:\n    - name: a\n      command: |+\n        echo hi\n\n\n",
        &[
            set(
                "spec.containers[0].securityContext.privileged",
                PatchValue::Bool(false),
            ),
            set("spec.securityContext.seccompProfile", seccomp()),
        ],
        "spec:\n  containers:\n    - name: a\n      command: |+\n        echo hi\n\n\n      securityContext:\n        privileged: false\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n",
    );
    // Folded, with an indentation indicator, then a less indented key.
    check(
        "spec:\n  containers:\n    - name: a\n      args: >2+\n          x\n\n  volumes: []\n",
        &[set(
            "spec.containers[0].securityContext.privileged",
            PatchValue::Bool(false),
        )],
        "spec:\n  containers:\n    - name: a\n      args: >2+\n          x\n\n      securityContext:\n        privileged: false\n  volumes: []\n",
    );
    // The last item of a list.
    check(
        "drop:\n  - |+\n    x\n\nnext: 1\n",
        &[ensure("drop", "ALL")],
        "drop:\n  - |+\n    x\n\n  - ALL\nnext: 1\n",
    );
    // Clip and strip chomping do not own the blank lines: the insertion stays before them.
    check(
        "spec:\n  containers:\n    - name: a\n      command: |\n        echo hi\n\n  volumes: []\n",
        &[set(
            "spec.containers[0].securityContext.privileged",
            PatchValue::Bool(false),
        )],
        "spec:\n  containers:\n    - name: a\n      command: |\n        echo hi\n      securityContext:\n        privileged: false\n\n  volumes: []\n",
    );
}

#[test]
fn flow_list_with_trailing_commas() {
    check(
        "{\n  add: [\n    \"NET_ADMIN\",\n  ],\n}\n",
        &[remove_item("add", "NET_ADMIN")],
        "{\n  add: [\n  ],\n}\n",
    );
}

fn opts(threshold: Applicability) -> HardenOptions {
    HardenOptions {
        threshold,
        ..HardenOptions::default()
    }
}

const STREAM: &str = "# config first\r
apiVersion: v1\r
kind: ConfigMap\r
metadata: {name: cfg}\r
data:\r
  privileged: \"true\"\r
---\r
apiVersion: apps/v1\r
kind: Deployment\r
metadata:\r
  name: web\r
spec:\r
  template:\r
    spec:\r
      containers:\r
      - name: web   # the app\r
        image: nginx\r
        securityContext:\r
          privileged: true\r
";

#[test]
fn stream_with_crlf_edits_only_the_workload() {
    let h = harden(STREAM, &opts(Applicability::Unsafe));
    let (cfg, _) = STREAM.split_once("---").unwrap();
    assert!(h.text.starts_with(cfg));
    assert!(h.text.contains("      - name: web   # the app\r\n"));
    assert!(!h.text.replace("\r\n", "").contains('\n'), "{:?}", h.text);
    assert!(!h.text.contains("privileged: true\r\n"), "{}", h.text);
    assert!(h.objects[0].after, "{:#?}", h);
    assert_eq!(harden(&h.text, &opts(Applicability::Unsafe)).text, h.text);
    // At the safe threshold the unsafe fixes are listed, not applied.
    let safe = harden(STREAM, &opts(Applicability::Safe));
    assert!(safe.text.contains("privileged: true"));
    assert!(safe.edits.iter().any(|e| !e.applied
        && e.grade == Applicability::Unsafe
        && e.skipped.as_deref() == Some("below the threshold")));
    for e in safe.edits.iter().filter(|e| e.applied) {
        assert_eq!(e.grade, Applicability::Safe);
        assert!(e.lines.is_some());
        assert!(!e.checks.is_empty());
    }
}

#[test]
fn json_workload_stays_valid_json() {
    let text = r#"{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "p"},
  "spec": {
    "containers": [
      {"name": "a", "image": "x"}
    ]
  }
}
"#;
    let h = harden(text, &opts(Applicability::Unsafe));
    assert!(h.changed);
    let v: serde_json::Value = serde_json::from_str(&h.text).expect(&h.text);
    assert_eq!(
        v["spec"]["securityContext"]["seccompProfile"]["type"], "RuntimeDefault",
        "{}",
        h.text
    );
    assert_eq!(
        v["spec"]["containers"][0]["securityContext"]["allowPrivilegeEscalation"],
        false
    );
    assert_eq!(harden(&h.text, &opts(Applicability::Unsafe)).text, h.text);
}

#[test]
fn aliased_containers_are_reported_not_edited() {
    let text = "apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  initContainers:
  - &c
    name: a
    image: x
  containers:
  - *c
";
    let h = harden(text, &HardenOptions::default());
    let refused: Vec<&Edit> = h
        .edits
        .iter()
        .filter(|e| e.skipped.as_deref().is_some_and(|s| s.contains("anchor")))
        .collect();
    assert!(!refused.is_empty(), "{:#?}", h.edits);
    assert!(
        refused
            .iter()
            .all(|e| e.grade == Applicability::Manual && !e.applied)
    );
    assert!(
        h.text
            .contains("  - &c\n    name: a\n    image: x\n  containers:\n  - *c\n")
    );
}

#[test]
fn serialises_to_json() {
    let h = harden(SEED_POD, &HardenOptions::default());
    let v = serde_json::to_value(&h).unwrap();
    assert_eq!(v["edits"][0]["grade"], "safe");
    assert_eq!(v["edits"][0]["lines"], serde_json::json!([10, 11]));
    assert_eq!(v["edits"][0]["hunks"], serde_json::json!([[10, 11]]));
    assert_eq!(v["edits"][0]["patches"][0]["op"], "set");
    assert_eq!(v["objects"][0]["after"], true);
}

/// Issue 22: on an istio-injected pod the unsafe rewrite set `runAsNonRoot: true` beside
/// `runAsUser: 0`, which the kubelet refuses. The edit is refused with the reason, and the verdict
/// says what still blocks the pod and why.
#[test]
fn never_makes_a_pod_the_kubelet_refuses() {
    let text = "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: init
      image: proxy:1
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop: [ALL]
        runAsNonRoot: false
        runAsUser: 0
";
    for threshold in [Applicability::Safe, Applicability::Unsafe] {
        let h = harden(text, &opts(threshold));
        let after = analyze(&h.text, &opts(threshold).analysis, MAX_EDITS);
        let refused: Vec<&str> = after.objects[0]
            .findings
            .iter()
            .filter(|f| matches!(f.level, FindingLevel::Rejected | FindingLevel::Refused))
            .map(|f| f.check)
            .collect();
        assert!(refused.is_empty(), "{refused:?}\n{}", h.text);
        assert!(h.text.contains("runAsNonRoot: false"), "{}", h.text);
        let blocking = &h.objects[0].blocking;
        let run_as_non_root = blocking
            .iter()
            .find(|b| b.check == "runAsNonRoot")
            .expect("runAsNonRoot still blocks admission");
        if threshold == Applicability::Unsafe {
            let edit = h
                .edits
                .iter()
                .find(|e| e.title.contains("runAsNonRoot"))
                .unwrap();
            assert!(!edit.applied);
            let why = edit.skipped.as_deref().unwrap();
            assert!(
                why.contains("run-as-non-root-with-root-user") && why.contains("kubelet"),
                "{why}"
            );
            assert!(run_as_non_root.why.contains(why), "{}", run_as_non_root.why);
        } else {
            assert!(
                run_as_non_root.why.contains("unsafe"),
                "{}",
                run_as_non_root.why
            );
        }
    }
}

// ----- Batches of list edits against the one-by-one engine ---------------------------------------

/// A small deterministic generator (xorshift), so that the cases are the same on every run.
pub(super) struct Gen(pub(super) u64);

impl Gen {
    pub(super) fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.next(from.len())]
    }
}

fn edit_of(title: String, patches: Vec<Patch>, grade: Applicability) -> Edit {
    Edit {
        title,
        grade,
        note: None,
        checks: vec!["x".into()],
        object: ObjectRef {
            document: 0,
            kind: "Pod".to_string(),
            name: "p".to_string(),
            generate_name: None,
        },
        container: None,
        patches,
        lines: None,
        hunks: Vec::new(),
        applied: false,
        skipped: None,
    }
}

/// A pod whose container has a capability list in one of the shapes the batch covers or
/// declines, with list edits and a few others around them.
fn list_case(g: &mut Gen) -> (String, Vec<Edit>) {
    const NAMES: &[&str] = &[
        "A", "B", "C", "CAP_A", "cap_b", "\"A\"", "'B'", "0", "null", "x y",
    ];
    let n = g.next(7);
    let names: Vec<&str> = (0..n).map(|_| g.pick(NAMES)).collect();
    let list = match g.next(6) {
        0 | 1 => format!("[{}]", names.join(", ")),
        2 => format!("[ {} ,]", names.join(" ,")),
        3 => format!("[{}]  # caps", names.join(",")),
        4 => {
            // A multi-line flow list: declined, so the one-by-one engine runs.
            format!("[\n          {}\n        ]", names.join(",\n          "))
        }
        _ if n == 0 => "[]".to_string(),
        _ => {
            let mut t = String::new();
            for (i, name) in names.iter().enumerate() {
                if i % 3 == 2 {
                    t.push_str("        # a comment\n");
                }
                t.push_str(&format!("\n        - {name}"));
            }
            t
        }
    };
    let text = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i\n    securityContext:\n      capabilities:\n        add: {list}\n      privileged: true\n"
    );
    let add = "spec.containers[0].securityContext.capabilities.add";
    let mut edits = Vec::new();
    for j in 0..g.next(9) {
        let grade = if g.next(2) == 0 {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        let x = g.pick(&["A", "B", "C", "CAP_A", "cap_b", "0", "null", "x y", "D"]);
        let y = g.pick(&["A", "B", "D", "E", "0", "x y"]);
        let patches = match g.next(8) {
            0 => vec![ensure(add, y)],
            1 => vec![remove_item(add, x), ensure(add, y)],
            2 => vec![set(
                "spec.containers[0].securityContext.runAsNonRoot",
                PatchValue::Bool(true),
            )],
            3 => vec![remove("spec.containers[0].securityContext.privileged")],
            4 => vec![ensure(
                "spec.containers[0].securityContext.capabilities.drop",
                y,
            )],
            5 => vec![remove("spec.containers[0].securityContext.capabilities")],
            _ => vec![remove_item(add, x)],
        };
        edits.push(edit_of(format!("edit {j}"), patches, grade));
    }
    (text, edits)
}

#[test]
fn batches_of_list_edits_equal_the_one_by_one_engine() {
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    let mut batched_runs = 0;
    for case in 0..2000 {
        let (text, edits) = list_case(&mut g);
        let todo: Vec<usize> = (0..edits.len()).collect();
        // Ranges written by an earlier round, before and after the list, carried through.
        let mut written: Written = vec![(99, 0, 10), (98, text.len() - 5, text.len() - 1)];
        // And ranges anywhere, the list included, some of them empty.
        for owner in 90..92 {
            let a = g.next(text.len());
            let b = (a + g.next(12) * g.next(2)).min(text.len());
            written.push((owner, a, b));
        }
        let (mut a, mut b) = (edits.clone(), edits);
        let one = apply_round_with(&text, &todo, &mut a, &written, false, true);
        let many = apply_round_with(&text, &todo, &mut b, &written, true, true);
        assert_eq!(one, many, "case {case}:\n{text}\n{a:#?}");
        assert_eq!(a, b, "case {case}:\n{text}");
        batched_runs += usize::from(a.iter().any(|e| e.applied));
    }
    assert!(batched_runs > 700, "{batched_runs}");
}

#[test]
fn conflict_index_finds_what_a_scan_finds() {
    let mut g = Gen(0x2545_f491_4f6c_dd1d);
    let paths = [
        "spec.containers[0].securityContext",
        "spec.containers[0].securityContext.capabilities",
        "spec.containers[0].securityContext.capabilities.add",
        "spec.containers[0].securityContext.capabilities.drop",
        "spec.containers[0].securityContext.runAsNonRoot",
        "spec.securityContext",
    ];
    let values = [
        PatchValue::Bool(true),
        s("A"),
        map(&[("type", s("RuntimeDefault"))]),
        map(&[("type", s("Localhost"))]),
        PatchValue::List(vec![s("A")]),
    ];
    for _ in 0..2000 {
        let mut index = Accepted::default();
        let mut scan: Vec<(String, Patch)> = Vec::new();
        for j in 0..12 {
            let path = g.pick(&paths);
            let item = g.pick(&["A", "B"]);
            let patches = match g.next(4) {
                0 => vec![set(path, values[g.next(values.len())].clone())],
                1 => vec![ensure(path, item)],
                2 => vec![remove_item(path, item)],
                _ => vec![remove(path)],
            };
            let title = format!("t{j}");
            let want = scan
                .iter()
                .find(|(_, q)| patches.iter().any(|p| conflicts(p, q)))
                .map(|(t, _)| t.as_str());
            assert_eq!(index.conflict(&patches), want, "{patches:?} after {scan:?}");
            if want.is_none() {
                index.add(&title, &patches);
                scan.extend(patches.into_iter().map(|p| (title.clone(), p)));
            }
        }
    }
}

/// `kubectl get pods -o yaml`: `n` pods as the items of one `List` document.
fn pod_list(n: usize) -> String {
    let mut t = String::from("apiVersion: v1\nkind: List\nitems:\n");
    for i in 0..n {
        t.push_str(&format!(
            "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p{i}\n  spec:\n    containers:\n    - name: app\n      image: app:1.0\n      ports:\n      - containerPort: 8080\n"
        ));
    }
    t
}

/// A `List` whose item uses an anchor of another item is hardened whole: alone, the item would
/// not read.
#[test]
fn a_list_item_that_does_not_read_alone_is_hardened_with_its_list() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\n  spec:\n    containers:\n    - name: app\n      image: &img app:1.0\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: b\n  spec:\n    containers:\n    - name: app\n      image: *img\n";
    let options = HardenOptions::default();
    assert!(pieces::harden(text, &options, MAX_EDITS).is_none());
    let h = harden(text, &options);
    assert_eq!(h.objects.len(), 2);
    assert_eq!(
        h.text.matches("allowPrivilegeEscalation: false").count(),
        2,
        "{}",
        h.text
    );
}

/// The bytes hardening `text` reads (analyses and parses), and the edits it applies.
fn reads(text: &str) -> (usize, usize) {
    let before = work::total();
    let h = harden(text, &HardenOptions::default());
    let applied = h.edits.iter().filter(|e| e.applied).count();
    (work::total() - before, applied)
}

/// Asserts that four times the input (`make(400)` against `make(100)`) reads at most 4.5 times
/// as many bytes: linear work, where a quadratic stage would read sixteen times as much.
fn reads_linearly(make: fn(usize) -> String) -> (usize, usize) {
    let (small, large) = (make(100), make(400));
    let (small_read, small_applied) = reads(&small);
    let (large_read, large_applied) = reads(&large);
    let ratio = large_read as f64 / small_read as f64;
    assert!(
        ratio < 4.5,
        "read {small_read} bytes for {} and {large_read} for {}: {ratio:.2}x",
        small.len(),
        large.len()
    );
    (small_applied, large_applied)
}

/// Hardening costs the same per pod whether a `List` holds a hundred pods or four hundred: each
/// pod's text is read a few times (its analyses, its item parsed to edit it), never once per other
/// pod or per edit. (With item-by-item editing turned off it read 15.8 times as much.)
#[test]
fn hardening_a_list_reads_the_same_per_pod() {
    let (small, large) = reads_linearly(pod_list);
    assert!(small >= 100, "{small} edits applied");
    assert_eq!(large, small * 4);
}

/// Asserts that `text` hardened piece by piece gives what the whole-text rewrite gives, and
/// returns it.
fn same_by_pieces(text: &str, options: &HardenOptions, case: &str) -> Hardened {
    let by_pieces = pieces::harden(text, options, MAX_EDITS).expect("read piece by piece");
    let whole = harden_text(text, options, MAX_EDITS);
    assert_eq!(by_pieces.text, whole.text, "{case}\n{text}");
    assert_eq!(by_pieces.edits, whole.edits, "{case}\n{text}");
    assert_eq!(by_pieces.objects, whole.objects, "{case}\n{text}");
    by_pieces
}

/// A `List` hardened item by item reports what the whole-text rewrite reports: the same text, the
/// same edits (paths, lines, reasons naming `items[k]`) and the same verdicts.
#[test]
fn a_list_item_by_item_equals_the_whole_text_rewrite() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: plain\n  spec:\n    containers:\n    - name: app\n      image: app:1.0\n# between the items\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: shared\n  spec:\n    containers:\n    - name: a\n      image: app:1.0\n      securityContext: &sc\n        privileged: false\n    - name: b\n      image: app:1.0\n      securityContext: *sc\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: d\n  spec:\n    template:\n      spec:\n        containers:\n        - name: app\n          image: app:1.0\n          securityContext:\n            allowPrivilegeEscalation: true\nmetadata:\n  resourceVersion: \"\"\n";
    for threshold in [Applicability::Safe, Applicability::Unsafe] {
        let options = opts(threshold);
        let by_item = same_by_pieces(text, &options, "");
        assert!(
            by_item
                .edits
                .iter()
                .any(|e| e.skipped.as_deref().is_some_and(|s| s.contains("items[1]"))),
            "{:#?}",
            by_item.edits
        );
    }
}

/// A pod whose containers are written in many ways (a comment between them, an anchor shared by
/// two, flow style, a kept block scalar at the end, init containers), for the test below.
fn containers_case(g: &mut Gen) -> String {
    let mut t = String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n");
    for list in ["initContainers", "containers"] {
        if list == "initContainers" && g.next(2) == 0 {
            continue;
        }
        t.push_str(&format!("  {list}:\n"));
        for i in 0..1 + g.next(5) {
            let name = format!("{list}-{i}");
            match g.next(7) {
                0 => t.push_str(&format!("  - {{name: {name}, image: app}}\n")),
                1 => t.push_str(&format!(
                    "  - name: {name}\n    image: app\n    securityContext: &sc{i}\n      runAsUser: 1000\n  - name: {name}b\n    image: app\n    securityContext: *sc{i}\n"
                )),
                2 => t.push_str(&format!(
                    "  - name: {name}\n    image: app\n    args:\n    - |+\n      kept\n\n"
                )),
                3 => t.push_str(&format!(
                    "  # before {name}\n  - name: {name}\n    image: app\n    securityContext:\n      capabilities:\n        add: [NET_ADMIN, SYS_TIME]\n"
                )),
                4 => t.push_str(&format!(
                    "  - name: {name}\n    image: app\n    securityContext:\n      privileged: true\n      allowPrivilegeEscalation: true\n"
                )),
                5 => t.push_str(&format!("  - image: app\n    name: {name}\n    ports:\n    - containerPort: 80\n")),
                _ => t.push_str(&format!("  - name: {name}\n    image: app\n")),
            }
        }
    }
    if g.next(2) == 0 {
        t.push_str("  securityContext:\n    runAsNonRoot: true\n");
    }
    t
}

/// Edits inside containers played on each container's text give what playing them on the whole
/// document gives: the same text, the same ranges and the same outcome for every edit.
#[test]
fn container_edits_on_their_own_equal_the_whole_document() {
    let mut g = Gen(0x2545_f491_4f6c_dd1d);
    let mut split = 0;
    for case in 0..400 {
        let text = containers_case(&mut g);
        let threshold = if g.next(2) == 0 {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        let edits = collect_edits(&analyze(&text, &Options::default(), MAX_EDITS), threshold);
        let todo: Vec<usize> = (0..edits.len())
            .filter(|&i| edits[i].skipped.is_none())
            .collect();
        let written: Written = vec![(99, 0, 10)];
        let (mut a, mut b) = (edits.clone(), edits);
        let mut whole = apply_round_with(&text, &todo, &mut a, &written, true, false);
        let mut parts = apply_round_with(&text, &todo, &mut b, &written, true, true);
        // The ranges are a set: their order does not matter.
        whole.1.sort_unstable();
        parts.1.sort_unstable();
        assert_eq!(whole, parts, "case {case}:\n{text}");
        assert_eq!(a, b, "case {case}:\n{text}");
        split += usize::from(whole.0 != text);
    }
    assert!(split > 300, "{split}");
}

/// One pod of `n` containers.
fn many_containers(n: usize) -> String {
    let mut t =
        String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: many\nspec:\n  containers:\n");
    for i in 0..n {
        t.push_str(&format!(
            "  - name: c{i}\n    image: app:1.0\n    securityContext:\n      runAsUser: 1000\n"
        ));
    }
    t
}

/// The same for one pod of many containers: each container's edits re-read that container, not
/// the whole pod (1,600 containers took 41 s when every edit re-read the pod, 0.24 s now; with
/// the containers edited in the whole pod this test reads 15.7 times as much).
#[test]
fn hardening_a_pod_reads_the_same_per_container() {
    let (small, large) = reads_linearly(many_containers);
    assert!(small >= 100, "{small} edits applied");
    // One edit of the pod itself, one per container.
    assert_eq!(large - 1, (small - 1) * 4);
}

/// A stream of documents written in many ways (comments and markers between them, a `List`, an
/// anchor, a JSON document, a document without a workload), for the test below.
fn stream_case(g: &mut Gen) -> String {
    let docs = [
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: app\n    image: app:1.0\n",
        "# a comment first\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: app:1.0\n        securityContext:\n          privileged: true\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n",
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: i0\n  spec:\n    containers:\n    - name: app\n      image: app:1.0\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: i1\n  spec:\n    containers:\n    - name: app\n      image: app:1.0\n      securityContext:\n        capabilities:\n          add: [SYS_ADMIN]\n",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: s\nspec:\n  containers:\n  - name: a\n    image: app\n    securityContext: &sc\n      runAsUser: 0\n  - name: b\n    image: app\n    securityContext: *sc\n",
        "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"j\"}, \"spec\": {\"containers\": [{\"name\": \"app\", \"image\": \"app\"}]}}\n",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: k\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n  - name: app\n    image: app\n    args:\n    - |+\n      kept\n\n",
    ];
    let separators = ["---\n", "--- # next\n", "...\n---\n", "\n---\n"];
    let mut t = String::new();
    if g.next(3) == 0 {
        t.push_str("# leading comment\n");
    }
    for i in 0..2 + g.next(4) {
        if i > 0 || g.next(2) == 0 {
            t.push_str(separators[g.next(separators.len())]);
        }
        t.push_str(docs[g.next(docs.len())]);
    }
    if g.next(4) == 0 {
        t = t.replace('\n', "\r\n");
    }
    t
}

/// A stream hardened document by document reports what the whole-text rewrite reports.
#[test]
fn a_stream_piece_by_piece_equals_the_whole_text_rewrite() {
    let mut g = Gen(0x5851_f42d_4c95_7f2d);
    let mut pieces = 0;
    for case in 0..300 {
        let text = stream_case(&mut g);
        let options = opts(if g.next(2) == 0 {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        });
        if pieces::harden(&text, &options, MAX_EDITS).is_none() {
            continue;
        }
        pieces += 1;
        same_by_pieces(&text, &options, &format!("case {case}"));
    }
    assert!(pieces > 250, "{pieces}");
}

/// A JSON `List` (`kubectl get pods -o json`) hardened item by item reports what the whole-text
/// rewrite reports.
#[test]
fn a_json_list_item_by_item_equals_the_whole_text_rewrite() {
    let text = r#"{
  "kind": "PodList",
  "apiVersion": "v1",
  "items": [
    {
      "kind": "Pod",
      "apiVersion": "v1",
      "metadata": {"name": "a"},
      "spec": {"containers": [{"name": "app", "image": "app:1.0"}]}
    },
    {
      "kind": "Pod",
      "apiVersion": "v1",
      "metadata": {"name": "b"},
      "spec": {
        "securityContext": {"runAsNonRoot": true},
        "containers": [
          {"name": "app", "image": "app:1.0", "securityContext": {"privileged": true}}
        ]
      }
    }
  ]
}
"#;
    for threshold in [Applicability::Safe, Applicability::Unsafe] {
        let options = opts(threshold);
        let by_item = same_by_pieces(text, &options, "");
        assert!(by_item.changed);
    }
}

/// The parts of [`harden_parts`], joined (a document's applied edits first, as [`harden`] lists
/// them), and whether a part said to start again.
fn joined_parts(text: &str, options: &HardenOptions) -> (Hardened, bool) {
    let mut out = String::new();
    let mut edits = Vec::new();
    let mut objects = Vec::new();
    let mut restarted = false;
    harden_parts(text, options, &mut |part| match part {
        Part::Piece(h) => {
            out.push_str(&h.text);
            edits.extend(h.edits);
            objects.extend(h.objects);
        }
        Part::Restart => {
            restarted = true;
            out.clear();
            edits.clear();
            objects.clear();
        }
    });
    crate::order::sort_by_key(&mut edits, report_order);
    let joined = Hardened {
        changed: out != text,
        text: out,
        edits,
        objects,
    };
    (joined, restarted)
}

/// A rewrite given part by part is the rewrite: for every gallery example, a `List` hardened item
/// by item, streams hardened document by document, and a `List` whose second item does not read
/// alone (its first item given, then void, then the whole text's rewrite).
#[test]
fn the_parts_of_a_rewrite_join_to_the_rewrite() {
    let mut texts: Vec<String> = crate::examples::EXAMPLES
        .iter()
        .map(|e| e.yaml.to_string())
        .collect();
    texts.push(pod_list(20));
    let mut g = Gen(0x2545_f491_4f6c_dd1d);
    texts.extend((0..40).map(|_| stream_case(&mut g)));
    for threshold in [Applicability::Safe, Applicability::Unsafe] {
        let options = opts(threshold);
        for text in &texts {
            let (joined, restarted) = joined_parts(text, &options);
            assert!(!restarted, "{text}");
            assert_eq!(joined, harden(text, &options), "{text}");
        }
    }
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\n  spec:\n    containers:\n    - name: app\n      image: &img app:1.0\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: b\n  spec:\n    containers:\n    - name: app\n      image: *img\n";
    let options = HardenOptions::default();
    let (joined, restarted) = joined_parts(text, &options);
    assert!(restarted);
    assert_eq!(joined, harden(text, &options));
}

/// A lone carriage return breaks a line, as YAML, Kubernetes' decoder and the editors count
/// lines: a stream and a `List` with some in a comment of their first piece report the lines the
/// whole-text rewrite reports.
#[test]
fn pieces_count_a_lone_carriage_return_as_a_line_break() {
    let pod = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: app\n    image: app:1.0\n    securityContext:\n      privileged: true\n"
        )
    };
    let item = |name: &str| {
        format!(
            "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: {name}\n  spec:\n    containers:\n    - name: app\n      image: app:1.0\n      securityContext:\n        privileged: true\n"
        )
    };
    let stream = format!("{}# old\r# notes\r\r# more\n---\n{}", pod("a"), pod("b"));
    let list = format!(
        "apiVersion: v1\nkind: List\nitems:\n{}  # old\r# notes\r\r# more\n{}",
        item("a"),
        item("b")
    );
    for text in [stream, list] {
        for threshold in [Applicability::Safe, Applicability::Unsafe] {
            let h = same_by_pieces(&text, &opts(threshold), "");
            assert!(h.changed, "{text}");
        }
    }
}

/// Inserted lines end as the line they follow does, in a text that mixes `\n` and `\r\n`: a
/// stray `\r\n` in one document or item no longer turns every inserted line of the text into
/// `\r\n`, and a stream or `List` rewritten piece by piece gets the breaks of the whole rewrite.
#[test]
fn inserted_lines_end_as_their_neighbours_do() {
    let pod = |name: &str, nl: &str| {
        format!(
            "apiVersion: v1{nl}kind: Pod{nl}metadata:{nl}  name: {name}{nl}spec:{nl}  containers:{nl}  - name: app{nl}    image: app:1.0{nl}    securityContext:{nl}      privileged: true{nl}"
        )
    };
    let item = |name: &str, nl: &str| {
        format!(
            "- apiVersion: v1{nl}  kind: Pod{nl}  metadata:{nl}    name: {name}{nl}  spec:{nl}    containers:{nl}    - name: app{nl}      image: app:1.0{nl}      securityContext:{nl}        privileged: true{nl}"
        )
    };
    let stream = format!("{}# a note\r\n---\n{}", pod("a", "\n"), pod("b", "\n"));
    let list = format!(
        "apiVersion: v1\nkind: List\nitems:\n{}  # a note\r\n{}",
        item("a", "\n"),
        item("b", "\n")
    );
    let crlf = format!("{}---\r\n{}", pod("a", "\r\n"), pod("b", "\r\n"));
    for text in [stream, list, crlf] {
        for threshold in [Applicability::Safe, Applicability::Unsafe] {
            let h = same_by_pieces(&text, &opts(threshold), "");
            assert!(h.changed, "{text}");
            // Every line break the rewrite added is one its input already used there.
            let added = h.text.matches("\r\n").count() - text.matches("\r\n").count();
            if text.matches("\r\n").count() == 1 {
                assert_eq!(added, 0, "{:?}", h.text);
            } else {
                assert!(
                    added > 0 && !h.text.replace("\r\n", "").contains('\n'),
                    "{:?}",
                    h.text
                );
            }
        }
    }
}

// ----- The budget of findings one rewrite reads --------------------------------------------------

/// A pod whose one container drops `n` names written with a `CAP_` prefix: `n` findings, each
/// with an (unsafe) fix of its own.
fn prefixed_capabilities(name: &str, n: usize) -> String {
    let caps: Vec<String> = (0..n).map(|i| format!("CAP_X{i}")).collect();
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  securityContext:\n    runAsNonRoot: true\n    seccompProfile: {{type: RuntimeDefault}}\n  containers:\n  - name: c\n    image: i\n    securityContext:\n      allowPrivilegeEscalation: false\n      capabilities:\n        drop: [{}]\n",
        caps.join(", ")
    )
}

/// The edits that change the text, and those that stand for findings past the budget.
fn budget_edits(h: &Hardened) -> (usize, Vec<&Edit>) {
    let fixes = h.edits.iter().filter(|e| !e.patches.is_empty()).count();
    let past = h
        .edits
        .iter()
        .filter(|e| e.title == PAST_THE_BUDGET)
        .collect();
    (fixes, past)
}

/// An object with more findings than a rewrite reads is left as it is, with one edit, never
/// applied, that says how many it has past the budget (judging edits against findings it did not
/// read would refuse good ones); a budget that holds them all fixes every one.
#[test]
fn an_object_past_the_budget_is_left_as_it_is() {
    let text = prefixed_capabilities("many", 120);
    let options = opts(Applicability::Unsafe);
    let h = harden_within(&text, &options, 50);
    let (fixes, past) = budget_edits(&h);
    assert_eq!((fixes, past.len(), h.changed), (0, 1, false));
    let why = past[0].skipped.as_deref().unwrap_or("");
    assert!(
        why.contains("findings in this object, more than the 50 that one rewrite reads"),
        "{why}"
    );
    assert!(!past[0].applied && past[0].grade == Applicability::Manual);
    // It names no check: it fixes none itself.
    assert!(past[0].checks.is_empty(), "{:?}", past[0].checks);
    // Still denied (it drops no ALL), and the notice stands for what denies it.
    let verdict = &h.objects[0];
    assert!(!verdict.after);
    // Its findings counted in full, the notice's too.
    assert!(
        verdict.findings_before >= 120,
        "{}",
        verdict.findings_before
    );
    assert_eq!(verdict.findings_after, verdict.findings_before);
    assert!(
        verdict
            .blocking
            .iter()
            .any(|b| b.message.contains("findings in this object")
                && b.why.contains("left as it is")),
        "{:?}",
        verdict.blocking
    );
    // A budget that holds them all: every one fixed, no notice.
    let all = harden(&text, &options);
    let (fixes, past) = budget_edits(&all);
    assert!(fixes >= 120 && past.is_empty(), "{fixes} {}", past.len());
    assert_eq!(all.text.matches("CAP_X").count(), 0);
}

/// An object past the budget is found so before any of its findings is held: its analysis holds
/// none with a fix, and the notice is made of the first the checks push, not of the one that
/// crossed the budget (the 51st here, far along the list's line).
#[test]
fn an_object_is_counted_before_its_findings_are_held() {
    let text = prefixed_capabilities("many", 120);
    let analysis = crate::analysis::analyze_findings(&text, &Options::default(), 50);
    let findings = &analysis.objects[0].findings;
    assert!(findings.iter().all(|f| f.fix.is_none()), "{findings:?}");
    let notices: Vec<_> = findings
        .iter()
        .filter(|f| crate::rule::is_over_budget(f))
        .collect();
    assert_eq!(notices.len(), 1);
    let list = text.lines().position(|l| l.contains("CAP_X0")).unwrap_or(0) + 1;
    let second = text
        .lines()
        .nth(list - 1)
        .and_then(|l| l.find("CAP_X1"))
        .unwrap_or(0)
        + 1;
    assert!(
        notices[0].line < list || notices[0].column < second,
        "{}:{}",
        notices[0].line,
        notices[0].column
    );
}

/// The pieces of a text share one budget: once the pieces before have used it, an object is not
/// read at all, and is left as it is with its one notice.
#[test]
fn the_pieces_of_a_text_share_the_budget() {
    let pods = ["a", "b", "c"].map(|n| prefixed_capabilities(n, 30));
    let text = pods.join("---\n");
    let options = opts(Applicability::Unsafe);
    let one = harden(&pods[0], &options).edits.len();
    let h = harden_within(&text, &options, 2 * one);
    let (fixes, past) = budget_edits(&h);
    assert!(fixes <= 2 * one, "{fixes}");
    assert_eq!(past.len(), 1, "the third pod past the budget");
    assert!(
        past[0]
            .skipped
            .as_deref()
            .is_some_and(|w| w.contains("findings in this object not read")),
        "{:?}",
        past[0].skipped
    );
    let out: Vec<&str> = h.text.split("---\n").collect();
    assert_eq!(out.len(), 3);
    assert!(
        out[0] != pods[0] && out[1] != pods[1],
        "the first two hardened"
    );
    assert_eq!(out[2], pods[2], "the third left as it is");
}
