//! Pod Security Standards fixtures generated in memory, the way upstream generates its corpus:
//! a minimal valid pod per level and version, then one change per case, each expected to pass or
//! to be denied by a named check.
//!
//! This also covers what the upstream corpus lacks: ephemeral containers, `appArmorProfile`
//! fields, Windows pods, `hostUsers: false` relaxations, `container_engine_t`, non-Pod kinds.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use podsec::manifest::{self, Entry};
use podsec::pss::{PssResult, evaluate};
use podsec::{PssLevel, Version};

/// A container under construction.
#[derive(Clone)]
struct Ctr {
    name: &'static str,
    /// Lines under `securityContext:` (relative indentation, two spaces per level).
    sc: Vec<String>,
    /// Other container fields, as YAML lines.
    extra: Vec<String>,
}

/// A pod under construction.
#[derive(Clone)]
struct Pod {
    annotations: Vec<(String, String)>,
    spec: Vec<String>,
    sc: Vec<String>,
    init: Vec<Ctr>,
    containers: Vec<Ctr>,
    ephemeral: Vec<Ctr>,
    volumes: Vec<String>,
}

impl Pod {
    /// Upstream's minimal valid pod for a level and minor version.
    fn minimal(level: PssLevel, minor: u32) -> Pod {
        let ctr = |name| Ctr {
            name,
            sc: Vec::new(),
            extra: Vec::new(),
        };
        let mut pod = Pod {
            annotations: Vec::new(),
            spec: Vec::new(),
            sc: Vec::new(),
            init: vec![ctr("initcontainer1")],
            containers: vec![ctr("container1")],
            ephemeral: Vec::new(),
            volumes: Vec::new(),
        };
        if level == PssLevel::Restricted {
            pod.sc.push("runAsNonRoot: true".into());
            if minor >= 8 {
                pod.each(|c| c.sc.push("allowPrivilegeEscalation: false".into()));
            }
            if minor >= 19 {
                pod.sc.push("seccompProfile:".into());
                pod.sc.push("  type: RuntimeDefault".into());
            }
            if minor >= 22 {
                pod.each(|c| {
                    c.sc.push("capabilities:".into());
                    c.sc.push("  drop: [ALL]".into());
                });
            }
        }
        pod
    }

    fn each(&mut self, mut f: impl FnMut(&mut Ctr)) {
        for c in self
            .init
            .iter_mut()
            .chain(self.containers.iter_mut())
            .chain(self.ephemeral.iter_mut())
        {
            f(c);
        }
    }

    fn ctr(&mut self) -> &mut Ctr {
        self.containers.first_mut().expect("a container")
    }

    /// Sets a key of the container's security context, replacing any line with the same key.
    fn set_ctr(&mut self, key: &str, value: &str) {
        set_line(&mut self.ctr().sc, key, value);
    }

    fn set_pod(&mut self, key: &str, value: &str) {
        set_line(&mut self.sc, key, value);
    }

    fn render_body(&self, indent: &str) -> String {
        let mut s = String::new();
        let mut push = |block: &str| {
            // Every line of a block is indented; continuation lines keep their relative indentation.
            let mut lines = block.lines();
            let first = lines.next().unwrap_or("");
            let lead: String = first.chars().take_while(|c| *c == ' ').collect();
            s.push_str(indent);
            s.push_str(first);
            s.push('\n');
            for l in lines {
                s.push_str(indent);
                s.push_str(&lead);
                s.push_str(l);
                s.push('\n');
            }
        };
        for l in &self.spec {
            push(l);
        }
        if !self.sc.is_empty() {
            push("securityContext:");
            for l in &self.sc {
                push(&format!("  {l}"));
            }
        }
        for (field, list) in [
            ("initContainers", &self.init),
            ("containers", &self.containers),
            ("ephemeralContainers", &self.ephemeral),
        ] {
            if list.is_empty() {
                continue;
            }
            push(&format!("{field}:"));
            for c in list {
                push(&format!("- name: {}", c.name));
                push("  image: registry.k8s.io/pause");
                for l in &c.extra {
                    push(&format!("  {l}"));
                }
                if !c.sc.is_empty() {
                    push("  securityContext:");
                    for l in &c.sc {
                        push(&format!("    {l}"));
                    }
                }
            }
        }
        if !self.volumes.is_empty() {
            push("volumes:");
            for l in &self.volumes {
                push(l);
            }
        }
        s
    }

