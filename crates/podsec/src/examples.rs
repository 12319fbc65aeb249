//! The playground's example gallery, and the choices and labels its controls offer.
//!
//! Everything the web app shows about Kubernetes comes from the core; this module holds the
//! manifests of the gallery and the vocabulary of the toolbar and the panels (levels, versions,
//! runtimes, headings), so that the UI has no Kubernetes knowledge of its own.

use crate::model::{FindingLevel, MAX_KNOWN_MINOR, PssLevel, Runtime, Source, Version};

/// One manifest of the gallery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    /// A stable identifier (kebab-case), used in the UI and in tests.
    pub id: &'static str,
    /// The title shown in the gallery.
    pub title: &'static str,
    /// What it shows, in one sentence.
    pub about: &'static str,
    /// The manifest.
    pub yaml: &'static str,
}

/// The example shown on first load: a carefully hardened pod that restricted still denies.
pub const SEED: Example = Example {
    id: "seed-hardened-pod",
    title: "Hardened pod, one setting short of restricted",
    about: "A carefully hardened pod: non-root, no privilege escalation, read-only root, capabilities dropped; restricted still wants a seccomp profile.",
    yaml: r#"apiVersion: v1
kind: Pod
metadata:
  name: secure-app
spec:
  # Every container runs as user 1000, never as root.
  securityContext:
    runAsNonRoot: true
    runAsUser: 1000
    fsGroup: 2000
  containers:
    - name: app
      image: myapp:1.0
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop: ["ALL"]
          add: ["NET_BIND_SERVICE"] # Only to listen on a port below 1024.
"#,
};

