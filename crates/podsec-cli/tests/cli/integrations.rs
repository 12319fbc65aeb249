//! Where people run podsec (issue 21): inline ignores reported as suppressed, `.podsec.toml`,
//! `--format github`, rendered Helm and Kustomize output grouped by source, `podsec lsp` over
//! standard input and output, and the pre-commit hook.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use super::{BAD, GOOD, Scratch, arg, assert_contains, assert_exit, json, podsec, stdout};

/// BAD with its privileged line ignored, with a reason.
fn ignored() -> String {
    BAD.replace(
        "privileged: true\n",
        "privileged: true # podsec:ignore=privileged the CNI agent configures the node\n",
    )
}

#[test]
fn ignored_findings_are_suppressed_in_json_and_sarif() {
    let text = ignored();
    let v = json(&podsec(&["check", "--format", "json", "-"], &text));
    let obj = &v["files"][0]["objects"][0];
    let findings = obj["findings"].as_array().expect("findings");
    assert!(findings.iter().all(|f| f["check"] != "privileged"), "{obj}");
    let s = obj["suppressed"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["check"] == "privileged"))
        .unwrap_or_else(|| panic!("no suppressed privileged: {obj}"));
    assert_eq!(s["line"], 12);
    assert_eq!(
        s["suppression"]["reason"],
        "the CNI agent configures the node"
    );
    assert_eq!(s["suppression"]["line"], 12);

    let v = json(&podsec(&["check", "--format", "sarif", "-"], &text));
    let results = v["runs"][0]["results"].as_array().expect("results");
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "privileged")
        .expect("the suppressed result is still listed");
    assert_eq!(r["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        r["suppressions"][0]["justification"],
        "the CNI agent configures the node"
    );
    assert!(
        results
            .iter()
            .filter(|r| r["ruleId"] != "privileged")
            .all(|r| r.get("suppressions").is_none())
    );
}

#[test]
fn ignores_decide_the_exit_status_and_need_a_reason() {
    // Privileged is the only baseline finding: ignored, the run passes at baseline.
    assert_exit(&podsec(&["check", "--level", "baseline", "-"], BAD), 1);
    let out = podsec(&["check", "--level", "baseline", "-"], &ignored());
    assert_exit(&out, 0);
    assert_contains(
        &stdout(&out),
        "-:12:25 suppressed privileged privileged: container \"app\" sets securityContext.privileged=true (ignored on line 12: the CNI agent configures the node)",
    );
    assert_contains(&stdout(&out), "1 suppressed");
    // Without a reason: the finding stays, and the comment is an error.
    let text = BAD.replace(
        "privileged: true\n",
        "privileged: true # podsec:ignore=privileged\n",
    );
    let out = podsec(&["check", "--level", "baseline", "-"], &text);
    assert_exit(&out, 1);
    assert_contains(
        &stdout(&out),
        "-:12:30: podsec:ignore=privileged needs a check ID and a reason",
    );
}

