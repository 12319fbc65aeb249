//! `hostProbesAndHostLifecycle` (baseline): probes and lifecycle hooks must not name a host.

use crate::fix::{Fix, FixAvailability, Patch};
use crate::model::FindingLevel;
use crate::pod::PodView;
use crate::pss::{Out, Rule, Verdict, finding, fp, join_quote, sorted_set, uses_detail, who};
use crate::rule::{Check, Docs};

pub(crate) const CHECK: Check = Check {
    id: "hostProbesAndHostLifecycle",
    level: FindingLevel::Baseline,
    summary: "a probe or lifecycle hook sends requests to another host",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "\
Checks that the `httpGet.host` and `tcpSocket.host` of every container's `livenessProbe`, `readinessProbe` and `startupProbe`, and of its `lifecycle.postStart` and `lifecycle.preStop` handlers, are unset or empty.
Any non-empty value fails, `localhost` and `127.0.0.1` included.
`exec`, `grpc` and `sleep` handlers are not inspected.",
        why: "\
Probes and HTTP lifecycle hooks are executed by the kubelet, from the node's network namespace, not by the container.
Setting `host` therefore lets whoever writes the pod spec make the kubelet open connections to arbitrary addresses: services that listen only on the node's loopback, a cloud metadata endpoint, or internal systems that trust the node's IP.
That is a server-side request forgery primitive handed to anyone who can create pods.",
        example: "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx
    livenessProbe:
      httpGet:
        host: 169.254.169.254
        path: /latest/meta-data/
        port: 80
",
        use_instead: "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx
    livenessProbe:
      httpGet:
        path: /healthz
        port: 80
",
        fix_safety: "\
The fix removes `host`, so the kubelet targets the pod's own IP, which is what a probe is meant to check.
It is unsafe: if the probe deliberately checked another endpoint, it now checks the pod instead, and a probe that used to succeed may fail (or the reverse), restarting the container or taking it out of its Service.",
        policy: "\
Baseline profile (and therefore restricted) from v1.34; earlier versions do not check it.
Init containers are checked too (a restartable sidecar init container may have probes).",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
            "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
        ],
    }),
};

pub(crate) const RULE: Rule = Rule {
    check: &CHECK,
    versions: &[(34, v1_34)],
    overrides: None,
};

fn v1_34(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    let mut bad = Vec::new();
    let mut hosts = Vec::new();
    for c in &pod.containers {
        let before = out.pushed();
        for (name, handler) in c.handlers() {
            for kind in ["httpGet", "tcpSocket"] {
                let Some(n) = handler.field(kind).and_then(|h| h.field("host")) else {
                    continue;
                };
                let host = n.text().unwrap_or("");
                if host.is_empty() {
                    continue;
                }
                hosts.push(host.to_string());
                let path = format!("{}.{name}.{kind}.host", c.path);
                out.push(
                    finding(
                        format!(
                            "probe or lifecycle host: the {name} of {} targets host \"{host}\"",
                            who(c)
                        ),
                        Some(c),
                        n.span(),
                        path.clone(),
                    )
                    .with_fix(Fix::unsafe_(
                        format!("remove {name}.{kind}.host"),
                        "the kubelet then targets the pod's own IP; a probe that checked another endpoint changes meaning",
                        vec![Patch::Remove { path: fp(&path) }],
                    )),
                );
            }
        }
        if out.pushed() > before {
            bad.push(c.name);
        }
    }
    if bad.is_empty() {
        return Verdict::pass("no probe or lifecycle handler sets a host", None);
    }
    let hosts = sorted_set(hosts);
    Verdict::Denied {
        reason: "probe or lifecycle host".to_string(),
        detail: uses_detail(
            &sorted_set(bad),
            ("probe or lifecycle host", "probe or lifecycle hosts"),
            hosts.len(),
            &join_quote(&hosts),
        ),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn hosts_fail_from_v1_34() {
        check(
            &CHECK,
            "# podsec: --version v1.33\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  initContainers:\n  - name: side\n    image: x\n    restartPolicy: Always\n    readinessProbe:\n      tcpSocket: {host: localhost, port: 1}\n  containers:\n  - name: a\n    image: x\n    lifecycle:\n      preStop:\n        httpGet: {host: 127.0.0.1, port: 1}\n    livenessProbe:\n      grpc: {port: 1}\n      httpGet: {host: \"\", port: 1}\n",
            expect![[r#"
            not active
        "#]],
        );
        check(
            &CHECK,
            "# podsec: --version v1.34\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  initContainers:\n  - name: side\n    image: x\n    restartPolicy: Always\n    readinessProbe:\n      tcpSocket: {host: localhost, port: 1}\n  containers:\n  - name: a\n    image: x\n    lifecycle:\n      preStop:\n        httpGet: {host: 127.0.0.1, port: 1}\n    livenessProbe:\n      grpc: {port: 1}\n      httpGet: {host: \"\", port: 1}\n",
            expect![[r#"
            denied: probe or lifecycle host (containers "a", "side" use probe or lifecycle hosts "127.0.0.1", "localhost")
            12:25 spec.initContainers[0].readinessProbe.tcpSocket.host probe or lifecycle host: the readinessProbe of init container "side" targets host "localhost" [fix: remove readinessProbe.tcpSocket.host (unsafe)]
            18:25 spec.containers[0].lifecycle.preStop.httpGet.host probe or lifecycle host: the lifecycle.preStop of container "a" targets host "127.0.0.1" [fix: remove lifecycle.preStop.httpGet.host (unsafe)]
        "#]],
        );
    }
}