/// Every example, in gallery order.
pub const EXAMPLES: &[Example] = &[
    SEED,
    Example {
        id: "nothing-set",
        title: "Pod with nothing set",
        about: "No securityContext at all: see what the runtime and the image decide.",
        yaml: r#"apiVersion: v1
kind: Pod
metadata:
  name: plain
spec:
  containers:
    - name: web
      image: nginx:1.27
"#,
    },
    Example {
        id: "privileged-daemonset",
        title: "Privileged DaemonSet with host namespaces",
        about: "A node agent: privileged, host network, PID and IPC, and the node's filesystem mounted.",
        yaml: r#"apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  namespace: kube-system
spec:
  selector:
    matchLabels:
      app: node-agent
  template:
    metadata:
      labels:
        app: node-agent
    spec:
      hostNetwork: true
      hostPID: true
      hostIPC: true
      containers:
        - name: agent
          image: example/agent:2.3
          securityContext:
            privileged: true
          volumeMounts:
            - name: host-root
              mountPath: /host
      volumes:
        - name: host-root
          hostPath:
            path: /
"#,
    },
    Example {
        id: "container-overrides-pod",
        title: "Deployment: a container overrides the pod",
        about: "The pod asks for non-root; one container switches it off and runs as root.",
        yaml: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: front
          image: example/front:1.4
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: ["ALL"]
        - name: legacy
          image: example/legacy:0.9
          securityContext:
            runAsNonRoot: false
            runAsUser: 0
"#,
    },
    Example {
        id: "cronjob",
        title: "CronJob",
        about: "The pod template sits three levels down, in spec.jobTemplate.spec.template.",
        yaml: r#"apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: example/report:3.1
              securityContext:
                allowPrivilegeEscalation: false
"#,
    },
    Example {
        id: "multi-document",
        title: "Several documents with a Service",
        about: "A Service and a ConfigMap are skipped; the Deployment between them is analysed.",
        yaml: r#"apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: api
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: example/api:5.0
          ports:
            - containerPort: 8080
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-settings
data:
  LOG_LEVEL: info
"#,
    },
    Example {
        id: "two-namespaces",
        title: "Two namespaces: restricted and baseline",
        about: "Namespace admission: a namespace that enforces restricted and one that enforces baseline and warns at restricted, with what kubectl apply prints for each workload.",
        yaml: TWO_NAMESPACES,
    },
    Example {
        id: "windows-pod",
        title: "Windows pod",
        about: "With spec.os.name windows, Linux-only fields and checks do not apply.",
        yaml: r#"apiVersion: v1
kind: Pod
metadata:
  name: iis
spec:
  os:
    name: windows
  securityContext:
    runAsNonRoot: true
    windowsOptions:
      runAsUserName: ContainerUser
  containers:
    - name: iis
      image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022
"#,
    },
    Example {
        id: "user-namespace",
        title: "Pod in a user namespace (hostUsers: false)",
        about: "Root inside the pod maps to an unprivileged user on the node.",
        yaml: r#"apiVersion: v1
kind: Pod
metadata:
  name: userns
spec:
  hostUsers: false
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: example/app:1.0
      securityContext:
        runAsUser: 0
        allowPrivilegeEscalation: false
        capabilities:
          drop: ["ALL"]
"#,
    },
    Example {
        id: "broken-yaml",
        title: "Broken YAML",
        about: "A flow mapping opened with { and never closed: the editor underlines the {.",
        yaml: r#"apiVersion: v1
kind: Pod
metadata:
  name: broken
spec:
  containers:
    - name: app
      image: example/app:1.0
      securityContext: {runAsNonRoot: true
"#,
    },
];

/// The namespace-admission example: its Namespaces' labels decide, whatever the Level control says.
const TWO_NAMESPACES: &str = r#"# payments enforces restricted (pinned to v1.30) and warns at restricted.
apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: v1.30
    pod-security.kubernetes.io/warn: restricted
---
# Meets restricted: created without a word.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: payments
spec:
  selector:
    matchLabels:
      app: checkout
  template:
    metadata:
      labels:
        app: checkout
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: checkout
          image: example/checkout:2.4
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: ["ALL"]
---
# Created with a warning, but its ReplicaSet cannot create a single pod.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger
  namespace: payments
spec:
  selector:
    matchLabels:
      app: ledger
  template:
    metadata:
      labels:
        app: ledger
    spec:
      containers:
        - name: ledger
          image: example/ledger:1.9
          securityContext:
            allowPrivilegeEscalation: false
---
# A pod is checked on create: refused.
apiVersion: v1
kind: Pod
metadata:
  name: debug-shell
  namespace: payments
spec:
  containers:
    - name: shell
      image: busybox:1.36
      securityContext:
        runAsUser: 0
---
# tools enforces baseline, and warns and audits at restricted.
apiVersion: v1
kind: Namespace
metadata:
  name: tools
  labels:
    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/warn: restricted
    pod-security.kubernetes.io/audit: restricted
---
# Meets baseline but not restricted: admitted, with a warning.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ci-runner
  namespace: tools
spec:
  selector:
    matchLabels:
      app: ci-runner
  template:
    metadata:
      labels:
        app: ci-runner
    spec:
      containers:
        - name: runner
          image: example/ci-runner:7.2
---
# Shares the node's process namespace: refused even at baseline.
apiVersion: v1
kind: Pod
metadata:
  name: node-inspector
  namespace: tools
spec:
  hostPID: true
  containers:
    - name: inspector
      image: example/inspector:0.8
---
# Meets restricted: created without a word.
apiVersion: batch/v1
kind: Job
metadata:
  name: report-builder
  namespace: tools
spec:
  template:
    spec:
      restartPolicy: Never
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: report
          image: example/report:3.1
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: ["ALL"]
"#;

/// Looks an example up by ID.
#[must_use]
pub fn find(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

/// The levels the toolbar offers, least strict first.
pub const LEVELS: [PssLevel; 3] = [
    PssLevel::Privileged,
    PssLevel::Baseline,
    PssLevel::Restricted,
];

/// The runtimes the toolbar offers.
pub const RUNTIMES: [Runtime; 2] = [Runtime::Containerd, Runtime::CriO];

/// The versions the toolbar offers: `latest`, then every known `v1.N`, newest first.
#[must_use]
pub fn versions() -> Vec<Version> {
    std::iter::once(Version::Latest)
        .chain((0..=MAX_KNOWN_MINOR).rev().map(Version::Minor))
        .collect()
}

/// The cluster versions the toolbar offers: the newest (`None`), then every modelled `1.N`,
/// newest first.
#[must_use]
pub fn kube_versions() -> Vec<Option<u32>> {
    std::iter::once(None)
        .chain(
            (crate::versions::OLDEST_MINOR..=crate::model::NEWEST_KUBE_MINOR)
                .rev()
                .map(Some),
        )
        .collect()
}

/// A cluster version as the Kubernetes menu and links write it: `newest` or `1.N`.
#[must_use]
pub fn kube_label(minor: Option<u32>) -> String {
    match minor {
        None => format!("newest (1.{})", crate::model::NEWEST_KUBE_MINOR),
        Some(m) => format!("1.{m}"),
    }
}

/// A cluster version as the Kubernetes menu's option value: `newest` or `1.N`.
#[must_use]
pub fn kube_value(minor: Option<u32>) -> String {
    minor.map_or_else(|| "newest".to_string(), |m| format!("1.{m}"))
}

/// The cluster version an option value of the Kubernetes menu names ([`kube_value`]'s inverse;
/// `None` for `newest` or anything else).
#[must_use]
pub fn parse_kube_value(value: &str) -> Option<u32> {
    value.strip_prefix("1.").and_then(|m| m.parse().ok())
}

/// What the Kubernetes menu chooses, for its help text.
pub const KUBE_HELP: &str = "The Kubernetes release of the cluster, with its default feature \
gates: it decides which fields the API server keeps when it creates a pod (a field behind a gate \
that is off is dropped, and shown so), what it validates, and what the kubelet does by default. \
The policy Version is separate: a namespace can pin an older policy on a newer cluster.";

/// What the Level menu chooses, for its help text.
pub const LEVEL_HELP: &str = "The Pod Security Standards level the namespace enforces: \
privileged allows everything, baseline blocks known privilege escalations (host namespaces, \
privileged containers, added capabilities), restricted also requires non-root users, a seccomp \
profile and dropped capabilities.";

/// What the Version menu chooses, for its help text.
pub const VERSION_HELP: &str = "The policy version of the standards, as in the namespace label \
pod-security.kubernetes.io/enforce-version: the checks as they were in that Kubernetes release. \
latest follows the newest release podsec knows.";

/// What the Runtime menu chooses, for its help text.
pub const RUNTIME_HELP: &str = "The container runtime on the nodes. It decides the capabilities a \
container gets when nothing is written: containerd grants 14 by default, CRI-O 9. It changes the \
effective context, not the admission verdict.";

/// The namespace-admission inputs' summary, for the button that shows them.
pub const ADMISSION_SUMMARY: &str =
    "Namespace admission: request namespace, user, AdmissionConfiguration";

/// What the request's namespace is, for its help text.
pub const NAMESPACE_HELP: &str = "The namespace of objects that name none, as kubectl apply --namespace gives it (empty: default). Namespaces and their pod-security.kubernetes.io labels are read from Namespace objects in the text.";

/// What the request's user is, for its help text.
pub const USERNAME_HELP: &str = "The user that sends the requests (kubectl --as), for the configuration's usernames exemptions. A Deployment's pods are created by its controller's service account, not by this user.";

/// What the admission configuration is, for its help text.
pub const ADMISSION_CONFIG_HELP: &str = "The API server's PodSecurity plugin configuration (the file its --admission-control-config-file names): an AdmissionConfiguration with the PodSecurity plugin configured inline, or the PodSecurityConfiguration alone. Its defaults apply to every mode a namespace does not label, and its exemptions skip users, runtime classes and namespaces. It is kept apart from the text because kubectl apply never sends it.";

/// A configuration to start from: defaults and one exemption of each kind.
pub const ADMISSION_CONFIG_SAMPLE: &str = r#"apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: PodSecurity
    configuration:
      apiVersion: pod-security.admission.config.k8s.io/v1
      kind: PodSecurityConfiguration
      defaults:
        enforce: baseline
        enforce-version: latest
        audit: restricted
        audit-version: latest
        warn: restricted
        warn-version: latest
      exemptions:
        usernames: []
        runtimeClasses: []
        namespaces: [kube-system]
"#;

/// How findings are grouped when they are not grouped by container: the findings about the pod
/// as a whole rather than one container.
pub const POD_LEVEL: &str = "The pod (no single container)";

/// The heading of an object's verdict. Pod Security Admission denies a pod outright; for a
/// workload that makes pods (a Deployment, a Job), the API server stores the object with a
/// warning and refuses each pod it then tries to create.
#[must_use]
pub fn verdict_heading(object: &crate::ObjectReport, policy: &str) -> String {
    // A pod's spec is `spec` (or `items[N].spec` in a List); a template's is deeper.
    let is_pod = match object.pod_path.rsplit_once('.') {
        None => object.pod_path == "spec",
        Some((head, tail)) => tail == "spec" && head.ends_with(']'),
    };
    match (object.allowed, is_pod) {
        (true, true) => format!("Would be admitted at {policy}"),
        (true, false) => format!("Would be admitted at {policy}, and so would its pods"),
        (false, true) => format!("Would not be admitted at {policy}"),
        (false, false) => format!(
            "The {} would be admitted with a warning, but every pod it creates would be refused at {policy}",
            object.kind
        ),
    }
}

/// The heading of a group of findings of one level.
#[must_use]
pub fn level_heading(level: FindingLevel) -> &'static str {
    match level {
        FindingLevel::Rejected => "Rejected by the API server",
        FindingLevel::Refused => "Refused by the kubelet or the runtime",
        FindingLevel::Baseline => "Pod Security Standards: baseline",
        FindingLevel::Restricted => "Pod Security Standards: restricted",
        FindingLevel::Hardening => "Hardening",
        FindingLevel::Warning => "Warnings",
    }
}

/// How a container's kind (the JSON contract's `initContainer`, `container`,
/// `ephemeralContainer`) is labelled.
#[must_use]
pub fn container_kind_label(kind: &str) -> &'static str {
    match kind {
        "initContainer" => "init",
        "ephemeralContainer" => "ephemeral",
        _ => "regular",
    }
}

