//! Tests of the reading diagnostics.

use crate::model::Options;

fn check(text: &str) -> Vec<String> {
    let a = crate::analyze(text, &Options::default());
    assert!(a.errors.is_empty(), "{:?}", a.errors);
    a.objects
        .iter()
        .flat_map(|o| o.findings.iter())
        .filter(|f| super::CHECKS.iter().any(|c| c.id == f.check))
        .map(|f| format!("{}:{} {} {}", f.line, f.column, f.check, f.message))
        .collect()
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n";

#[test]
fn type_errors() {
    let got = check(&format!(
        "{POD}  containers:\n  - name: app\n    securityContext:\n      runAsUser: \"1000\"\n      capabilities: {{add: NET_ADMIN}}\n      privileged: \"true\"\n"
    ));
    assert_eq!(
        got,
        [
            "9:18 invalid-type json: cannot unmarshal string into Go struct field SecurityContext.spec.containers.securityContext.runAsUser of type int64; write the number without quotes",
            "10:27 invalid-type json: cannot unmarshal string into Go struct field Capabilities.spec.containers.securityContext.capabilities.add of type []v1.Capability; write a list, e.g. [NET_BIND_SERVICE] or one `- item` per line",
            "11:19 invalid-type json: cannot unmarshal string into Go struct field SecurityContext.spec.containers.securityContext.privileged of type bool; write true or false without quotes",
        ]
    );
}

#[test]
fn unknown_fields_with_suggestions() {
    let got = check(&format!(
        "{POD}  securityContext:\n    runAsNonroot: true\n  containers:\n  - name: app\n    securityContext:\n      readOnlyRootFileSystem: true\n    securityContexts: {{}}\n    image: x\n"
    ));
    assert_eq!(
        got,
        [
            "7:5 unknown-field strict decoding error: unknown field \"spec.securityContext.runAsNonroot\"; did you mean \"runAsNonRoot\"?",
            "11:7 unknown-field strict decoding error: unknown field \"spec.containers[0].securityContext.readOnlyRootFileSystem\"; did you mean \"readOnlyRootFilesystem\"?",
            "12:5 unknown-field strict decoding error: unknown field \"spec.containers[0].securityContexts\"; did you mean \"securityContext\"?",
        ]
    );
}

#[test]
fn container_fields_at_pod_level() {
    let got = check(&format!(
        "{POD}  securityContext:\n    privileged: false\n    allowPrivilegeEscalation: false\n    readOnlyRootFilesystem: true\n    capabilities: {{drop: [ALL]}}\n    procMount: Default\n  containers:\n  - name: app\n"
    ));
    assert_eq!(got.len(), 5, "{got:?}");
    assert!(
        got[1].starts_with(
            "8:5 container-field-at-pod-level allowPrivilegeEscalation is a container-level field"
        ),
        "{}",
        got[1]
    );
    assert!(got[1].contains("set securityContext.allowPrivilegeEscalation in each container"));
}

#[test]
fn duplicate_keys_both_positions() {
    let a = crate::analyze(
        &format!(
            "{POD}  securityContext:\n    runAsUser: 0\n    runAsUser: 1000\n  containers:\n  - name: app\n"
        ),
        &Options::default(),
    );
    let f = a.objects[0]
        .findings
        .iter()
        .find(|f| f.check == "duplicate-key")
        .unwrap();
    assert_eq!(f.line, 8);
    assert_eq!(f.related[0].line, 7);
    assert!(f.message.contains("line 8 applies"), "{}", f.message);
}

#[test]
fn yaml11_values_warned() {
    let got = check(&format!(
        "{POD}  hostNetwork: off\n  securityContext:\n    runAsNonRoot: yes\n  containers:\n  - name: app\n"
    ));
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got.iter()
            .any(|g| g.starts_with("8:19 yaml11-value `yes`") && g.contains("the boolean true")),
        "{got:?}"
    );
}

#[test]
fn clean_pod_has_no_reading_findings() {
    let got = check(&format!(
        "{POD}  hostNetwork: false\n  securityContext:\n    runAsNonRoot: true\n    sysctls: [{{name: a, value: \"1\"}}]\n  containers:\n  - name: app\n    image: x\n    ports: [{{containerPort: 80}}]\n    securityContext: {{capabilities: {{drop: [ALL]}}, runAsUser: 1000}}\n"
    ));
    assert!(got.is_empty(), "{got:?}");
}
