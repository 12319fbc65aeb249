//! Namespace admission tests: each mode, exemption and version boundary.

use super::*;
use crate::analysis::{Analysis, analyze};

fn run(text: &str, options: &Options) -> Analysis {
    analyze(text, options)
}

fn ns(name: &str, labels: &str) -> String {
    format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n  labels:\n{labels}---\n")
}

const BAD_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: team\nspec:\n  containers:\n  - name: c\n    image: nginx\n";

/// Privileged and unrestricted: fails baseline and restricted.
const PRIVILEGED_DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: team\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: nginx\n        securityContext:\n          privileged: true\n";

fn object<'a>(a: &'a Analysis, name: &str) -> &'a ObjectAdmission {
    a.objects
        .iter()
        .find(|o| o.name == name)
        .and_then(|o| o.admission.as_ref())
        .unwrap()
}

#[test]
fn no_namespace_and_no_configuration_means_no_admission_block() {
    let a = run(BAD_POD, &Options::default());
    assert!(a.admission.is_none());
    assert!(a.objects[0].admission.is_none());
}

#[test]
fn enforce_refuses_a_pod_as_the_api_server_words_it() {
    let text = format!(
        "{}{BAD_POD}",
        ns(
            "team",
            "    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/enforce-version: v1.30\n"
        )
    );
    let a = run(
        &format!(
            "{}{PRIVILEGED_DEPLOY}",
            text.replace(
                "image: nginx\n",
                "image: nginx\n    securityContext: {privileged: true}\n---\n"
            )
        ),
        &Options::default(),
    );
    let p = object(&a, "p");
    assert_eq!(p.request.enforce.result, Decision::Denied);
    assert_eq!(
        p.request.enforce.message.as_deref(),
        Some(
            "pods \"p\" is forbidden: violates PodSecurity \"baseline:v1.30\": privileged (container \"c\" must not set securityContext.privileged=true)"
        )
    );
    assert_eq!(
        p.request.annotations["pod-security.kubernetes.io/enforce-policy"],
        "baseline:v1.30"
    );
    assert_eq!(p.request.warn.result, Decision::NotEvaluated);
    assert_eq!(
        kubectl_lines(&a.objects[0], "app.yaml"),
        [
            "Error from server (Forbidden): error when creating \"app.yaml\": pods \"p\" is forbidden: violates PodSecurity \"baseline:v1.30\": privileged (container \"c\" must not set securityContext.privileged=true)"
        ]
    );
}

#[test]
fn a_deployment_is_admitted_and_its_pods_are_refused() {
    let text = format!(
        "{}{PRIVILEGED_DEPLOY}",
        ns("team", "    pod-security.kubernetes.io/enforce: baseline\n")
    );
    let a = run(&text, &Options::default());
    let d = object(&a, "web");
    assert_eq!(d.request.enforce.result, Decision::NotApplied);
    assert_eq!(
        d.request.warn.result,
        Decision::Allowed,
        "warn is privileged by default"
    );
    assert_eq!(
        kubectl_lines(&a.objects[0], "f"),
        ["deployment.apps/web created"]
    );
    let pods = d.pods.as_ref().unwrap();
    assert_eq!(pods.controller, "replicaset-controller");
    assert_eq!(
        pods.username,
        "system:serviceaccount:kube-system:replicaset-controller"
    );
    assert!(pods.modes.refused());
    assert_eq!(
        pods.event.as_deref(),
        Some(
            "Warning  FailedCreate  replicaset-controller  Error creating: pods \"web-<hash>-<random>\" is forbidden: violates PodSecurity \"baseline:latest\": privileged (container \"c\" must not set securityContext.privileged=true)"
        )
    );
}

#[test]
fn warn_and_audit_apply_to_workloads_and_pods() {
    let text = format!(
        "{}{PRIVILEGED_DEPLOY}",
        ns(
            "team",
            "    pod-security.kubernetes.io/warn: baseline\n    pod-security.kubernetes.io/audit: restricted\n    pod-security.kubernetes.io/audit-version: v1.24\n"
        )
    );
    let a = run(&text, &Options::default());
    let d = object(&a, "web");
    assert_eq!(d.request.warn.result, Decision::Warning);
    let warning = "would violate PodSecurity \"baseline:latest\": privileged (container \"c\" must not set securityContext.privileged=true)";
    assert_eq!(d.request.warn.message.as_deref(), Some(warning));
    assert_eq!(
        kubectl_lines(&a.objects[0], "f"),
        [
            format!("Warning: {warning}"),
            "deployment.apps/web created".into()
        ]
    );
    assert_eq!(d.request.audit.result, Decision::Violation);
    let audit = &d.request.annotations["pod-security.kubernetes.io/audit-violations"];
    assert!(
        audit.starts_with("would violate PodSecurity \"restricted:v1.24\": privileged"),
        "{audit}"
    );
    assert!(
        !d.request
            .annotations
            .contains_key("pod-security.kubernetes.io/enforce-policy")
    );
    let pods = d.pods.as_ref().unwrap();
    assert_eq!(pods.modes.enforce.result, Decision::Allowed);
    assert_eq!(pods.modes.warn.result, Decision::Warning);
    assert_eq!(
        pods.modes.annotations["pod-security.kubernetes.io/enforce-policy"],
        "privileged:latest"
    );
}

