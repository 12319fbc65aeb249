//! `harden --write` replaces files as careful tools do (issue 15): through links, never through a
//! planted temporary name, keeping mode, owner and hard links, refusing read-only files unless
//! forced, and leaving no temporary file behind.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use super::{GOOD, Scratch, arg, assert_contains, assert_exit, podsec, stderr};

/// GOOD without its seccomp profile: `harden` adds it back with a safe edit.
fn unhardened() -> String {
    GOOD.replace("    seccompProfile:\n      type: RuntimeDefault\n", "")
}

/// What `podsec harden` prints for the unhardened pod.
fn hardened() -> String {
    let out = podsec(&["harden", "-"], &unhardened());
    assert_exit(&out, 0);
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert_contains(&text, "RuntimeDefault");
    text
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read")
}

fn write_file(path: &Path) -> std::process::Output {
    podsec(&["harden", "--write", arg(path)], "")
}

#[test]
fn issue_15_a_symlink_is_written_through_and_stays_a_link() {
    let dir = Scratch::new("write-link");
    let target = dir.write("real.yaml", unhardened());
    let link = dir.path("link.yaml");
    std::os::unix::fs::symlink("real.yaml", &link).expect("symlink");
    let out = write_file(&link);
    assert_exit(&out, 0);
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("lstat")
            .file_type()
            .is_symlink()
    );
    assert_eq!(read(&target), hardened());
    assert_eq!(dir.names(), ["link.yaml", "real.yaml"]);
}

#[test]
fn issue_15_a_link_planted_at_the_old_temporary_name_is_not_followed() {
    let dir = Scratch::new("write-planted");
    let victim = dir.write("victim.txt", "precious\n");
    let file = dir.write("pod.yaml", unhardened());
    let planted = dir.path(".pod.yaml.podsec.tmp");
    std::os::unix::fs::symlink(&victim, &planted).expect("symlink");
    let out = write_file(&file);
    assert_exit(&out, 0);
    assert_eq!(read(&victim), "precious\n");
    assert_eq!(read(&file), hardened());
    assert_eq!(
        std::fs::read_link(&planted).expect("still a link"),
        victim,
        "the planted link is left alone"
    );
    assert_eq!(
        dir.names(),
        [".pod.yaml.podsec.tmp", "pod.yaml", "victim.txt"]
    );
}

#[test]
fn issue_15_mode_is_kept_exactly_even_bits_the_umask_would_clear() {
    let dir = Scratch::new("write-mode");
    for mode in [0o640, 0o666, 0o600] {
        let file = dir.write("pod.yaml", unhardened());
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).expect("chmod");
        let out = write_file(&file);
        assert_exit(&out, 0);
        let meta = std::fs::metadata(&file).expect("stat");
        assert_eq!(meta.mode() & 0o7777, mode, "mode {mode:o}");
        assert_eq!(read(&file), hardened());
    }
    assert_eq!(dir.names(), ["pod.yaml"]);
}

#[test]
fn issue_15_owner_and_group_are_kept() {
    let dir = Scratch::new("write-owner");
    let file = dir.write("pod.yaml", unhardened());
    // As root the file is given to another owner first, so that keeping it is visible; otherwise
    // it keeps the tester's own, which a careless rewrite would keep too.
    let _ = std::os::unix::fs::chown(&file, Some(4321), Some(4321));
    let before = std::fs::metadata(&file).expect("stat");
    let out = write_file(&file);
    assert_exit(&out, 0);
    let after = std::fs::metadata(&file).expect("stat");
    assert_eq!(
        (after.uid(), after.gid()),
        (before.uid(), before.gid()),
        "owner"
    );
    assert_ne!(after.ino(), before.ino(), "replaced by a rename");
    assert_eq!(read(&file), hardened());
}

#[test]
fn issue_15_hard_linked_files_are_refused_and_left_alone() {
    let dir = Scratch::new("write-hardlink");
    let file = dir.write("pod.yaml", unhardened());
    let other = dir.path("other.yaml");
    std::fs::hard_link(&file, &other).expect("link");
    let out = write_file(&file);
    assert_exit(&out, 2);
    assert_contains(&stderr(&out), "has 2 hard links");
    assert_eq!(read(&file), unhardened());
    assert_eq!(
        std::fs::metadata(&other).expect("stat").ino(),
        std::fs::metadata(&file).expect("stat").ino(),
        "still one file"
    );
    assert_eq!(dir.names(), ["other.yaml", "pod.yaml"]);
}

#[test]
fn issue_15_read_only_files_need_force() {
    let dir = Scratch::new("write-readonly");
    let file = dir.write("pod.yaml", unhardened());
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let out = write_file(&file);
    assert_exit(&out, 2);
    assert_contains(&stderr(&out), "is read-only (mode 0444)");
    assert_eq!(read(&file), unhardened());
    let out = podsec(&["harden", "--write", "--force", arg(&file)], "");
    assert_exit(&out, 0);
    assert_eq!(read(&file), hardened());
    let mode = std::fs::metadata(&file).expect("stat").mode() & 0o7777;
    assert_eq!(mode, 0o444, "still read-only");
    assert_eq!(dir.names(), ["pod.yaml"]);
    assert_eq!(
        podsec(&["harden", "--force", arg(&file)], "").status.code(),
        Some(2),
        "--force without --write is a usage error"
    );
}

#[test]
fn issue_15_concurrent_runs_leave_one_whole_file() {
    let dir = Scratch::new("write-concurrent");
    let file = dir.write("pod.yaml", unhardened());
    let children: Vec<_> = (0..6)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_podsec"))
                .args(["harden", "--write", arg(&file)])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        // A run that finds the file replaced since it read it refuses rather than overwrite.
        let err = stderr(&out);
        assert!(
            out.status.code() == Some(0)
                || (out.status.code() == Some(2) && err.contains("changed")),
            "{:?}: {err}",
            out.status
        );
    }
    assert_eq!(read(&file), hardened());
    assert_eq!(dir.names(), ["pod.yaml"]);
}

#[test]
fn a_file_that_needs_no_change_is_not_rewritten() {
    let dir = Scratch::new("write-unchanged");
    let file = dir.write("pod.yaml", hardened());
    let before = std::fs::metadata(&file).expect("stat").ino();
    let out = write_file(&file);
    assert_exit(&out, 0);
    assert_eq!(std::fs::metadata(&file).expect("stat").ino(), before);
}
