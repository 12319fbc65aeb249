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

/// `analyze_each` with its reports collected: what `emit` is handed, in order, then the rest.
fn collected(text: &str, options: &Options, contexts: bool) -> Analysis {
    let mut objects = Vec::new();
    let mut rest = analyze_each(text, options, contexts, &mut |o| objects.push(o));
    assert!(
        rest.objects.is_empty(),
        "the analysis returned holds no report"
    );
    rest.objects = objects;
    rest
}

/// Namespace admission's report rebuilt from the objects' own admission, as it was built before
/// the reports were streamed (each namespace's count, strictest level and next level's changes
/// read off the reports), so the aggregates kept as objects pass are checked against it.
fn namespaces_from_reports(a: &Analysis) -> Vec<(String, usize, PssLevel, Option<Vec<String>>)> {
    let Some(report) = &a.admission else {
        return Vec::new();
    };
    report
        .namespaces
        .iter()
        .map(|n| {
            let objects: Vec<_> = a
                .objects
                .iter()
                .filter_map(|o| o.admission.as_deref())
                .filter(|o| o.namespace == n.name && o.client_error.is_none())
                .collect();
            let strictest = objects
                .iter()
                .map(|o| o.strictest_level)
                .min()
                .unwrap_or(PssLevel::Restricted);
            let next = [PssLevel::Baseline, PssLevel::Restricted]
                .into_iter()
                .find(|&l| l > strictest)
                .map(|level| {
                    objects
                        .iter()
                        .filter(|o| o.strictest_level < level)
                        .filter_map(|o| o.next_level.as_ref())
                        .flat_map(|n| n.changes.iter().map(|c| format!("{c:?}")))
                        .collect()
                });
            (n.name.clone(), objects.len(), strictest, next)
        })
        .collect()
}

fn streamed_namespaces(a: &Analysis) -> Vec<(String, usize, PssLevel, Option<Vec<String>>)> {
    a.admission.as_ref().map_or_else(Vec::new, |r| {
        r.namespaces
            .iter()
            .map(|n| {
                let changes = n
                    .next_level
                    .as_ref()
                    .map(|l| l.changes.iter().map(|c| format!("{c:?}")).collect());
                (n.name.clone(), n.objects, n.strictest_level, changes)
            })
            .collect()
    })
}

#[test]
fn reports_streamed_one_by_one_equal_the_whole_analysis() {
    let pod = |name: &str, ns: &str, extra: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  containers:\n  - name: c\n    image: nginx\n{extra}"
        )
    };
    let privileged = "    securityContext:\n      privileged: true\n";
    let namespace = |name: &str, level: &str| {
        format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n  labels:\n    pod-security.kubernetes.io/enforce: {level}\n"
        )
    };
    let texts = [
        // Namespaces after the objects they decide, and a namespace no Namespace names.
        format!(
            "{}---\n{}---\n{}---\n{}---\n{}",
            pod("a", "team", privileged),
            pod("b", "team", ""),
            pod("c", "other", ""),
            namespace("team", "restricted"),
            namespace("bad", "strict"),
        ),
        // A namespace whose strictest level drops after objects at a higher one.
        format!(
            "{}---\n{}---\n{}---\n{}",
            namespace("team", "baseline"),
            pod("a", "team", ""),
            pod("b", "team", privileged),
            pod("c", "team", ""),
        ),
        // List items, with a Namespace among them.
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: team, labels: {pod-security.kubernetes.io/warn: restricted}}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a, namespace: team}\n  spec: {containers: [{name: c, image: x, securityContext: {privileged: true}}]}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: cm}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: b}\n  spec: {containers: [{name: c, image: x}]}\n".to_string(),
        // Helm sources, a parse error and an inline ignore (and a bad one).
        format!(
            "---\n# Source: web/templates/a.yaml\n{}---\nkind: [\n---\n# Source: web/templates/b.yaml\n{}  # podsec:ignore=privileged needed for the demo\n  # podsec:ignore=runAsNonRoot\n",
            pod("a", "team", privileged),
            pod("b", "team", privileged),
        ),
        // A Namespace whose kind is written with an escape.
        "{\"apiVersion\": \"v1\", \"kind\": \"Name\\u0073pace\", \"metadata\": {\"name\": \"team\", \"labels\": {\"pod-security.kubernetes.io/enforce\": \"restricted\"}}}\n{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\", \"namespace\": \"team\"}, \"spec\": {\"containers\": [{\"name\": \"c\", \"image\": \"x\"}]}}\n".to_string(),
    ];
    let examples = crate::examples::EXAMPLES.iter().map(|e| e.yaml.to_string());
    let with_namespace = Options {
        namespace: Some("team".into()),
        ..Options::default()
    };
    let with_config = Options {
        admission_config: Some(
            "kind: PodSecurityConfiguration\ndefaults: {enforce: baseline, warn: restricted}\nexemptions: {namespaces: [other]}\n".into(),
        ),
        ..Options::default()
    };
    // The escaped Namespace is found by the pass that reads Namespaces, with no option asking.
    let escaped = analyze(&texts[4], &Options::default());
    let report = escaped.admission.as_ref().map(|r| &r.namespaces);
    assert_eq!(report.map(|n| (n.len(), n[0].line)), Some((1, Some(1))));
    let mut decided = 0;
    for text in texts.into_iter().chain(examples) {
        for options in [&Options::default(), &with_namespace, &with_config] {
            let whole = analyze(&text, options);
            assert_eq!(collected(&text, options, true), whole, "{text}");
            assert_eq!(
                collected(&text, options, false),
                analyze_verdicts(&text, options),
                "{text}"
            );
            assert_eq!(
                streamed_namespaces(&whole),
                namespaces_from_reports(&whole),
                "{text}"
            );
            decided += usize::from(whole.admission.is_some());
        }
    }
    // Most texts are decided only under the options that ask for admission; the first five hold
    // Namespaces (or an escaped one) and are decided under every options.
    assert!(
        decided >= 2 * crate::examples::EXAMPLES.len() + 15,
        "{decided}"
    );
}