#[test]
fn a_privileged_namespace_short_cuts_without_annotations() {
    let a = run(
        &format!(
            "{}{BAD_POD}",
            ns(
                "team",
                "    pod-security.kubernetes.io/enforce: privileged\n"
            )
        ),
        &Options::default(),
    );
    let p = object(&a, "p");
    assert_eq!(p.request.enforce.result, Decision::Allowed);
    assert!(p.request.annotations.is_empty());
}

const CONFIG: &str = "kind: PodSecurityConfiguration\ndefaults: {enforce: restricted}\nexemptions:\n  namespaces: [kube-system]\n  runtimeClasses: [kata]\n  usernames: [ops, 'system:serviceaccount:kube-system:job-controller']\n";

fn with_config(extra: impl FnOnce(&mut Options)) -> Options {
    let mut o = Options {
        admission_config: Some(CONFIG.into()),
        ..Options::default()
    };
    extra(&mut o);
    o
}

#[test]
fn configuration_defaults_apply_to_unlabelled_namespaces() {
    let a = run(BAD_POD, &with_config(|_| ()));
    let p = object(&a, "p");
    assert_eq!(p.request.enforce.result, Decision::Denied);
    assert!(
        p.request
            .enforce
            .message
            .as_deref()
            .unwrap()
            .contains("\"restricted:latest\"")
    );
    let report = a.admission.as_ref().unwrap();
    let team = report.namespaces.iter().find(|n| n.name == "team").unwrap();
    assert_eq!(team.modes.enforce.from, "default");
    assert_eq!(team.line, None);
}

#[test]
fn a_namespace_exemption_skips_every_mode() {
    let a = run(
        &BAD_POD.replace("namespace: team", "namespace: kube-system"),
        &with_config(|_| ()),
    );
    let p = object(&a, "p");
    for m in Mode::ALL {
        assert_eq!(p.request.of(m).result, Decision::Exempt);
    }
    assert_eq!(
        p.request.annotations["pod-security.kubernetes.io/exempt"],
        "namespace"
    );
}

#[test]
fn a_user_exemption_covers_the_user_not_the_controller() {
    let options = with_config(|o| o.username = Some("ops".into()));
    let p = run(BAD_POD, &options);
    assert_eq!(object(&p, "p").request.enforce.result, Decision::Exempt);
    let d = run(
        &PRIVILEGED_DEPLOY.replace("privileged: true", "privileged: false"),
        &options,
    );
    let d = object(&d, "web");
    assert_eq!(d.request.warn.result, Decision::Exempt);
    assert!(
        d.pods.as_ref().unwrap().modes.refused(),
        "the replicaset controller is not exempt"
    );
    // A Job's pods are created by the job controller, which this configuration exempts.
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j, namespace: team}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: x}]\n";
    let j = run(job, &options);
    assert_eq!(
        object(&j, "j").pods.as_ref().unwrap().modes.enforce.result,
        Decision::Exempt
    );
}

#[test]
fn a_runtime_class_exemption_applies_after_the_privileged_short_cut() {
    let kata = BAD_POD.replace("spec:\n", "spec:\n  runtimeClassName: kata\n");
    let a = run(&kata, &with_config(|_| ()));
    let p = object(&a, "p");
    assert_eq!(p.request.enforce.result, Decision::Exempt);
    assert_eq!(
        p.request.annotations["pod-security.kubernetes.io/exempt"],
        "runtimeClass"
    );
    // In an all-privileged namespace there is nothing to exempt and no annotation.
    let text = format!(
        "{}{kata}",
        ns(
            "team",
            "    pod-security.kubernetes.io/enforce: privileged\n"
        )
    );
    let a = run(&text, &with_config(|_| ()));
    let p = object(&a, "p");
    assert_eq!(p.request.enforce.result, Decision::Allowed);
    assert!(p.request.annotations.is_empty());
}