#[test]
fn podsec_toml_is_found_overridden_by_path_and_beaten_by_flags() {
    let dir = Scratch::new("config");
    std::fs::create_dir_all(dir.path("legacy")).expect("mkdir");
    dir.write(
        ".podsec.toml",
        "level = \"baseline\"\n\n[[overrides]]\npaths = [\"legacy/**\"]\nlevel = \"privileged\"\n",
    );
    dir.write("app.yaml", BAD);
    dir.write("legacy/old.yaml", BAD);
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_podsec"))
            .args(args)
            .current_dir(&dir.0)
            .env("NO_COLOR", "1")
            .output()
            .expect("run");
        (out.status.code(), json(&out))
    };
    let (code, v) = run(&["check", "--format", "json", "."]);
    assert_eq!(code, Some(1));
    let files = v["files"].as_array().expect("files");
    let level = |name: &str| {
        files
            .iter()
            .find(|f| f["path"].as_str().is_some_and(|p| p.ends_with(name)))
            .map(|f| f["level"].clone())
    };
    assert_eq!(level("app.yaml"), Some("baseline".into()));
    assert_eq!(level("old.yaml"), Some("privileged".into()));
    assert_eq!(v["level"], "baseline");
    // Flags win over the file, overrides included.
    let (_, v) = run(&[
        "check",
        "--format",
        "json",
        "--level",
        "restricted",
        "legacy",
    ]);
    assert_eq!(v["files"][0]["level"], "restricted");
    // --no-config reads nothing; --config names the file.
    let (code, v) = run(&["check", "--format", "json", "--no-config", "legacy"]);
    assert_eq!(
        (code, v["files"][0]["level"].clone()),
        (Some(1), "restricted".into())
    );
    // A mistake in the file stops the run with its name.
    dir.write("bad.toml", "levle = \"baseline\"\n");
    let out = podsec(
        &["check", "--config", arg(&dir.path("bad.toml")), "-"],
        GOOD,
    );
    assert_exit(&out, 2);
    assert_contains(&super::stderr(&out), "bad.toml is not valid");
    assert_contains(&super::stderr(&out), "unknown field `levle`");
}

#[test]
fn github_annotations() {
    let dir = Scratch::new("github");
    let file = dir.write("web.yaml", BAD);
    let out = podsec(&["check", "--format", "github", arg(&file)], "");
    assert_exit(&out, 1);
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.contains("title=podsec privileged (baseline)"))
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(
        line,
        format!(
            "::error file={},line=12,col=25,title=podsec privileged (baseline)::Deployment web: privileged: container \"app\" sets securityContext.privileged=true%0Afix (unsafe): remove securityContext.privileged",
            arg(&file)
        ),
        "{text}"
    );
    assert!(
        text.lines()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")),
        "{text}"
    );
}

/// What `helm template` prints for a chart with two templates, and a Kustomize build with origin
/// annotations.
const RENDERED: &str = "---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
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
---
# Source: web/templates/job.yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: app:1.0
---
apiVersion: v1
kind: Pod
metadata:
  name: debug
  annotations:
    config.kubernetes.io/origin: |
      path: overlays/dev/debug-pod.yaml
spec:
  containers:
    - name: shell
      image: busybox
";

#[test]
fn rendered_output_is_grouped_by_source() {
    let out = podsec(&["check", "-"], RENDERED);
    let text = stdout(&out);
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} is not in:\n{text}"))
    };
    assert!(at("from web/templates/deployment.yaml") < at("Deployment web (line 3)"));
    assert!(at("Deployment web (line 3)") < at("from web/templates/job.yaml"));
    assert!(at("from web/templates/job.yaml") < at("Job migrate (line 17)"));
    assert!(at("from overlays/dev/debug-pod.yaml") < at("Pod debug (line 29)"));

    let v = json(&podsec(&["check", "--format", "json", "-"], RENDERED));
    let sources: Vec<&str> = v["files"][0]["objects"]
        .as_array()
        .expect("objects")
        .iter()
        .map(|o| o["source"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(
        sources,
        [
            "web/templates/deployment.yaml",
            "web/templates/job.yaml",
            "overlays/dev/debug-pod.yaml"
        ]
    );

    let v = json(&podsec(&["check", "--format", "sarif", "-"], RENDERED));
    let results = v["runs"][0]["results"].as_array().expect("results");
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "privileged")
        .expect("privileged");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"]["startLine"],
        14
    );
    let related = r["relatedLocations"].as_array().expect("related");
    assert!(
        related
            .iter()
            .any(|l| l["physicalLocation"]["artifactLocation"]["uri"]
                == "web/templates/deployment.yaml"),
        "{related:?}"
    );
    assert_eq!(r["properties"]["source"], "web/templates/deployment.yaml");
}