    fn metadata(&self, indent: &str) -> String {
        let mut s = format!("{indent}metadata:\n{indent}  name: fixture\n");
        if !self.annotations.is_empty() {
            s.push_str(&format!("{indent}  annotations:\n"));
            for (k, v) in &self.annotations {
                s.push_str(&format!("{indent}    {k}: \"{v}\"\n"));
            }
        }
        s
    }

    fn render(&self) -> String {
        format!(
            "apiVersion: v1\nkind: Pod\n{}spec:\n{}",
            self.metadata(""),
            self.render_body("  ")
        )
    }

    fn render_deployment(&self) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector: {{}}\n  template:\n{}    spec:\n{}",
            self.metadata("    "),
            self.render_body("      ")
        )
    }

    fn render_cronjob(&self) -> String {
        format!(
            "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: \"* * * * *\"\n  jobTemplate:\n    spec:\n      template:\n{}        spec:\n{}",
            self.metadata("        "),
            self.render_body("          ")
        )
    }
}

fn set_line(lines: &mut Vec<String>, key: &str, value: &str) {
    let prefix = format!("{key}:");
    let mut i = 0;
    while i < lines.len() {
        if lines[i].starts_with(&prefix) {
            lines.remove(i);
            while i < lines.len() && lines[i].starts_with("  ") {
                lines.remove(i);
            }
        } else {
            i += 1;
        }
    }
    for (n, l) in value.lines().enumerate() {
        if n == 0 {
            lines.push(format!("{key}: {l}").trim_end().to_string());
        } else {
            lines.push(format!("  {l}"));
        }
    }
}

/// Evaluates the first workload of a text.
fn eval(text: &str, level: PssLevel, minor: u32) -> (PssResult, String) {
    let stream = podsec::yaml::parse_stream(text);
    assert!(stream.errors.is_empty(), "{text}\n{:?}", stream.errors);
    let doc = stream.documents.first().expect("a document");
    for e in manifest::objects(doc) {
        if let Entry::Workload(_, pod) = e {
            return (
                evaluate(&pod, level, Version::Minor(minor)),
                pod.path.clone(),
            );
        }
    }
    panic!("no workload in {text}");
}

/// One generated case: from which version, which check it targets, and the change.
struct Case {
    check: &'static str,
    since: u32,
    /// The first version where the case no longer applies (upstream replaced its generator).
    until: u32,
    /// Whether the case must be denied.
    fails: bool,
    /// The one change to the minimal pod.
    apply: fn(&mut Pod),
}

const fn pass(check: &'static str, since: u32, apply: fn(&mut Pod)) -> Case {
    Case {
        check,
        since,
        until: u32::MAX,
        fails: false,
        apply,
    }
}

const fn fail(check: &'static str, since: u32, apply: fn(&mut Pod)) -> Case {
    Case {
        check,
        since,
        until: u32::MAX,
        fails: true,
        apply,
    }
}

impl Case {
    const fn before(self, until: u32) -> Case {
        Case { until, ..self }
    }
}