/// What a source badge means, for its tooltip.
#[must_use]
pub fn source_description(source: Source) -> &'static str {
    match source {
        Source::Container => "Set in the container's securityContext.",
        Source::Pod => "Inherited from the pod's securityContext (the container does not set it).",
        Source::Annotation => "Set by a legacy annotation on the pod.",
        Source::Default => "Not written anywhere: the API server's or the kubelet's default.",
        Source::Runtime => "Not written anywhere: the container runtime's default.",
        Source::Image => "Not written anywhere: it depends on the image, which podsec cannot see.",
    }
}

/// Whether a value comes from nowhere in the text (a default, the runtime or the image), so the
/// UI marks it as assumed.
#[must_use]
pub fn is_implicit(source: Source) -> bool {
    matches!(source, Source::Default | Source::Runtime | Source::Image)
}

#[cfg(test)]
mod tests {
    #[test]
    fn kube_versions_newest_first() {
        let all = kube_versions();
        assert_eq!(all.first(), Some(&None));
        assert_eq!(all.get(1), Some(&Some(crate::model::NEWEST_KUBE_MINOR)));
        assert_eq!(all.last(), Some(&Some(crate::versions::OLDEST_MINOR)));
        assert_eq!(
            kube_label(None),
            format!("newest (1.{})", crate::model::NEWEST_KUBE_MINOR)
        );
        assert_eq!(kube_label(Some(25)), "1.25");
        for k in all {
            assert_eq!(parse_kube_value(&kube_value(k)), k);
        }
    }

