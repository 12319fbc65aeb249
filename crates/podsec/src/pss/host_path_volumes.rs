//! `hostPathVolumes` (baseline): the pod must not mount directories of the node.

use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::pod::PodView;
use crate::pss::{Out, Rule, Verdict, finding, join_quote, pluralize};
use crate::rule::{Check, Docs};
use crate::yaml::Node;

pub(crate) const CHECK: Check = Check {
    id: "hostPathVolumes",
    level: FindingLevel::Baseline,
    summary: "the pod mounts a hostPath volume",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "\
Checks that no entry of `spec.volumes` has a `hostPath` source.",
        why: "\
A `hostPath` volume mounts a file or directory of the node into the pod.
Depending on the path, an attacker inside the pod can read other pods' secrets and logs (`/var/lib/kubelet`, `/var/log`), talk to the container runtime (`/run/containerd/containerd.sock`) and start privileged containers, or write to `/etc` and plant cron jobs or SSH keys.
Even a read-only mount of an innocent-looking directory can leak credentials, and symlink races in volume handling have let containers reach host files outside the mounted path (CVE-2021-25741).
The blast radius is the node and everything scheduled on it.",
        example: "\
apiVersion: v1
kind: Pod
metadata:
  name: logs
spec:
  containers:
  - name: app
    image: busybox
    volumeMounts:
    - name: varlog
      mountPath: /var/log
  volumes:
  - name: varlog
    hostPath:
      path: /var/log
",
        use_instead: "\
apiVersion: v1
kind: Pod
metadata:
  name: logs
spec:
  containers:
  - name: app
    image: busybox
    volumeMounts:
    - name: scratch
      mountPath: /var/log
  volumes:
  - name: scratch
    emptyDir: {}
",
        fix_safety: "\
No automatic fix: which volume type should replace the host directory depends on what the workload does with it.
Scratch space becomes an `emptyDir`, configuration a `configMap` or `secret`, durable data a `persistentVolumeClaim`.
Agents that genuinely need node files belong in a namespace exempt from baseline.",
        policy: "\
Baseline profile, every version from v1.0.
At the restricted level it is always replaced (overridden) by `restrictedVolumes`, which forbids `hostPath` along with every other non-ephemeral volume type.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
            "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
        ],
    }),
};

pub(crate) const RULE: Rule = Rule {
    check: &CHECK,
    versions: &[(0, v1_0)],
    overrides: None,
};

fn volume_name(v: Node<'_>) -> String {
    v.field("name")
        .and_then(Node::text)
        .unwrap_or("")
        .to_string()
}

fn v1_0(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    let mut names = Vec::new();
    for (i, v) in pod.volumes().into_iter().enumerate() {
        let Some(hp) = v.field("hostPath") else {
            continue;
        };
        let name = volume_name(v);
        let path = hp.field("path").and_then(Node::text).unwrap_or("");
        let at = v
            .get_entry("hostPath")
            .map_or_else(|| hp.span(), |(k, _)| k.span());
        out.push(
            finding(
                format!("hostPath volumes: volume \"{name}\" mounts the node's {path:?}"),
                None,
                at,
                format!("{}.volumes[{i}].hostPath", pod.path),
            )
            .with_fix(Fix::manual(
                "replace the hostPath volume",
                "use emptyDir for scratch space, configMap or secret for configuration, or a persistentVolumeClaim for data",
            )),
        );
        names.push(name);
    }
    if names.is_empty() {
        return Verdict::pass("no hostPath volumes", None);
    }
    Verdict::Denied {
        reason: "hostPath volumes".to_string(),
        detail: format!(
            "{} {}",
            pluralize("volume", "volumes", names.len()),
            join_quote(&names)
        ),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn host_path_fails() {
        check(
            &CHECK,
            "# podsec: --version v1.0\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n  volumes:\n  - name: a\n    hostPath:\n      path: /etc\n  - name: b\n    emptyDir: {}\n  - name: c\n    hostPath: {path: /}\n",
            expect![[r#"
            denied: hostPath volumes (volumes "a", "c")
            10:5 spec.volumes[0].hostPath hostPath volumes: volume "a" mounts the node's "/etc" [fix: replace the hostPath volume (manual)]
            15:5 spec.volumes[2].hostPath hostPath volumes: volume "c" mounts the node's "/" [fix: replace the hostPath volume (manual)]
        "#]],
        );
    }

    #[test]
    fn null_host_path_is_unset() {
        check(
            &CHECK,
            "# podsec: --version v1.37\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n  volumes:\n  - name: a\n    hostPath: null\n    emptyDir: {}\n",
            expect![[r#"
            allowed: no hostPath volumes
        "#]],
        );
    }
}