const BASELINE_CASES: &[Case] = &[
    // appArmorProfile: fields and annotations.
    pass("appArmorProfile", 0, |p| {
        p.set_pod("appArmorProfile", "\n  type: RuntimeDefault");
        p.set_ctr(
            "appArmorProfile",
            "\n  type: Localhost\n  localhostProfile: x",
        );
    }),
    pass("appArmorProfile", 0, |p| {
        p.annotations.push((
            "container.apparmor.security.beta.kubernetes.io/container1".into(),
            "localhost/foo".into(),
        ));
    }),
    fail("appArmorProfile", 0, |p| {
        p.set_pod("appArmorProfile", "\n  type: Unconfined");
    }),
    fail("appArmorProfile", 0, |p| p.set_ctr("appArmorProfile", "{}")),
    fail("appArmorProfile", 0, |p| {
        p.annotations.push((
            "container.apparmor.security.beta.kubernetes.io/not-a-container".into(),
            "unconfined".into(),
        ));
    }),
    // capabilities_baseline.
    pass("capabilities_baseline", 0, |p| {
        p.set_ctr("capabilities", "\n  drop: [ALL]\n  add: [NET_BIND_SERVICE]");
    }),
    fail("capabilities_baseline", 0, |p| {
        p.set_ctr("capabilities", "\n  drop: [ALL]\n  add: [NET_RAW]");
    }),
    // hostNamespaces.
    fail("hostNamespaces", 0, |p| p.spec.push("hostPID: true".into())),
    fail("hostNamespaces", 0, |p| p.spec.push("hostIPC: true".into())),
    // hostPathVolumes.
    fail("hostPathVolumes", 0, |p| {
        p.volumes.push("- name: v\n  hostPath:\n    path: /".into());
    }),
    // hostPorts.
    pass("hostPorts", 0, |p| {
        p.ctr()
            .extra
            .push("ports:\n  - containerPort: 80\n    hostPort: 0".into());
    }),
    fail("hostPorts", 0, |p| {
        p.ctr()
            .extra
            .push("ports:\n  - containerPort: 80\n    hostPort: 8080".into());
    }),
    // hostProbesAndHostLifecycle.
    pass("hostProbesAndHostLifecycle", 34, |p| {
        p.ctr()
            .extra
            .push("livenessProbe:\n    tcpSocket:\n      port: 80".into());
    }),
    fail("hostProbesAndHostLifecycle", 34, |p| {
        p.ctr()
            .extra
            .push("lifecycle:\n    postStart:\n      httpGet:\n        host: example.com\n        port: 80".into());
    }),
    // privileged, also on an ephemeral container.
    pass("privileged", 0, |p| p.set_ctr("privileged", "false")),
    fail("privileged", 0, |p| {
        let mut e = p.ctr().clone();
        e.name = "debugger";
        set_line(&mut e.sc, "privileged", "true");
        p.ephemeral.push(e);
    }),
    // procMount, with the v1.35 user-namespace relaxation at baseline.
    pass("procMount", 0, |p| p.set_ctr("procMount", "Default")),
    fail("procMount", 0, |p| p.set_ctr("procMount", "Unmasked")),
    // seLinuxOptions.
    pass("seLinuxOptions", 0, |p| {
        p.set_pod(
            "seLinuxOptions",
            "\n  level: \"s0:c1,c2\"\n  type: container_init_t",
        );
    }),
    pass("seLinuxOptions", 31, |p| {
        p.set_ctr("seLinuxOptions", "\n  type: container_engine_t");
    }),
    fail("seLinuxOptions", 0, |p| {
        p.set_ctr("seLinuxOptions", "\n  role: sysadm_r");
    }),
    // seccompProfile_baseline: annotations, then fields.
    fail("seccompProfile_baseline", 0, |p| {
        p.annotations.push((
            "container.seccomp.security.alpha.kubernetes.io/container1".into(),
            "unconfined".into(),
        ));
    })
    .before(19),
    pass("seccompProfile_baseline", 0, |p| {
        p.annotations.push((
            "container.seccomp.security.alpha.kubernetes.io/not-in-pod".into(),
            "unconfined".into(),
        ));
    }),
    fail("seccompProfile_baseline", 19, |p| {
        p.set_ctr("seccompProfile", "\n  type: Unconfined");
    }),
    // sysctls.
    pass("sysctls", 0, |p| {
        p.set_pod(
            "sysctls",
            "\n- name: net.ipv4.ping_group_range\n  value: \"0 1\"",
        );
    }),
    fail("sysctls", 0, |p| {
        p.set_pod("sysctls", "\n- name: kernel.msgmax\n  value: \"1\"");
    }),
    // windowsHostProcess.
    fail("windowsHostProcess", 0, |p| {
        p.spec.push("hostNetwork: true".into());
        p.set_ctr("windowsOptions", "\n  hostProcess: true");
    }),
];

