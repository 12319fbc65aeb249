//! `windowsHostProcess` (baseline): no Windows HostProcess containers.

use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::pod::PodView;
use crate::pss::{Out, Rule, Verdict, containers_phrase, finding, who};
use crate::rule::{Check, Docs};
use crate::yaml::Node;

pub(crate) const CHECK: Check = Check {
    id: "windowsHostProcess",
    level: FindingLevel::Baseline,
    summary: "the pod or a container runs as a Windows HostProcess container",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "\
Checks that `securityContext.windowsOptions.hostProcess` is unset or `false`, on the pod and on every container.",
        why: "\
A Windows HostProcess container is not isolated at all: it runs directly on the node as a process, with the node's network, filesystem and, typically, the `SYSTEM` account.
It is the Windows counterpart of a privileged Linux container with host namespaces, and whoever controls it controls the node.",
        example: "\
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  hostNetwork: true
  securityContext:
    windowsOptions:
      hostProcess: true
  containers:
  - name: app
    image: mcr.microsoft.com/windows/nanoserver:ltsc2022
",
        use_instead: "\
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
  - name: app
    image: mcr.microsoft.com/windows/nanoserver:ltsc2022
",
        fix_safety: "\
No automatic fix: HostProcess containers exist to manage the node (install drivers, configure networking, collect host logs) and cannot do that work isolated.
Run them in a namespace exempt from baseline, or move the work to a regular container with narrower access.
The API server also requires `hostNetwork: true` for HostProcess pods, so remove both together.",
        policy: "\
Baseline profile (and therefore restricted), every version from v1.0.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
            "https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/",
        ],
    }),
};

pub(crate) const RULE: Rule = Rule {
    check: &CHECK,
    versions: &[(0, v1_0)],
    overrides: None,
};

fn host_process(sc: Option<Node<'_>>) -> Option<Node<'_>> {
    sc.and_then(|sc| sc.field("windowsOptions"))
        .and_then(|w| w.field("hostProcess"))
        .filter(|n| n.as_bool() == Some(true))
}

const MANUAL: &str = "HostProcess containers manage the node and cannot work isolated; run them in a namespace exempt from baseline";

fn v1_0(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    let mut setters = Vec::new();
    // The pod's own value first, as its finding is listed first.
    if let Some(n) = host_process(pod.security_context()) {
        setters.push("pod".to_string());
        out.push(
            finding(
                "hostProcess: the pod sets securityContext.windowsOptions.hostProcess=true",
                None,
                n.span(),
                format!("{}.hostProcess", pod.sc_path("windowsOptions")),
            )
            .with_fix(Fix::manual("remove windowsOptions.hostProcess", MANUAL)),
        );
    }
    let mut bad = Vec::new();
    for c in &pod.containers {
        if let Some(n) = host_process(c.security_context()) {
            bad.push(c.name);
            out.push(
                finding(
                    format!(
                        "hostProcess: {} sets securityContext.windowsOptions.hostProcess=true",
                        who(c)
                    ),
                    Some(c),
                    n.span(),
                    format!("{}.hostProcess", c.sc_path("windowsOptions")),
                )
                .with_fix(Fix::manual("remove windowsOptions.hostProcess", MANUAL)),
            );
        }
    }
    if !bad.is_empty() {
        setters.push(containers_phrase(&bad));
    }
    if setters.is_empty() {
        return Verdict::pass("no HostProcess pod or container", None);
    }
    Verdict::Denied {
        reason: "hostProcess".to_string(),
        detail: format!(
            "{} must not set securityContext.windowsOptions.hostProcess=true",
            setters.join(" and ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn pod_and_containers() {
        check(
            &CHECK,
            "# podsec: --version v1.0\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    windowsOptions: {hostProcess: true}\n  containers:\n  - name: d\n    image: x\n    securityContext:\n      windowsOptions: {hostProcess: false}\n  - name: e\n    image: x\n    securityContext:\n      windowsOptions: {hostProcess: true}\n  - name: f\n    image: x\n    securityContext:\n      windowsOptions: {hostProcess: true}\n",
            expect![[r#"
            denied: hostProcess (pod and containers "e", "f" must not set securityContext.windowsOptions.hostProcess=true)
            8:35 spec.securityContext.windowsOptions.hostProcess hostProcess: the pod sets securityContext.windowsOptions.hostProcess=true [fix: remove windowsOptions.hostProcess (manual)]
            17:37 spec.containers[1].securityContext.windowsOptions.hostProcess hostProcess: container "e" sets securityContext.windowsOptions.hostProcess=true [fix: remove windowsOptions.hostProcess (manual)]
            21:37 spec.containers[2].securityContext.windowsOptions.hostProcess hostProcess: container "f" sets securityContext.windowsOptions.hostProcess=true [fix: remove windowsOptions.hostProcess (manual)]
        "#]],
        );
    }
}