#[test]
fn invalid_labels_fail_closed_for_enforce_and_refuse_the_namespace() {
    let text = format!(
        "{}{}",
        ns(
            "team",
            "    pod-security.kubernetes.io/enforce: strict\n    pod-security.kubernetes.io/warn: loud\n"
        ),
        BAD_POD
    );
    let a = run(&text, &Options::default());
    let p = object(&a, "p");
    assert_eq!(p.request.enforce.policy, "restricted:latest");
    assert_eq!(p.request.enforce.result, Decision::Denied);
    assert_eq!(p.request.warn.policy, "privileged:latest");
    let error = &p.request.annotations["pod-security.kubernetes.io/error"];
    assert!(error.starts_with("Failed to parse policy: [metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\""), "{error}");
    let team = &a.admission.as_ref().unwrap().namespaces[0];
    assert_eq!(
        team.create_error.as_deref(),
        Some(
            "The Namespace \"team\" is invalid: \n* metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\": must be one of privileged, baseline, restricted\n* metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: \"loud\": must be one of privileged, baseline, restricted"
        )
    );
}

#[test]
fn each_label_pins_its_own_version() {
    // runAsUser: 0 is restricted only from v1.23; everything else here is restricted-clean.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: team}\nspec:\n  securityContext: {runAsNonRoot: true, runAsUser: 0, seccompProfile: {type: RuntimeDefault}}\n  containers:\n  - name: c\n    image: x\n    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n";
    let labels = "    pod-security.kubernetes.io/enforce: restricted\n    pod-security.kubernetes.io/enforce-version: v1.22\n    pod-security.kubernetes.io/warn: restricted\n    pod-security.kubernetes.io/warn-version: v1.23\n";
    let a = run(&format!("{}{pod}", ns("team", labels)), &Options::default());
    let p = object(&a, "p");
    assert_eq!(p.request.enforce.result, Decision::Allowed);
    assert_eq!(p.request.warn.result, Decision::Warning);
    assert!(
        p.request
            .warn
            .message
            .as_deref()
            .unwrap()
            .starts_with("would violate PodSecurity \"restricted:v1.23\": runAsUser=0")
    );
}

#[test]
fn latest_follows_the_cluster_version() {
    // A probe host is baseline only from policy v1.34.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: team}\nspec:\n  containers:\n  - name: c\n    image: x\n    readinessProbe: {tcpSocket: {host: 10.0.0.1, port: 80}}\n";
    let text = format!(
        "{}{pod}",
        ns("team", "    pod-security.kubernetes.io/enforce: baseline\n")
    );
    for (kube, refused) in [(33, false), (34, true)] {
        let a = run(
            &text,
            &Options {
                kube_minor: Some(kube),
                ..Options::default()
            },
        );
        let p = object(&a, "p");
        assert_eq!(p.request.enforce.evaluated, format!("v1.{kube}"));
        assert_eq!(
            p.request.enforce.result == Decision::Denied,
            refused,
            "1.{kube}"
        );
        assert_eq!(p.request.enforce.policy, "baseline:latest");
    }
}

#[test]
fn objects_without_a_namespace_go_to_default_or_the_option() {
    let pod = BAD_POD.replace("  namespace: team\n", "");
    let a = run(
        &format!(
            "{}{pod}",
            ns(
                "default",
                "    pod-security.kubernetes.io/enforce: restricted\n"
            )
        ),
        &Options::default(),
    );
    assert_eq!(object(&a, "p").namespace, "default");
    assert_eq!(object(&a, "p").namespace_from, "default");
    let a = run(
        &pod,
        &Options {
            namespace: Some("dev".into()),
            ..Options::default()
        },
    );
    assert_eq!(object(&a, "p").namespace, "dev");
    assert_eq!(object(&a, "p").namespace_from, "option");
    // An object that names another namespace than --namespace is refused by kubectl itself.
    let a = run(
        BAD_POD,
        &Options {
            namespace: Some("dev".into()),
            ..Options::default()
        },
    );
    let p = object(&a, "p");
    assert!(
        p.client_error
            .as_deref()
            .unwrap()
            .contains("--namespace=team")
    );
    assert!(
        kubectl_lines(&a.objects[0], "f")[0]
            .starts_with("error: the namespace from the provided object \"team\"")
    );
}

#[test]
fn the_strictest_level_and_what_the_next_one_asks() {
    let clean = "apiVersion: v1\nkind: Pod\nmetadata: {name: ok, namespace: team}\nspec:\n  containers: [{name: c, image: x}]\n";
    let text = format!(
        "{}{BAD_POD}---\n{clean}---\n{PRIVILEGED_DEPLOY}",
        ns("team", "    pod-security.kubernetes.io/enforce: baseline\n")
    );
    let a = run(&text, &Options::default());
    assert_eq!(object(&a, "ok").strictest_level, PssLevel::Baseline);
    assert_eq!(object(&a, "web").strictest_level, PssLevel::Privileged);
    let next = object(&a, "web").next_level.as_ref().unwrap();
    assert_eq!(next.level, PssLevel::Baseline);
    assert_eq!(next.changes.len(), 1);
    assert_eq!(
        next.changes[0].path,
        "spec.template.spec.containers[0].securityContext.privileged"
    );
    let team = &a.admission.as_ref().unwrap().namespaces[0];
    assert_eq!(team.objects, 3);
    assert_eq!(team.strictest_level, PssLevel::Privileged);
    let next = team.next_level.as_ref().unwrap();
    assert_eq!(next.label, "pod-security.kubernetes.io/enforce=baseline");
    assert_eq!(
        next.changes
            .iter()
            .map(|c| c.object.as_str())
            .collect::<Vec<_>>(),
        ["Deployment/web"]
    );
}