const RESTRICTED_CASES: &[Case] = &[
    fail("allowPrivilegeEscalation", 8, |p| {
        p.set_ctr("allowPrivilegeEscalation", "true");
    }),
    pass("capabilities_restricted", 22, |p| {
        p.set_ctr("capabilities", "\n  drop: [ALL]\n  add: [NET_BIND_SERVICE]");
    }),
    fail("capabilities_restricted", 22, |p| {
        p.set_ctr("capabilities", "\n  drop: [all]");
    }),
    fail("procMount_restricted", 35, |p| {
        p.spec.push("hostUsers: false".into());
        p.set_ctr("procMount", "Unmasked");
    }),
    pass("restrictedVolumes", 0, |p| {
        for v in [
            "- name: a\n  csi:\n    driver: x",
            "- name: b\n  ephemeral:\n    volumeClaimTemplate:\n      spec: {}",
            "- name: c\n  image:\n    reference: x",
            "- name: d",
        ] {
            p.volumes.push(v.into());
        }
    }),
    fail("restrictedVolumes", 0, |p| {
        p.volumes
            .push("- name: a\n  nfs:\n    server: x\n    path: /".into());
    }),
    fail("runAsNonRoot", 0, |p| p.set_ctr("runAsNonRoot", "false")),
    fail("runAsNonRoot", 0, |p| {
        p.sc.retain(|l| !l.starts_with("runAsNonRoot"));
        p.set_pod("runAsUser", "1000");
    }),
    pass("runAsNonRoot", 35, |p| {
        p.sc.retain(|l| !l.starts_with("runAsNonRoot"));
        p.spec.push("hostUsers: false".into());
    }),
    fail("runAsUser", 23, |p| p.set_ctr("runAsUser", "0")),
    pass("runAsUser", 35, |p| {
        p.spec.push("hostUsers: false".into());
        p.set_pod("runAsUser", "0");
    }),
    pass("seccompProfile_restricted", 19, |p| {
        p.sc.retain(|l| !l.contains("seccompProfile") && !l.contains("RuntimeDefault"));
        p.each(|c| {
            c.sc.push("seccompProfile:".into());
            c.sc.push("  type: Localhost".into());
            c.sc.push("  localhostProfile: p.json".into());
        });
    }),
    fail("seccompProfile_restricted", 19, |p| {
        p.set_pod("seccompProfile", "\n  type: Unconfined");
        p.each(|c| {
            c.sc.push("seccompProfile:".into());
            c.sc.push("  type: RuntimeDefault".into());
        });
    }),
];

/// The checks that deny a fail case at a level and version: its own, or the restricted check that
/// overrides it.
fn expected_check(check: &str, level: PssLevel, minor: u32) -> &str {
    if level != PssLevel::Restricted {
        return check;
    }
    match check {
        "hostPathVolumes" => "restrictedVolumes",
        "capabilities_baseline" if minor >= 22 => "capabilities_restricted",
        "seccompProfile_baseline" if minor >= 19 => "seccompProfile_restricted",
        "procMount" if minor >= 35 => "procMount_restricted",
        other => other,
    }
}

