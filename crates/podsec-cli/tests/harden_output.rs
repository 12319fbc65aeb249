//! The report of `podsec harden` on standard error: every fix offered, applied or not and why not,
//! and what still stops each object after the rewrite (the rewrite's `blocking` findings) and why
//! the rewrite left it, in the plain mode and with `--diff`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn podsec(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_podsec"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn podsec");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The report's lines, in order.
fn lines(out: &Output) -> Vec<String> {
    stderr(out).lines().map(str::to_string).collect()
}

/// Asserts that `want` appear in `lines` in this order (other lines may come between).
#[track_caller]
fn assert_in_order(lines: &[String], want: &[&str]) {
    let mut at = 0;
    for w in want {
        match lines.iter().skip(at).position(|l| l == w) {
            Some(i) => at += i + 1,
            None => panic!("{w:?} is not in (after line {at}):\n{}", lines.join("\n")),
        }
    }
}

/// A privileged container adding capabilities: safe fixes apply, unsafe ones wait.
const PRIVILEGED: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx
    securityContext:
      privileged: true
      capabilities:
        add: [SYS_ADMIN, NET_RAW]
";

/// runAsNonRoot beside runAsUser 0: the kubelet refuses the pod, and no fix can choose the UID.
const ROOT_USER: &str = "apiVersion: v1
kind: Pod
metadata:
  name: root
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 0
  containers:
  - name: app
    image: nginx
";

#[test]
fn fixes_not_applied_say_why() {
    let out = podsec(&["harden", "-"], PRIVILEGED);
    let report = lines(&out);
    assert_in_order(
        &report,
        &[
            "-: [safe] set seccompProfile.type: RuntimeDefault (applied)",
            "-: [unsafe] remove securityContext.privileged (not applied: below the threshold)",
            "-: [unsafe] remove SYS_ADMIN from securityContext.capabilities.add (not applied: below the threshold)",
        ],
    );
    // Every fix left out gives its reason.
    assert!(
        report
            .iter()
            .filter(|l| l.starts_with("-: ["))
            .all(|l| l.ends_with("(applied)") || l.contains("(not applied: ")),
        "{report:#?}"
    );

    // With --unsafe the capability removals meet the safe removal of the whole capabilities.
    let out = podsec(&["harden", "--unsafe", "-"], PRIVILEGED);
    assert_in_order(
        &lines(&out),
        &[
            "-: [unsafe] remove securityContext.privileged (applied)",
            "-: [unsafe] remove NET_RAW from securityContext.capabilities.add (not applied: conflicts with \"remove securityContext.capabilities\", applied first)",
        ],
    );
}

#[test]
fn what_still_stops_an_object_is_listed_with_why() {
    let out = podsec(&["harden", "-"], PRIVILEGED);
    assert_in_order(
        &lines(&out),
        &[
            "-: Pod web (line 1) is still stopped after the rewrite:",
            "-:   baseline privileged (line 10, container app): Pod Security Admission denies it: privileged: container \"app\" sets securityContext.privileged=true",
            "-:     left because its fix (\"remove securityContext.privileged\") is unsafe and was not asked for: device access, mounts and kernel or network configuration that the container performs stop working",
            "-:   restricted runAsNonRoot (line 7, container app): Pod Security Admission denies it: runAsNonRoot != true: neither the pod nor container \"app\" sets securityContext.runAsNonRoot=true",
        ],
    );

    let out = podsec(&["harden", "--unsafe", "-"], ROOT_USER);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_in_order(
        &lines(&out),
        &[
            "-: [manual] set runAsUser to a non-zero UID (not applied: needs a decision by a person)",
            "-: Pod root (line 1) is still stopped after the rewrite:",
            "-:   refused run-as-non-root-with-root-user (line 8, container app): the kubelet or runtime refuses it: container \"app\" has runAsNonRoot (from the pod) and runAsUser 0: the kubelet refuses to start it with \"container's runAsUser breaks non-root policy\"",
            "-:     left because there is no automatic fix: a person must change the manifest",
            "-:   restricted runAsUser (line 8): Pod Security Admission denies it: runAsUser=0: the pod sets securityContext.runAsUser=0",
        ],
    );
}

#[test]
fn nothing_is_listed_when_the_rewrite_clears_the_object() {
    let out = podsec(&["harden", "--unsafe", "-"], PRIVILEGED);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = stderr(&out);
    assert!(!report.contains("still stopped"), "{report}");
    assert!(!report.contains("left because"), "{report}");
}

#[test]
fn diff_mode_reports_on_stderr_and_keeps_stdout_a_diff() {
    let plain = podsec(&["harden", "-"], PRIVILEGED);
    let diff = podsec(&["harden", "--diff", "-"], PRIVILEGED);
    assert!(
        stdout(&diff).starts_with("--- a/-\n+++ b/-\n"),
        "{}",
        stdout(&diff)
    );
    assert!(!stdout(&diff).contains("not applied"), "{}", stdout(&diff));
    assert!(
        !stdout(&diff).contains("still stopped"),
        "{}",
        stdout(&diff)
    );
    // The same report as without --diff.
    assert_eq!(stderr(&diff), stderr(&plain));
    assert!(stderr(&diff).contains("-: Pod web (line 1) is still stopped after the rewrite:"));
}

#[test]
fn an_unnamed_object_is_called_unnamed() {
    // A pasted snippet without `metadata.name`: the report says so instead of leaving a gap.
    let snippet = PRIVILEGED.replace("metadata:\n  name: web\n", "");
    let out = podsec(&["harden", "-"], &snippet);
    assert_in_order(
        &lines(&out),
        &["-: Pod (unnamed) (line 1) is still stopped after the rewrite:"],
    );
    let out = podsec(&["check", "-"], &snippet);
    assert!(
        stdout(&out)
            .lines()
            .any(|l| l == "  Pod (unnamed) (line 1): denied at restricted:latest"),
        "{}",
        stdout(&out)
    );
    // One object is not "1 objects".
    let summary = stdout(&out).lines().last().unwrap_or_default().to_string();
    assert!(summary.starts_with("1 object, 1 denied, "), "{summary}");
    assert!(summary.ends_with(" findings"), "{summary}");
}

/// A document that does not parse is left as it is, and the report says why at its place in the
/// user's text (not the rewrite's, whose edits above it moved its lines), with the error's help;
/// the exit status is 2 when nothing else stops.
#[test]
fn a_document_that_does_not_parse_is_named_with_its_help() {
    let broken = "a:\n  b: 1\n c: 2\n";
    let out = podsec(&["harden", "-"], broken);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), broken);
    assert_in_order(
        &lines(&out),
        &[
            "podsec: -:3:2: while parsing a block mapping, did not find expected key (left as it is)",
            "  help: Line 3 starts at column 2, to the left of line 2 (column 3) but to the right of line 1 (column 1). A key must start exactly at the column of the others in its block: move it to column 3 to continue the block of line 2, or to column 1 to start a sibling of line 1.",
        ],
    );
    // After a pod the rewrite lengthens, the broken document is still named at its own line.
    let text = format!("{PRIVILEGED}---\na: [\n");
    let line = text.lines().count() + 1;
    let out = podsec(&["harden", "--unsafe", "-"], &text);
    assert!(stdout(&out).lines().count() > text.lines().count());
    assert!(
        lines(&out).iter().any(|l| l
            == &format!(
                "podsec: -:{line}:1: while parsing a node, did not find expected node content (left as it is)"
            )),
        "{}",
        stderr(&out)
    );
}
