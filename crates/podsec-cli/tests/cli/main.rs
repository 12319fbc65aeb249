//! The command line, end to end: exit codes, the JSON contract, SARIF, harden --write.
//!
//! `inputs.rs` covers reading (bounds, encodings, the directory walk), `write.rs` the file
//! replacement of `harden --write`.

mod inputs;
mod integrations;
mod write;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn podsec(args: &[&str], stdin: &str) -> Output {
    podsec_bytes(args, stdin.as_bytes())
}

fn podsec_bytes(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_podsec"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn podsec");
    // A usage error exits before reading standard input: a broken pipe here is expected.
    let _ = child.stdin.take().expect("stdin").write_all(stdin);
    child.wait_with_output().expect("wait")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Asserts the exit status, showing both outputs when it differs.
fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
}

/// Asserts that `text` contains `part`, showing the text when it does not.
fn assert_contains(text: &str, part: &str) {
    assert!(text.contains(part), "{part:?} is not in:\n{text}");
}

/// A fresh directory of the test's own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("podsec-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write");
        path
    }

    /// The names in the directory, sorted.
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

const GOOD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: good
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: app:1.0
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop: [ALL]
";

const BAD: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1.0
          securityContext:
            privileged: true
";

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// A syntax error's help follows its message in every format: its own line in text, `help` in
/// the JSON, and after the message where one text carries both (GitHub, SARIF).
#[test]
fn a_syntax_error_comes_with_its_help() {
    let text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: c\n    image: x\n   securityContext: {}\n";
    let want = "Line 7 starts at column 4, to the left of line 6 (column 5)";
    let out = podsec(&["check", "--no-config", "-"], text);
    assert_exit(&out, 2);
    let printed = stdout(&out);
    let error = printed
        .lines()
        .position(|l| l.contains("error -:7:4: while parsing a block mapping"))
        .unwrap_or_else(|| panic!("{printed}"));
    assert!(
        printed
            .lines()
            .nth(error + 1)
            .is_some_and(|l| l.starts_with("    help: ") && l.contains(want)),
        "{printed}"
    );
    let j = json(&podsec(
        &["check", "--no-config", "--format", "json", "-"],
        text,
    ));
    assert_contains(
        j["files"][0]["errors"][0]["help"].as_str().unwrap_or(""),
        want,
    );
    for format in ["github", "sarif"] {
        let out = podsec(&["check", "--no-config", "--format", format, "-"], text);
        assert_contains(&stdout(&out), want);
    }
}