#[test]
fn generated_fixtures() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for level in [PssLevel::Baseline, PssLevel::Restricted] {
        for minor in 0..=40 {
            let base = Pod::minimal(level, minor);
            let (r, _) = eval(&base.render(), level, minor);
            assert!(r.allowed, "minimal {level:?} v1.{minor}: {}", r.aggregate);
            let cases = BASELINE_CASES
                .iter()
                .chain(if level == PssLevel::Restricted {
                    RESTRICTED_CASES
                } else {
                    &[]
                });
            for (i, case) in cases.enumerate() {
                if case.since > minor || case.until <= minor {
                    continue;
                }
                let mut pod = base.clone();
                (case.apply)(&mut pod);
                let text = pod.render();
                let (r, _) = eval(&text, level, minor);
                checked += 1;
                let want = expected_check(case.check, level, minor);
                let ok = if case.fails {
                    !r.allowed && r.denied.contains(&want)
                } else {
                    r.allowed
                };
                if !ok {
                    failures.push(format!(
                        "{level:?} v1.{minor} case {i} ({}, {}): {}\n{text}",
                        case.check,
                        if case.fails { "fail" } else { "pass" },
                        r.aggregate
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(checked > 1000, "{checked}");
}

#[test]
fn baseline_proc_mount_is_relaxed_by_user_namespaces_from_v1_35_only() {
    let mut pod = Pod::minimal(PssLevel::Baseline, 35);
    pod.spec.push("hostUsers: false".into());
    pod.set_ctr("procMount", "Unmasked");
    assert!(!eval(&pod.render(), PssLevel::Baseline, 34).0.allowed);
    assert!(eval(&pod.render(), PssLevel::Baseline, 35).0.allowed);
    // Restricted keeps forbidding it.
    let mut pod = Pod::minimal(PssLevel::Restricted, 35);
    pod.spec.push("hostUsers: false".into());
    pod.set_ctr("procMount", "Unmasked");
    let (r, _) = eval(&pod.render(), PssLevel::Restricted, 35);
    assert_eq!(r.denied, ["procMount_restricted"]);
}

#[test]
fn windows_pods() {
    // From v1.25 a Windows pod needs only runAsNonRoot at restricted.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\nspec:\n  os:\n    name: windows\n  securityContext:\n    runAsNonRoot: true\n  containers:\n  - name: app\n    image: mcr.microsoft.com/windows/nanoserver:ltsc2022\n";
    assert!(eval(pod, PssLevel::Restricted, 25).0.allowed);
    let (r, _) = eval(pod, PssLevel::Restricted, 24);
    assert_eq!(
        r.denied,
        [
            "allowPrivilegeEscalation",
            "capabilities_restricted",
            "seccompProfile_restricted"
        ]
    );
    // Windows fail cases: runAsNonRoot still applies, and so does every baseline check.
    let no_non_root = pod.replace("    runAsNonRoot: true\n", "    runAsUser: 1000\n");
    let (r, _) = eval(&no_non_root, PssLevel::Restricted, 37);
    assert_eq!(r.denied, ["runAsNonRoot"]);
    let host_process = pod.replace(
        "  securityContext:\n    runAsNonRoot: true\n",
        "  hostNetwork: true\n  securityContext:\n    runAsNonRoot: true\n    windowsOptions:\n      hostProcess: true\n",
    );
    let (r, _) = eval(&host_process, PssLevel::Restricted, 37);
    assert_eq!(r.denied, ["hostNamespaces", "windowsHostProcess"]);
    // Overrides make restricted more lenient than baseline for an invalid Windows pod.
    let caps = pod.replace(
        "    image: mcr",
        "    securityContext:\n      capabilities:\n        add: [SYS_ADMIN]\n    image: mcr",
    );
    assert!(!eval(&caps, PssLevel::Baseline, 37).0.allowed);
    assert!(eval(&caps, PssLevel::Restricted, 37).0.allowed);
    // Only the exact spelling counts.
    let capital = pod.replace("name: windows", "name: Windows");
    assert!(!eval(&capital, PssLevel::Restricted, 37).0.allowed);
}

#[test]
fn non_pod_kinds_are_evaluated_on_their_template() {
    let mut pod = Pod::minimal(PssLevel::Restricted, 37);
    pod.set_ctr("privileged", "true");
    pod.annotations.push((
        "container.apparmor.security.beta.kubernetes.io/container1".into(),
        "unconfined".into(),
    ));
    let (direct, _) = eval(&pod.render(), PssLevel::Restricted, 37);
    for (text, prefix) in [
        (pod.render_deployment(), "spec.template.spec."),
        (pod.render_cronjob(), "spec.jobTemplate.spec.template.spec."),
    ] {
        let (r, path) = eval(&text, PssLevel::Restricted, 37);
        assert_eq!(r.aggregate, direct.aggregate);
        assert_eq!(format!("{path}."), prefix);
        for f in &r.findings {
            assert!(
                f.path.starts_with(prefix) || f.path.contains("template.metadata.annotations"),
                "{}",
                f.path
            );
            for p in f.fix.iter().flat_map(|x| x.patches.iter()) {
                let s = p.path().to_string();
                assert!(
                    s.starts_with(prefix) || s.contains("template.metadata.annotations"),
                    "{s}"
                );
            }
        }
    }
    // List items carry their prefix.
    let list = format!(
        "apiVersion: v1\nkind: List\nitems:\n- {}",
        pod.render().trim_end().replace('\n', "\n  ")
    );
    let (r, path) = eval(&list, PssLevel::Restricted, 37);
    assert_eq!(path, "items[0].spec");
    assert_eq!(r.aggregate, direct.aggregate);
    assert!(r.findings.iter().all(|f| f.path.starts_with("items[0].")));
}

#[test]
fn latest_and_future_versions_clamp() {
    let mut pod = Pod::minimal(PssLevel::Baseline, 37);
    pod.set_pod(
        "sysctls",
        "\n- name: net.ipv4.tcp_notsent_lowat\n  value: \"1\"",
    );
    let stream = podsec::yaml::parse_stream(&pod.render());
    let doc = stream.documents.first().expect("doc");
    let Some(Entry::Workload(_, view)) = manifest::objects(doc).into_iter().next() else {
        panic!("pod");
    };
    for v in ["latest", "v1.37", "v1.99"] {
        let version = Version::parse(v).expect("valid");
        assert!(evaluate(&view, PssLevel::Baseline, version).allowed, "{v}");
    }
    assert!(!evaluate(&view, PssLevel::Baseline, Version::Minor(36)).allowed);
}

#[test]
fn passes_explain_themselves() {
    let pod = Pod::minimal(PssLevel::Restricted, 37);
    let (r, _) = eval(&pod.render(), PssLevel::Restricted, 37);
    let reason = |id: &str| {
        r.passes
            .iter()
            .find(|p| p.check == id)
            .map(|p| (p.reason.clone(), p.line))
            .expect(id)
    };
    assert_eq!(
        reason("runAsNonRoot"),
        (
            "runAsNonRoot satisfied by the pod-level value at line 7".to_string(),
            Some(7)
        )
    );
    assert_eq!(reason("capabilities_restricted").1, None);
    assert_eq!(r.passes.len(), 15);
    assert!(r.findings.is_empty());
}

#[test]
fn restricted_minimum_fixes_everything_it_reports() {
    // The bare pod: every restricted requirement is missing, and every finding says how to fix it.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: nginx\n  ephemeralContainers:\n  - name: dbg\n    image: busybox\n";
    let (r, _) = eval(pod, PssLevel::Restricted, 37);
    assert_eq!(
        r.denied,
        [
            "allowPrivilegeEscalation",
            "capabilities_restricted",
            "runAsNonRoot",
            "seccompProfile_restricted"
        ]
    );
    let mut paths: Vec<String> = r
        .findings
        .iter()
        .flat_map(|f| f.fix.iter().flat_map(|x| x.patches.iter()))
        .map(|p| p.path().to_string())
        .collect();
    paths.sort();
    paths.dedup();
    assert_eq!(
        paths,
        [
            "spec.containers[0].securityContext.allowPrivilegeEscalation",
            "spec.containers[0].securityContext.capabilities.drop",
            "spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation",
            "spec.ephemeralContainers[0].securityContext.capabilities.drop",
            "spec.securityContext.runAsNonRoot",
            "spec.securityContext.seccompProfile",
        ]
    );
}