/// One LSP message with its Content-Length header.
fn frame(body: &serde_json::Value) -> Vec<u8> {
    let body = body.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

fn read_message(r: &mut impl BufRead) -> serde_json::Value {
    let mut len = 0;
    loop {
        let mut line = String::new();
        r.read_line(&mut line).expect("header");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            len = n.parse().expect("length");
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).expect("body");
    serde_json::from_slice(&body).expect("JSON")
}

/// The real binary speaks LSP on standard input and output: initialize, a document's diagnostics,
/// shutdown and exit with status 0.
#[test]
fn lsp_over_stdio() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_podsec"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut input = child.stdin.take().expect("stdin");
    let mut output = BufReader::new(child.stdout.take().expect("stdout"));
    let send = |input: &mut std::process::ChildStdin, v: serde_json::Value| {
        input.write_all(&frame(&v)).expect("write");
        input.flush().expect("flush");
    };
    send(
        &mut input,
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    );
    let init = read_message(&mut output);
    assert_eq!(init["result"]["serverInfo"]["name"], "podsec");
    send(
        &mut input,
        serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    send(
        &mut input,
        serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": "file:///tmp/web.yaml", "languageId": "yaml", "version": 1, "text": BAD}
        }}),
    );
    let diags = read_message(&mut output);
    assert_eq!(diags["method"], "textDocument/publishDiagnostics");
    assert!(
        diags["params"]["diagnostics"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["code"] == "privileged")),
        "{diags}"
    );
    send(
        &mut input,
        serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}),
    );
    assert_eq!(read_message(&mut output)["id"], 2);
    send(
        &mut input,
        serde_json::json!({"jsonrpc": "2.0", "method": "exit", "params": null}),
    );
    drop(input);
    assert!(child.wait().expect("wait").success());
}

/// The repository's `.pre-commit-hooks.yaml`, run by pre-commit itself (`pre-commit try-repo`)
/// against a sample repository. Needs `pre-commit` (PyPI) on PATH; without it the test says so
/// and passes, as the corpus tests do without ../shared.
#[test]
fn pre_commit_hook() {
    let Ok(version) = Command::new("pre-commit").arg("--version").output() else {
        eprintln!("skipped: pre-commit is not installed (pip install pre-commit)");
        return;
    };
    eprintln!("{}", String::from_utf8_lossy(&version.stdout).trim());
    let hooks_repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let sample = Scratch::new("pre-commit");
    let home = Scratch::new("pre-commit-home");
    let bin = Path::new(env!("CARGO_BIN_EXE_podsec"))
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(&sample.0)
            .output()
            .expect("git");
        assert!(out.status.success(), "git {args:?}: {out:?}");
    };
    git(&["init", "-q"]);
    std::fs::create_dir_all(sample.path("k8s")).expect("mkdir");
    sample.write("k8s/good.yaml", GOOD);
    sample.write("README.md", "sample\n");
    git(&["add", "."]);
    let run = |files: &[&str]| {
        let mut cmd = Command::new("pre-commit");
        cmd.args([
            "try-repo",
            arg(&hooks_repo),
            "podsec",
            "--verbose",
            "--files",
        ])
        .args(files)
        .current_dir(&sample.0)
        .env("PATH", &path)
        .env("PRE_COMMIT_HOME", &home.0)
        .env("NO_COLOR", "1")
        .env("GIT_AUTHOR_NAME", "podsec test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "podsec test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid");
        cmd.output().expect("pre-commit")
    };
    let out = run(&["k8s/good.yaml", "README.md"]);
    assert_exit(&out, 0);
    assert_contains(&stdout(&out), "podsec check");
    assert_contains(&stdout(&out), "Passed");

    sample.write("k8s/bad.yaml", BAD);
    git(&["add", "."]);
    let out = run(&["k8s/good.yaml", "k8s/bad.yaml"]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert_contains(&text, "Failed");
    assert_contains(&text, "k8s/bad.yaml:12:25 baseline privileged");
}
