//! `podsec check` with one input prints each object as the analysis makes it; with several inputs
//! it analyses them in parallel and prints each whole. Both must say the same of a file: here one
//! file alone against the same file followed by an empty one, in every format, with the same exit
//! status.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn podsec(format: &str, files: &[&Path]) -> (String, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_podsec"))
        .args(["check", "--no-config", "--format", format])
        .args(files)
        .env("NO_COLOR", "1")
        .output()
        .expect("run podsec");
    (
        String::from_utf8(out.stdout).expect("UTF-8"),
        out.status.code(),
    )
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("JSON")
}

/// The inputs: a Namespace with workloads (namespace admission), a broken document between Helm
/// sources, a `List`, and corpus files with Helm `# Source:` comments when `../shared` is there.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("temp dir");
    let texts = [
        (
            "namespaces.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/warn: restricted\n    pod-security.kubernetes.io/audit: nope\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: team}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: x, securityContext: {privileged: true}}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: team}\nspec:\n  containers: [{name: c, image: x}]\n",
        ),
        (
            "broken.yaml",
            "---\n# Source: chart/templates/a.yaml\napiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: x}]}\n---\nkind: [\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec: {containers: [{name: c, image: x, securityContext: {privileged: true}}]}\n---\n# Source: chart/templates/c.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n",
        ),
        (
            "list.yaml",
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n  spec: {containers: [{name: c, image: x}]}\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: d}\n  spec: {template: {spec: {hostNetwork: true, containers: [{name: c, image: x}]}}}\n",
        ),
    ];
    let mut paths: Vec<PathBuf> = texts
        .iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            std::fs::write(&path, text).expect("write");
            path
        })
        .collect();
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/files");
    for file in [
        "istio/samples__addons__kiali.yaml",
        "calico/manifests__tigera-operator.yaml",
        "argo-cd/manifests__ha__base__redis-ha__chart__upstream.yaml",
    ] {
        let path = corpus.join(file);
        if path.is_file() {
            paths.push(path);
        } else {
            println!("skipped: {file} (../shared/corpus not found)");
        }
    }
    paths
}

#[test]
fn one_input_streamed_says_what_the_parallel_path_says() {
    let dir = std::env::temp_dir().join(format!("podsec-stream-{}", std::process::id()));
    let files = inputs(&dir);
    let empty = dir.join("empty.yaml");
    std::fs::write(&empty, "").expect("write");
    for file in &files {
        let name = file.display();
        let alone = |format| podsec(format, &[file]);
        let beside = |format| podsec(format, &[file, &empty]);

        let ((one, one_code), (two, two_code)) = (alone("json"), beside("json"));
        assert_eq!(one_code, two_code, "{name}");
        let (one, two) = (json(&one), json(&two));
        assert_eq!(one["files"][0], two["files"][0], "{name}");
        assert_eq!(one["files"].as_array().map(Vec::len), Some(1), "{name}");
        for key in ["allowed", "level", "version", "requestedVersion"] {
            assert_eq!(one[key], two[key], "{name} {key}");
        }
        // The parallel path prints the empty file's name after the file's lines, before the
        // summary, which says the same.
        let ((one, one_code), (two, two_code)) = (alone("text"), beside("text"));
        assert_eq!(one_code, two_code, "{name}");
        let mut two: Vec<&str> = two.lines().collect();
        let header = two.len().checked_sub(2).expect("lines");
        assert_eq!(two.remove(header), empty.display().to_string(), "{name}");
        assert_eq!(one.lines().collect::<Vec<_>>(), two, "{name}");

        assert_eq!(alone("github"), beside("github"), "{name}");
        let ((one, one_code), (two, two_code)) = (alone("sarif"), beside("sarif"));
        assert_eq!(one_code, two_code, "{name}");
        assert_eq!(json(&one), json(&two), "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
