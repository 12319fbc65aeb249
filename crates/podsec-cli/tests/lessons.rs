//! `podsec lessons` and `podsec lesson N [FILE]`, end to end.

use std::process::{Command, Output};

fn podsec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_podsec"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run podsec")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[track_caller]
fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("podsec-lessons-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn lessons_lists_every_lesson_numbered() {
    let out = podsec(&["lessons"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    let all = podsec::lessons::all();
    assert_eq!(text.lines().count(), all.len());
    for (i, l) in all.iter().enumerate() {
        let line = text.lines().nth(i).unwrap_or("");
        assert!(
            line.trim_start().starts_with(&format!("{} ", i + 1)),
            "{line}"
        );
        assert!(line.contains(l.id) && line.contains(l.title), "{line}");
    }
}

#[test]
fn lesson_shows_the_lesson_and_its_starting_manifest() {
    let out = podsec(&["lesson", "4"]);
    assert_exit(&out, 0);
    let l = podsec::lessons::by_number(4).unwrap();
    let text = stdout(&out);
    assert!(text.contains(l.title) && text.contains(l.start), "{text}");
    let by_id = podsec(&["lesson", l.id]);
    assert_eq!(stdout(&by_id), text);
}

#[test]
fn lesson_checks_an_attempt_with_the_exit_status() {
    let l = podsec::lessons::by_number(1).unwrap();
    let start = write("start.yaml", l.start);
    let out = podsec(&["lesson", "1", start.to_str().unwrap()]);
    assert_exit(&out, 1);
    assert!(stdout(&out).contains("[ ]"), "{}", stdout(&out));

    let solved = l.start.replace(
        "    spec:\n      containers:",
        "    spec:\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n        runAsGroup: 10001\n      containers:",
    );
    let path = write("solved.yaml", &solved);
    let out = podsec(&["lesson", "1", path.to_str().unwrap()]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("Done.") && !stdout(&out).contains("[ ]"),
        "{}",
        stdout(&out)
    );

    let out = podsec(&["lesson", "1", "--format", "json", path.to_str().unwrap()]);
    assert_exit(&out, 0);
    let p: podsec::lessons::Progress = serde_json::from_str(&stdout(&out)).expect("JSON progress");
    assert!(p.done && p.lesson == l.id);

    // An empty file keeps nothing: not done.
    let empty = write("empty.yaml", "");
    assert_exit(&podsec(&["lesson", "1", empty.to_str().unwrap()]), 1);
}

#[test]
fn unknown_lessons_and_unreadable_files_exit_2() {
    assert_exit(&podsec(&["lesson", "99"]), 2);
    assert_exit(&podsec(&["lesson", "no-such-lesson"]), 2);
    assert_exit(&podsec(&["lesson"]), 2);
    assert_exit(&podsec(&["lessons", "extra"]), 2);
    assert_exit(&podsec(&["lesson", "1", "/nonexistent/attempt.yaml"]), 2);
}
