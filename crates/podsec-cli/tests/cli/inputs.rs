//! Reading inputs (issue 15) and the exit status for CI (issue 14): bounded reads, encodings, the
//! directory walk, per-file errors and their precedence.

use std::process::{Command, Stdio};

use super::{
    BAD, GOOD, Scratch, arg, assert_contains, assert_exit, json, podsec, podsec_bytes, stderr,
    stdout,
};

/// The paths of the files a JSON report covers, in order, each with its first error if any.
fn files(v: &serde_json::Value) -> Vec<(String, Option<String>)> {
    v["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            let path = f["path"].as_str().expect("path");
            let name = path.rsplit('/').next().unwrap_or(path).to_string();
            (name, f["errors"][0]["message"].as_str().map(str::to_string))
        })
        .collect()
}

#[test]
fn issue_15_endless_standard_input_is_refused_after_the_limit() {
    let zero = std::fs::File::open("/dev/zero").expect("/dev/zero");
    let out = Command::new(env!("CARGO_BIN_EXE_podsec"))
        .args(["check", "-"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::from(zero))
        .output()
        .expect("run");
    assert_exit(&out, 2);
    let text = stdout(&out);
    assert_contains(
        &text,
        "-:1:1: too large: more than 32 MiB (podsec reads at most 32 MiB)",
    );
}

#[test]
fn issue_15_non_utf8_input_names_the_first_bad_byte() {
    let mut bytes = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: caf".to_vec();
    bytes.extend_from_slice(b"\xe9\n");
    let out = podsec_bytes(&["check", "-"], &bytes);
    assert_exit(&out, 2);
    assert_contains(
        &stdout(&out),
        "-:4:12: not UTF-8 text: byte 0xe9 at offset 46 (line 4, column 12)",
    );
    let out = podsec_bytes(&["check", "-"], b"\xff\xfea\x00");
    assert_contains(&stdout(&out), "looks like UTF-16");
}

#[test]
fn issue_15_per_file_errors_do_not_stop_a_directory() {
    let dir = Scratch::new("inputs-errors");
    dir.write("a-good.yaml", GOOD);
    dir.write("b-latin1.yaml", b"name: caf\xe9\n");
    std::fs::File::create(dir.path("c-huge.yaml"))
        .and_then(|f| f.set_len(33 * 1024 * 1024))
        .expect("sparse file");
    std::os::unix::fs::symlink("missing.yaml", dir.path("d-dangling.yaml")).expect("symlink");
    let fifo = Command::new("mkfifo")
        .arg(dir.path("e-fifo.yaml"))
        .status()
        .expect("mkfifo");
    assert!(fifo.success());
    dir.write("f-good.yml", GOOD);
    let out = podsec(&["check", "--format", "json", arg(&dir.0)], "");
    let v = json(&out);
    let found = files(&v);
    let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "a-good.yaml",
            "b-latin1.yaml",
            "c-huge.yaml",
            "d-dangling.yaml",
            "e-fifo.yaml",
            "f-good.yml"
        ]
    );
    let errors: Vec<Option<&str>> = found.iter().map(|(_, e)| e.as_deref()).collect();
    assert_eq!(errors[0], None);
    assert!(errors[1].is_some_and(|e| e.starts_with("not UTF-8 text: byte 0xe9 at offset 9")));
    assert!(errors[2].is_some_and(|e| e.starts_with("too large: 33 MiB")));
    assert!(errors[3].is_some_and(|e| e.contains("No such file")));
    assert!(errors[4].is_some_and(|e| e.contains("not a regular file")));
    assert_eq!(errors[5], None);
    assert_eq!(v["files"][5]["objects"][0]["name"], "good");
    // Errors, and nothing denied.
    assert_exit(&out, 2);
}

#[test]
fn issue_15_two_self_links_end_and_each_directory_is_read_once() {
    let dir = Scratch::new("inputs-loop");
    std::os::unix::fs::symlink(".", dir.path("a")).expect("symlink");
    std::os::unix::fs::symlink(".", dir.path("b")).expect("symlink");
    std::fs::create_dir(dir.path("sub")).expect("mkdir");
    std::os::unix::fs::symlink("..", dir.path("sub/up")).expect("symlink");
    std::os::unix::fs::symlink("../sub", dir.path("sub/again")).expect("symlink");
    dir.write("pod.yaml", GOOD);
    dir.write("sub/deployment.yaml", BAD);
    let out = podsec(&["check", "--format", "json", arg(&dir.0)], "");
    let names: Vec<String> = files(&json(&out)).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["pod.yaml", "deployment.yaml"]);
    assert_exit(&out, 1);
}

#[test]
fn a_denial_wins_over_an_unreadable_file() {
    let dir = Scratch::new("inputs-precedence");
    dir.write("bad.yaml", BAD);
    dir.write("latin1.yaml", b"name: caf\xe9\n");
    let out = podsec(&["check", arg(&dir.0)], "");
    assert_exit(&out, 1);
    assert!(stdout(&out).ends_with(", 1 error\n"), "{}", stdout(&out));
    let out = podsec(&["harden", arg(&dir.path("latin1.yaml"))], "");
    assert_exit(&out, 2);
    assert_contains(&stderr(&out), "latin1.yaml:1:10: not UTF-8 text");
}

/// A pod that passes baseline but that the API server rejects: `runAsUser: -1`.
const NEGATIVE_UID: &str = "apiVersion: v1
kind: Pod
metadata:
  name: neg
spec:
  containers:
    - name: app
      image: app:1.0
      securityContext:
        runAsUser: -1
";

#[test]
fn issue_14_an_object_the_api_server_rejects_fails_check() {
    let out = podsec(&["check", "--level", "baseline", "-"], NEGATIVE_UID);
    assert_exit(&out, 1);
    assert_contains(
        &stdout(&out),
        "Pod neg (line 1): admitted at baseline:latest, but the API server rejects it",
    );
    assert_contains(&stdout(&out), "1 rejected or refused");
    let valid = NEGATIVE_UID.replace("runAsUser: -1", "runAsUser: 1000");
    assert_eq!(
        podsec(&["check", "--level", "baseline", "-"], &valid)
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn issue_14_an_object_the_kubelet_refuses_fails_check() {
    let refused = NEGATIVE_UID.replace("runAsUser: -1", "runAsUser: 0\n        runAsNonRoot: true");
    let out = podsec(&["check", "--level", "baseline", "-"], &refused);
    assert_exit(&out, 1);
    assert_contains(&stdout(&out), "but the kubelet or runtime refuses it");
}

#[test]
fn control_characters_from_the_input_never_reach_the_terminal() {
    let pod = GOOD.replace("name: good", "name: \"x\\e]0;owned\\a\"");
    let out = podsec(&["check", "-"], &pod);
    let text = stdout(&out);
    assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
    assert_contains(&text, "Pod x\\u{1b}]0;owned\\u{7}");
}

#[test]
fn a_closed_standard_output_is_not_a_panic() {
    for args in [&["--help"][..], &["explain", "privileged"], &["check", "-"]] {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let mut child = Command::new(env!("CARGO_BIN_EXE_podsec"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(writer)
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let _ = std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), GOOD.as_bytes());
        let out = child.wait_with_output().expect("wait");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(out.stderr.is_empty(), "{args:?}: {}", stderr(&out));
    }
}
