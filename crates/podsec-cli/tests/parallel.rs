//! Files are analysed in parallel, one thread per core: the output must not depend on it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn podsec(args: &[&str], files: &[PathBuf], one_core: bool) -> Output {
    let mut command = if one_core {
        // `taskset` leaves the process one core, so `available_parallelism` is 1 and the run is
        // serial: the reference the parallel run must equal.
        let mut c = Command::new("taskset");
        c.args(["-c", "0"]).arg(env!("CARGO_BIN_EXE_podsec"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_podsec"))
    };
    command
        .args(args)
        .args(files)
        .env("NO_COLOR", "1")
        .output()
        .expect("run podsec")
}

/// A pod with `containers` containers, each with findings, so that files differ in size and time.
fn pod(name: &str, containers: usize) -> String {
    let mut text =
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n");
    for i in 0..containers {
        text.push_str(&format!(
            "  - name: c{i}\n    image: app:{i}\n    securityContext:\n      privileged: true\n      capabilities:\n        add: [NET_ADMIN, CAP_SYS_TIME]\n"
        ));
    }
    text
}

/// Twelve files, the largest first (so that, run in parallel, it finishes after the others), one
/// unreadable and one that does not parse.
fn files(dir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("temp dir");
    let mut out = Vec::new();
    for i in 0..10 {
        let path = dir.join(format!("pod{i:02}.yaml"));
        std::fs::write(&path, pod(&format!("p{i}"), if i == 0 { 400 } else { i })).expect("write");
        out.push(path);
    }
    let broken = dir.join("broken.yaml");
    std::fs::write(&broken, "kind: [\n").expect("write");
    out.push(broken);
    out.push(dir.join("missing.yaml"));
    out
}

#[test]
fn parallel_output_equals_the_serial_output_in_input_order() {
    if Command::new("taskset").arg("--version").output().is_err() {
        eprintln!("skipped: taskset (util-linux) is not installed");
        return;
    }
    let dir = std::env::temp_dir().join(format!("podsec-parallel-{}", std::process::id()));
    let files = files(&dir);
    for args in [
        &["check", "--format", "json"][..],
        &["check", "--format", "sarif"],
        &["check"],
        &["effective"],
    ] {
        let parallel = podsec(args, &files, false);
        let serial = podsec(args, &files, true);
        assert_eq!(parallel.status.code(), serial.status.code(), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&parallel.stdout),
            String::from_utf8_lossy(&serial.stdout),
            "{args:?}"
        );
    }
    // Input order: the paths of the JSON report are the arguments, in order.
    let out = podsec(&["check", "--format", "json"], &files, false);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let paths: Vec<&str> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["path"].as_str().expect("path"))
        .collect();
    let given: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    assert_eq!(paths, given);
    let _ = std::fs::remove_dir_all(&dir);
}
