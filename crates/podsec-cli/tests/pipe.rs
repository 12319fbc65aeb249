//! `podsec check | head`: a reader that stops early is not an error, in any format.

use std::io::Read;
use std::process::{Command, Stdio};

#[test]
fn a_closed_pipe_ends_the_output_quietly_in_every_format() {
    // Enough output that the reader closes the pipe long before podsec is done writing.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i\n    securityContext:\n      privileged: true\n";
    let text = vec![pod; 2000].join("---\n");
    let dir = std::env::temp_dir().join(format!("podsec-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("pods.yaml");
    std::fs::write(&file, text).expect("write");
    for format in ["text", "json", "sarif", "github"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_podsec"))
            .args(["check", "--no-config", "--format", format])
            .arg(&file)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run podsec");
        let mut first = [0u8; 64];
        child
            .stdout
            .take()
            .expect("stdout")
            .read_exact(&mut first)
            .expect("some output");
        // The read end is dropped here: podsec's next writes meet a closed pipe.
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.is_empty(), "{format}: {stderr}");
        // Exit 0 (the pipe closed) or 1 (podsec finished first: the pods are not admitted).
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{format}: {:?}",
            out.status
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