    use super::*;
    use crate::model::Options;

    #[test]
    fn ids_are_unique_and_found() {
        for e in EXAMPLES {
            assert_eq!(find(e.id).map(|f| f.title), Some(e.title));
            assert_eq!(EXAMPLES.iter().filter(|f| f.id == e.id).count(), 1);
        }
        assert_eq!(EXAMPLES.first(), Some(&SEED));
    }

    #[test]
    fn every_example_but_the_broken_one_parses() {
        for e in EXAMPLES {
            let a = crate::analyze(e.yaml, &Options::default());
            if e.id == "broken-yaml" {
                assert!(!a.errors.is_empty(), "{}", e.id);
            } else {
                assert!(a.errors.is_empty(), "{}: {:?}", e.id, a.errors);
                let workloads = if e.id == "two-namespaces" { 6 } else { 1 };
                assert_eq!(a.objects.len(), workloads, "{}", e.id);
                // Only the namespace example brings namespace admission in.
                assert_eq!(a.admission.is_some(), e.id == "two-namespaces", "{}", e.id);
            }
        }
    }

    #[test]
    fn the_seed_keeps_its_settings_and_comments() {
        let a = crate::analyze(SEED.yaml, &Options::default());
        let o = a
            .objects
            .first()
            .map(|o| (o.kind.as_str(), o.name.as_str()));
        assert_eq!(o, Some(("Pod", "secure-app")));
        assert_eq!(SEED.yaml.matches('#').count(), 2);
        for s in [
            "runAsNonRoot: true",
            "runAsUser: 1000",
            "fsGroup: 2000",
            "image: myapp:1.0",
            "allowPrivilegeEscalation: false",
            "readOnlyRootFilesystem: true",
            "NET_BIND_SERVICE",
        ] {
            assert!(SEED.yaml.contains(s), "{s}");
        }
    }