#[test]
fn exit_codes() {
    assert_eq!(podsec(&["check", "-"], GOOD).status.code(), Some(0));
    assert_eq!(podsec(&["check", "-"], BAD).status.code(), Some(1));
    assert_eq!(podsec(&["check", "-"], "a: [\n").status.code(), Some(2));
    assert_eq!(
        podsec(&["check", "--level", "nope", "-"], GOOD)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        podsec(&["check", "--version", "v1.05", "-"], GOOD)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        podsec(&["check", "--level", "privileged", "-"], BAD)
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn json_contract() {
    let out = podsec(
        &["check", "--format", "json", "--version", "v1.30", "-"],
        BAD,
    );
    let v = json(&out);
    assert_eq!(v["allowed"], false);
    assert_eq!(v["level"], "restricted");
    assert_eq!(v["version"], "v1.30");
    let file = &v["files"][0];
    assert_eq!(file["path"], "-");
    assert!(file["errors"].as_array().is_some_and(Vec::is_empty));
    let obj = &file["objects"][0];
    for key in [
        "kind",
        "name",
        "namespace",
        "document",
        "line",
        "allowed",
        "findings",
        "containers",
    ] {
        assert!(obj.get(key).is_some(), "object lacks {key}: {obj}");
    }
    assert_eq!(obj["kind"], "Deployment");
    assert_eq!(obj["name"], "web");
    assert_eq!(obj["allowed"], false);
    let f = obj["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["check"] == "privileged")
        .expect("privileged finding");
    for key in [
        "check",
        "pss",
        "level",
        "message",
        "container",
        "line",
        "column",
    ] {
        assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
    }
    assert_eq!(f["pss"], true);
    assert_eq!(f["level"], "baseline");
    assert_eq!(f["container"], "app");
    assert_eq!(f["line"], 12);
    let c = &obj["containers"][0];
    assert_eq!(c["name"], "app");
    assert_eq!(c["type"], "container");
    assert_eq!(c["line"], 9);
    assert!(c["effective"].is_object(), "{c}");
}

#[test]
fn sarif_is_2_1_0_with_regions() {
    let out = podsec(&["check", "--format", "sarif", "-"], BAD);
    let v = json(&out);
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().expect("results");
    assert!(!results.is_empty());
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "privileged")
        .expect("privileged result");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"]["startLine"],
        12
    );
    let rules = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let idx = usize::try_from(r["ruleIndex"].as_u64().expect("ruleIndex")).expect("index");
    assert_eq!(rules[idx]["id"], "privileged");
}

#[test]
fn text_output_and_explain() {
    let out = podsec(&["check", "-"], BAD);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Deployment web (line 1): denied at restricted:latest"),
        "{text}"
    );
    assert!(!text.contains('\x1b'), "NO_COLOR must disable colour");
    let out = podsec(&["explain", "privileged"], "");
    assert_exit(&out, 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("privileged"));
    assert!(
        text.contains("[Try it in the playground](http://127.0.0.1:8080/#"),
        "{text}"
    );
    let out = podsec(
        &[
            "explain",
            "privileged",
            "--playground",
            "https://example.org/podsec/",
        ],
        "",
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("[Try it in the playground](https://example.org/podsec/#")
    );
    assert_eq!(
        podsec(&["explain", "no-such-check"], "").status.code(),
        Some(2)
    );
    let out = podsec(&["checks"], "");
    assert!(String::from_utf8_lossy(&out.stdout).lines().count() >= 19);
}

#[test]
fn directories_and_harden_write() {
    let dir = Scratch::new("dirs");
    std::fs::create_dir_all(dir.path("sub")).expect("mkdir");
    let file = dir.write("sub/pod.yaml", format!("# keep me\n{GOOD}"));
    dir.write("notes.txt", "not yaml");
    let v = json(&podsec(&["check", "--format", "json", arg(&dir.0)], ""));
    assert_eq!(v["files"].as_array().map(Vec::len), Some(1), "{v}");
    dir.write(
        "sub/pod.yaml",
        format!(
            "# keep me\n{}",
            GOOD.replace("    seccompProfile:\n      type: RuntimeDefault\n", "")
        ),
    );
    let out = podsec(&["harden", "--write", arg(&file)], "");
    assert_exit(&out, 0);
    let after = std::fs::read_to_string(&file).expect("read");
    assert!(after.starts_with("# keep me\n"), "{after}");
    assert!(after.contains("RuntimeDefault"), "{after}");
}

#[test]
fn effective_table() {
    let out = podsec(&["effective", "-"], GOOD);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_exit(&out, 0);
    assert!(text.contains("runAsNonRoot"), "{text}");
    assert!(text.contains("pod"), "{text}");
}

/// A merge key after an explicit key overrides it, as Kubernetes' decoder applies `<<` in text
/// order: this pod is privileged, so baseline denies it (podsec once said admitted).
#[test]
fn a_late_merge_key_makes_the_pod_privileged() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: i\n    securityContext: {privileged: false, <<: {privileged: true}}\n";
    let out = podsec(&["check", "--level", "baseline", "-"], pod);
    assert_exit(&out, 1);
    assert_contains(&stdout(&out), "privileged");
    let decoded = podsec(&["decode", "-"], pod);
    assert_exit(&decoded, 0);
    assert_contains(
        &stdout(&decoded),
        r#""securityContext":{"privileged":true}"#,
    );
}

#[test]
fn decode_reports_what_kubernetes_cannot_read() {
    let out = podsec(&["decode", "-"], "a: !!int 12abc\n---\nb: 0X1F\n");
    assert_exit(&out, 2);
    let text = stdout(&out);
    assert_contains(&text, "cannot decode !!str `12abc` as a !!int");
    assert_contains(&text, r#""json":{"b":31}"#);
}
