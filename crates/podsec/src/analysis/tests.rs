//! Whole-text analysis tests: kinds, lists, skipped objects.

use super::*;

type Objects = Vec<(String, String, Vec<String>)>;

fn kinds(text: &str) -> (Objects, Vec<String>, Vec<String>) {
    let a = analyze(text, &Options::default());
    (
        a.objects
            .iter()
            .map(|o| {
                (
                    o.kind.clone(),
                    o.name.clone(),
                    o.containers
                        .iter()
                        .map(|c| format!("{}:{}", c.kind, c.name))
                        .collect(),
                )
            })
            .collect(),
        a.skipped.iter().map(|s| s.reason.clone()).collect(),
        a.errors
            .iter()
            .map(|e| format!("{}:{} {}", e.line, e.column, e.message))
            .collect(),
    )
}

#[test]
fn every_workload_kind() {
    let tmpl = "template:\n      spec:\n        initContainers: [{name: i}]\n        containers: [{name: c}]\n        ephemeralContainers: [{name: e}]";
    let docs = [
        ("v1", "Pod", "spec:\n  initContainers: [{name: i}]\n  containers: [{name: c}]\n  ephemeralContainers: [{name: e}]".to_string()),
        ("v1", "PodTemplate", "template:\n  spec:\n    initContainers: [{name: i}]\n    containers: [{name: c}]\n    ephemeralContainers: [{name: e}]".to_string()),
        ("v1", "ReplicationController", format!("spec:\n  {}", tmpl.replace("\n    ", "\n  "))),
        ("apps/v1", "Deployment", format!("spec:\n  {}", tmpl.replace("\n    ", "\n  "))),
        ("apps/v1", "StatefulSet", format!("spec:\n  {}", tmpl.replace("\n    ", "\n  "))),
        ("apps/v1", "DaemonSet", format!("spec:\n  {}", tmpl.replace("\n    ", "\n  "))),
        ("apps/v1", "ReplicaSet", format!("spec:\n  {}", tmpl.replace("\n    ", "\n  "))),
        ("batch/v1", "Job", format!("spec:\n  {}", tmpl.replace("\n    ", "\n  "))),
        ("batch/v1", "CronJob", format!("spec:\n  jobTemplate:\n    spec:\n      {}", tmpl.replace("\n    ", "\n      "))),
        ("batch/v1beta1", "CronJob", format!("spec:\n  jobTemplate:\n    spec:\n      {}", tmpl.replace("\n    ", "\n      "))),
    ];
    for (av, kind, body) in docs {
        let text = format!("apiVersion: {av}\nkind: {kind}\nmetadata:\n  name: x\n{body}\n");
        let (objs, skipped, errors) = kinds(&text);
        assert!(errors.is_empty(), "{kind}: {errors:?}\n{text}");
        assert!(skipped.is_empty(), "{kind}: {skipped:?}");
        assert_eq!(objs.len(), 1, "{kind}\n{text}");
        assert_eq!(
            objs[0].2,
            ["initContainer:i", "container:c", "ephemeralContainer:e"],
            "{kind}"
        );
    }
}

#[test]
fn lists_lookalikes_and_non_workloads() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n  spec: {containers: [{name: c}]}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: cm}\n---\napiVersion: apps.kruise.io/v1alpha1\nkind: DaemonSet\nmetadata: {name: k}\nspec: {template: {spec: {containers: [{name: c}]}}}\n";
    let (objs, skipped, errors) = kinds(text);
    assert!(errors.is_empty());
    assert_eq!(objs.len(), 1);
    assert_eq!(objs[0].1, "a");
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(skipped[0].contains("not a workload"));
    assert!(skipped[1].contains("another API group"), "{}", skipped[1]);
}

#[test]
fn broken_document_does_not_hide_others() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c}]}\n---\nkind: [\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec: {containers: [{name: c}]}\n";
    let (objs, _, errors) = kinds(text);
    assert_eq!(objs.len(), 2);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("7:") || errors[0].starts_with("6:"),
        "{errors:?}"
    );
}