    #[test]
    fn the_multi_document_example_skips_its_non_workloads() {
        let e = find("multi-document").map_or("", |e| e.yaml);
        let a = crate::analyze(e, &Options::default());
        assert_eq!(a.skipped.len(), 2, "{:?}", a.skipped);
    }

    #[test]
    fn the_broken_example_points_at_its_unclosed_brace() {
        let e = find("broken-yaml").map_or("", |e| e.yaml);
        let a = crate::analyze(e, &Options::default());
        let at = a.errors.first().map(|e| (e.line, e.column));
        let line = e.lines().position(|l| l.contains('{')).map_or(0, |i| i + 1);
        let column = e
            .lines()
            .nth(line.saturating_sub(1))
            .and_then(|l| l.find('{'))
            .map_or(0, |c| c + 1);
        assert_eq!(at, Some((line, column)), "{:?}", a.errors);
    }

    #[test]
    fn a_workload_is_admitted_and_its_pods_refused() {
        let heading = |id: &str| {
            let text = find(id).map_or("", |e| e.yaml);
            let a = crate::analyze(text, &Options::default());
            a.objects
                .first()
                .map(|o| verdict_heading(o, "restricted:latest"))
        };
        assert_eq!(
            heading("container-overrides-pod").as_deref(),
            Some(
                "The Deployment would be admitted with a warning, but every pod it creates would be refused at restricted:latest"
            )
        );
        assert_eq!(
            heading("seed-hardened-pod").as_deref(),
            Some("Would not be admitted at restricted:latest")
        );
        let list = "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: a}\n    spec:\n      hostNetwork: true\n      containers: [{name: a, image: a}]\n";
        let a = crate::analyze(list, &Options::default());
        let o = a.objects.first().map(|o| verdict_heading(o, "x"));
        assert_eq!(o.as_deref(), Some("Would not be admitted at x"));
    }

    #[test]
    fn the_sample_admission_configuration_is_valid() {
        let c = crate::admission::config::parse(ADMISSION_CONFIG_SAMPLE);
        assert_eq!(c.map(|c| c.namespaces), Ok(vec!["kube-system".to_string()]));
    }

    #[test]
    fn versions_run_from_latest_down_to_v1_0() {
        let v = versions();
        assert_eq!(v.first(), Some(&Version::Latest));
        assert_eq!(v.get(1), Some(&Version::Minor(MAX_KNOWN_MINOR)));
        assert_eq!(v.last(), Some(&Version::Minor(0)));
    }
}
