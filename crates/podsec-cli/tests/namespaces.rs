//! `podsec check` with Namespaces and an admission configuration (issue 17): what kubectl apply
//! prints, the JSON `admission` blocks, SARIF results and the exit status.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn podsec(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_podsec"))
        .args(["check", "--no-config"])
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn podsec");
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes());
    child.wait_with_output().expect("wait")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("JSON")
}

const TWO_NAMESPACES: &str = "\
apiVersion: v1
kind: Namespace
metadata:
  name: team
  labels:
    pod-security.kubernetes.io/enforce: restricted
---
apiVersion: v1
kind: Namespace
metadata:
  name: legacy
  labels:
    pod-security.kubernetes.io/enforce: privileged
    pod-security.kubernetes.io/warn: baseline
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx
---
apiVersion: v1
kind: Pod
metadata:
  name: tools
  namespace: legacy
spec:
  hostNetwork: true
  containers:
  - name: sh
    image: busybox
";

#[test]
fn text_prints_what_kubectl_apply_prints_and_the_refused_pods() {
    let out = podsec(&["--level", "privileged", "-"], TWO_NAMESPACES);
    let text = stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the web pods are refused:\n{text}"
    );
    assert!(
        text.contains("      deployment.apps/web created\n"),
        "{text}"
    );
    assert!(
        text.contains("Warning  FailedCreate  replicaset-controller  Error creating: pods \"web-<hash>-<random>\" is forbidden: violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false"),
        "{text}"
    );
    assert!(
        text.contains("      Warning: would violate PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true)\n      pod/tools created\n"),
        "{text}"
    );
    assert!(
        text.contains("to label this namespace baseline (v1.37), change these 1 field:"),
        "{text}"
    );
    assert!(
        text.contains("to label this namespace restricted (v1.37), change these 4 fields:"),
        "{text}"
    );
}

#[test]
fn json_has_an_admission_block_per_object_and_per_file() {
    let out = podsec(
        &["--level", "privileged", "--format", "json", "-"],
        TWO_NAMESPACES,
    );
    let v = json(&out);
    let file = &v["files"][0];
    let web = &file["objects"][0]["admission"];
    assert_eq!(web["namespace"], "team");
    assert_eq!(web["request"]["enforce"]["result"], "not-applied");
    assert_eq!(web["pods"]["modes"]["enforce"]["result"], "denied");
    assert_eq!(web["strictestLevel"], "baseline");
    let tools = &file["objects"][1]["admission"];
    assert_eq!(tools["request"]["warn"]["result"], "warning");
    assert_eq!(tools["request"]["enforce"]["result"], "allowed");
    let namespaces = file["admission"]["namespaces"].as_array().unwrap();
    assert_eq!(namespaces.len(), 2);
    assert_eq!(namespaces[1]["name"], "team");
    assert_eq!(
        namespaces[1]["modes"]["enforce"]["policy"],
        "restricted:latest"
    );
    assert_eq!(
        namespaces[1]["nextLevel"]["changes"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

#[test]
fn sarif_has_a_result_per_refusal_warning_and_violation() {
    let out = podsec(
        &["--level", "privileged", "--format", "sarif", "-"],
        TWO_NAMESPACES,
    );
    let v = json(&out);
    let rules: Vec<&str> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["ruleId"].as_str())
        .filter(|r| r.starts_with("namespace-"))
        .collect();
    assert_eq!(rules, ["namespace-enforce", "namespace-warn"]);
    let defined = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(defined.iter().any(|r| r["id"] == "namespace-enforce"));
}

const CONFIG: &str = "\
apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
    defaults:
      enforce: baseline
      audit: restricted
    exemptions:
      namespaces: [kube-system]
      usernames: [ops]
";

const HOST_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  containers: [{name: c, image: x}]\n";

fn config_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("podsec-ns-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("psa.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_admission_configuration_gives_defaults_and_exemptions() {
    let path = config_file("defaults", CONFIG);
    let path = path.to_str().unwrap();
    // No Namespace in the input: `default` gets the configuration's defaults.
    let out = podsec(
        &["--level", "privileged", "--admission-config", path, "-"],
        HOST_POD,
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("Error from server (Forbidden): error when creating \"-\": pods \"p\" is forbidden: violates PodSecurity \"baseline:latest\": host namespaces (hostPID=true)"), "{text}");
    assert!(text.contains("audit annotation pod-security.kubernetes.io/audit-violations=would violate PodSecurity \"restricted:latest\""), "{text}");
    // The exempt namespace and the exempt user.
    for extra in [["--namespace", "kube-system"], ["--as", "ops"]] {
        let mut args = vec!["--level", "privileged", "--admission-config", path];
        args.extend(extra);
        args.push("-");
        let out = podsec(&args, HOST_POD);
        assert_eq!(out.status.code(), Some(0), "{extra:?}: {}", stdout(&out));
        assert!(
            stdout(&out).contains("pod-security.kubernetes.io/exempt="),
            "{extra:?}"
        );
    }
}

#[test]
fn a_broken_admission_configuration_is_a_usage_error() {
    let path = config_file(
        "broken",
        "kind: PodSecurityConfiguration\ndefaults: {enforce: strict}\n",
    );
    let out = podsec(
        &["--admission-config", path.to_str().unwrap(), "-"],
        HOST_POD,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("defaults.enforce: Invalid value: \"strict\": must be one of privileged, baseline, restricted"), "{err}");
}

#[test]
fn invalid_labels_refuse_the_namespace_and_fail_closed() {
    let text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n  labels: {pod-security.kubernetes.io/enforce: Baseline}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x}]\n";
    let out = podsec(&["--level", "privileged", "-"], text);
    let text = stdout(&out);
    assert!(text.contains("kubectl apply prints: The Namespace \"default\" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"Baseline\": must be one of privileged, baseline, restricted"), "{text}");
    assert!(
        text.contains("violates PodSecurity \"restricted:latest\""),
        "enforce fails closed:\n{text}"
    );
    assert!(
        text.contains("pod-security.kubernetes.io/error=Failed to parse policy: "),
        "{text}"
    );
}

#[test]
fn without_namespaces_the_output_is_unchanged() {
    let out = podsec(&["--format", "json", "-"], HOST_POD);
    let v = json(&out);
    assert!(v["files"][0].get("admission").is_none());
    assert!(v["files"][0]["objects"][0].get("admission").is_none());
}