#[test]
fn two_namespaces_are_decided_apart() {
    let text = format!(
        "{}{}{}---\n{}",
        ns(
            "team",
            "    pod-security.kubernetes.io/enforce: restricted\n"
        ),
        ns(
            "legacy",
            "    pod-security.kubernetes.io/enforce: privileged\n    pod-security.kubernetes.io/warn: baseline\n"
        ),
        BAD_POD,
        PRIVILEGED_DEPLOY.replace("namespace: team", "namespace: legacy"),
    );
    let a = run(&text, &Options::default());
    assert!(object(&a, "p").request.refused());
    let web = object(&a, "web");
    assert_eq!(web.request.warn.result, Decision::Warning);
    assert!(!web.pods.as_ref().unwrap().modes.refused());
    let names: Vec<&str> = a
        .admission
        .as_ref()
        .unwrap()
        .namespaces
        .iter()
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(names, ["legacy", "team"]);
    assert!(
        a.skipped.is_empty(),
        "Namespaces are not skipped objects: {:?}",
        a.skipped
    );
}

#[test]
fn a_broken_configuration_is_reported_and_not_used() {
    let a = run(
        BAD_POD,
        &Options {
            admission_config: Some(
                "kind: PodSecurityConfiguration\ndefaults: {enforce: nope}\n".into(),
            ),
            ..Options::default()
        },
    );
    let report = a.admission.as_ref().unwrap();
    assert_eq!(report.config_errors.len(), 1);
    assert_eq!(object(&a, "p").request.enforce.result, Decision::Allowed);
}

#[test]
fn the_admission_blocks_survive_the_json_round_trip() {
    let text = format!(
        "{}{BAD_POD}---\n{PRIVILEGED_DEPLOY}",
        ns("team", "    pod-security.kubernetes.io/enforce: strict\n")
    );
    let a = run(&text, &with_config(|o| o.username = Some("ops".into())));
    let json = serde_json::to_string(&a).unwrap();
    let back: Analysis = serde_json::from_str(&json).unwrap();
    assert_eq!(back.admission, a.admission);
    assert_eq!(back.objects[1].admission, a.objects[1].admission);
}

#[test]
fn the_cheap_look_for_namespaces_misses_none_and_skips_prose() {
    // Each spelling of a Namespace's kind, as a whole Namespace the analysis reads.
    let head = "apiVersion: v1\nmetadata: {name: team}\n";
    let namespaces = [
        format!("{head}kind: Namespace\n"),
        format!("{head}kind: Namespace"),
        format!("{head}kind: Namespace  # the team's\n"),
        format!("{head}kind: Namespace\r\n"),
        format!("{head}kind: 'Namespace'\n"),
        format!("x: {{&k Namespace: 1}}\n{head}kind: *k\n"),
        format!("{head}kind: \"Name\\u0073pace\"\n"),
        format!("{head}kind: \"Name\\x73pace\"\n"),
        format!("{head}kind: \"Name\\\n  space\"\n"),
        format!("{head}kind: !!binary TmFtZXNwYWNl\n"),
        format!("{head}kind: !!bin%61ry TmFtZXNwYWNl\n"),
        format!("{head}kind: !<tag:yaml.org,2002:binary> TmFtZXNwYWNl\n"),
        "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"team\"}}".to_string(),
        "{\"apiVersion\": \"v1\", \"kind\": \"Name\\u0073pace\", \"metadata\": {\"name\": \"team\"}}".to_string(),
        "apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: Namespace, metadata: {name: team}}]\n".to_string(),
    ];
    for text in &namespaces {
        assert!(may_hold_namespace(text), "{text}");
        let a = run(text, &Options::default());
        let names = a
            .admission
            .map(|r| r.namespaces.into_iter().map(|n| n.name).collect());
        assert_eq!(
            names,
            Some(vec!["team".to_string()]),
            "{text}: {:?}",
            a.errors
        );
    }
    for text in [
        "description: the Namespace of the object, or nothing.\n",
        "pattern: ^[a-z]\\.[0-9]+$\n",
        "# see https://example.com/Namespaces\nkind: Pod\n",
        "message: done! 50% of it\n",
        "spec: {shareProcessNamespace: true}\nvolumeNamespace: x\n",
    ] {
        assert!(!may_hold_namespace(text), "{text}");
    }
}