/// A pod named by `generateName` is denied under the name the API server generates for it (the
/// registry names it before validating admission runs): the prefix, cut to 58 bytes, and five
/// random characters. Its namespace's enforce message names it alike.
#[test]
fn a_generated_name_is_the_denied_pod_name() {
    let pod = |meta: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{{meta}}}\nspec:\n  containers: [{{name: c, image: x, securityContext: {{privileged: true}}}}]\n"
        )
    };
    let message = |text: &str, options: &Options| {
        analyze(text, options).objects[0]
            .admission_message
            .clone()
            .unwrap_or_default()
    };
    let options = Options::default();
    assert!(
        message(&pod("generateName: web-"), &options)
            .starts_with("pods \"web-<random>\" is forbidden: violates PodSecurity"),
        "{}",
        message(&pod("generateName: web-"), &options)
    );
    // A name wins over a prefix.
    assert!(message(&pod("name: p, generateName: web-"), &options).starts_with("pods \"p\" is"));
    let long = "a".repeat(70);
    assert!(
        message(&pod(&format!("generateName: {long}")), &options)
            .starts_with(&format!("pods \"{}<random>\" is", "a".repeat(58)))
    );
    let with_namespace = Options {
        namespace: Some("team".into()),
        ..Options::default()
    };
    let text = format!(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels: {{pod-security.kubernetes.io/enforce: baseline}}\n---\n{}",
        pod("generateName: web-")
    );
    let a = analyze(&text, &with_namespace);
    let admission = a.objects[0].admission.as_ref().unwrap();
    assert!(
        admission
            .request
            .enforce
            .message
            .as_deref()
            .unwrap_or("")
            .starts_with("pods \"web-<random>\" is forbidden"),
        "{:?}",
        admission.request.enforce.message
    );
}

/// An object named only by `generateName` carries the prefix in its report (`generateName` in
/// the JSON), and is headed by the name it will get, as its message names it; an object with a
/// name carries none, and one with neither is headed `(unnamed)`.
#[test]
fn a_generated_name_heads_its_object() {
    use crate::model::{heading_name, shown_name};
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {generateName: web-}\nspec:\n  containers: [{name: c, image: x}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, generateName: web-}\nspec:\n  containers: [{name: c, image: x}]\n---\napiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: c, image: x}]\n";
    let a = analyze(text, &Options::default());
    let [generated, named, unnamed] = a.objects.as_slice() else {
        panic!("{:?}", a.objects.len());
    };
    assert_eq!(generated.generate_name.as_deref(), Some("web-"));
    assert_eq!(named.generate_name, None);
    assert_eq!(unnamed.generate_name, None);
    let json = serde_json::to_value(generated).unwrap();
    assert_eq!(json["generateName"], "web-");
    assert_eq!(json["name"], "");
    assert!(
        serde_json::to_value(named)
            .unwrap()
            .get("generateName")
            .is_none()
    );
    let heading = |o: &ObjectReport| heading_name(&o.name, o.generate_name.as_deref()).into_owned();
    assert_eq!(heading(generated), "web-<random>");
    assert_eq!(heading(named), "p");
    assert_eq!(heading(unnamed), "(unnamed)");
    assert_eq!(shown_name(&unnamed.name, None), "");
    // The rewrite's edits name their object alike.
    let hardened = crate::harden::harden(text, &crate::harden::HardenOptions::default());
    let edit = hardened
        .edits
        .iter()
        .find(|e| e.object.document == 0)
        .expect("an edit of the generated pod");
    assert_eq!(edit.object.generate_name.as_deref(), Some("web-"));
}
