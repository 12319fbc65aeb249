//! `restrictedVolumes` (restricted): only ephemeral, projected and claim-backed volume types.

use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::pod::PodView;
use crate::pss::{Out, Rule, Verdict, finding, join_quote, pluralize, sorted_set};
use crate::rule::{Check, Docs};
use crate::yaml::Node;

pub(crate) const CHECK: Check = Check {
    id: "restrictedVolumes",
    level: FindingLevel::Restricted,
    summary: "the pod uses a volume type outside the restricted set",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "\
Checks that every entry of `spec.volumes` uses one of the allowed sources: `configMap`, `csi`, `downwardAPI`, `emptyDir`, `ephemeral`, `image`, `persistentVolumeClaim`, `projected` or `secret`.
Any other source (`hostPath`, `nfs`, `iscsi`, `gitRepo`, cloud disks and the other in-tree drivers) fails, and so does an entry whose source is not recognised.
A volume with no source at all is what the API server turns into an `emptyDir`, so it passes.",
        why: "\
In-tree volume drivers give the pod spec direct control over what the node mounts: a host directory, an arbitrary NFS export or iSCSI target, a Git repository cloned by the kubelet as root.
These bypass the PersistentVolume layer through which administrators decide what storage exists, and several have been the source of node compromises (symlink escapes, the `gitRepo` hook execution).
Restricting pods to ephemeral, projected and claim-based volumes keeps storage decisions with the cluster administrator.",
        example: "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx
  volumes:
  - name: data
    nfs:
      server: nfs.example.com
      path: /exports/data
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
  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: data
",
        fix_safety: "\
No automatic fix: replacing a volume source changes where the data lives.
Move network storage behind a PersistentVolume and reference it through a `persistentVolumeClaim`, use `emptyDir` for scratch space and `configMap`, `secret` or `projected` for configuration.",
        policy: "\
Restricted profile, every version from v1.0.
It replaces (overrides) the baseline `hostPathVolumes` check at every restricted version.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
            "https://kubernetes.io/docs/concepts/storage/volumes/",
        ],
    }),
};

pub(crate) const RULE: Rule = Rule {
    check: &CHECK,
    versions: &[(0, v1_0)],
    overrides: Some(&super::host_path_volumes::CHECK),
};

const ALLOWED: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// Forbidden sources, in the order upstream reports them.
const FORBIDDEN: &[&str] = &[
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
];

/// What a volume is, as PSA sees it after API defaulting.
enum Kind<'a> {
    /// An allowed source.
    Allowed,
    /// No source at all: the API server defaults it to `emptyDir`.
    Defaulted,
    /// A forbidden source, or `unknown`.
    Forbidden(&'static str, Option<Node<'a>>),
}

fn classify(v: Node<'_>) -> Kind<'_> {
    if ALLOWED.iter().any(|k| v.field(k).is_some()) {
        return Kind::Allowed;
    }
    if let Some(k) = FORBIDDEN.iter().find(|k| v.field(k).is_some()) {
        let key = v.get_entry(k).map(|(key, _)| key);
        return Kind::Forbidden(k, key);
    }
    let has_source = v
        .entries()
        .iter()
        .any(|(k, val)| k.text().is_some_and(|k| k != "name") && !val.is_null());
    if has_source {
        Kind::Forbidden("unknown", None)
    } else {
        Kind::Defaulted
    }
}

fn v1_0(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    let mut names = Vec::new();
    let mut types = Vec::new();
    let mut defaulted = Vec::new();
    let volumes = pod.volumes();
    for (i, v) in volumes.iter().enumerate() {
        let name = v
            .field("name")
            .and_then(Node::text)
            .unwrap_or("")
            .to_string();
        match classify(*v) {
            Kind::Allowed => {}
            Kind::Defaulted => defaulted.push(name),
            Kind::Forbidden(ty, key) => {
                let at = key.map_or_else(|| v.span(), |k| k.span());
                let path = if ty == "unknown" {
                    format!("{}.volumes[{i}]", pod.path)
                } else {
                    format!("{}.volumes[{i}].{ty}", pod.path)
                };
                out.push(
                    finding(
                        format!("restricted volume types: volume \"{name}\" uses restricted volume type \"{ty}\""),
                        None,
                        at,
                        path,
                    )
                    .with_fix(Fix::manual(
                        "replace the volume source",
                        "move network storage behind a persistentVolumeClaim; use emptyDir for scratch space and configMap, secret or projected for configuration",
                    )),
                );
                names.push(name);
                types.push(ty.to_string());
            }
        }
    }
    if names.is_empty() {
        let reason = if volumes.is_empty() {
            "no volumes".to_string()
        } else if defaulted.is_empty() {
            "every volume uses an allowed type".to_string()
        } else {
            format!(
                "every volume uses an allowed type ({} {} no source, which the API server defaults to emptyDir)",
                join_quote(&defaulted),
                pluralize("has", "have", defaulted.len())
            )
        };
        return Verdict::pass(reason, None);
    }
    let types = sorted_set(types);
    Verdict::Denied {
        reason: "restricted volume types".to_string(),
        detail: format!(
            "{} {} {} {} {}",
            pluralize("volume", "volumes", names.len()),
            join_quote(&names),
            pluralize("uses", "use", names.len()),
            pluralize(
                "restricted volume type",
                "restricted volume types",
                types.len()
            ),
            join_quote(&types)
        ),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn allowed_and_forbidden() {
        check(
            &CHECK,
            "# podsec: --version v1.0\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n  volumes:\n  - {name: a1, emptyDir: {}}\n  - {name: a7, csi: {driver: x}}\n  - {name: a8, ephemeral: {}}\n  - {name: a9, image: {reference: x}}\n  - {name: b1, hostPath: {path: /}}\n  - {name: b10, nfs: {server: x, path: /}}\n  - {name: b2, hostPath: {path: /x}}\n  - {name: c1, madeUp: {}}\n",
            expect![[r#"
            denied: restricted volume types (volumes "b1", "b10", "b2", "c1" use restricted volume types "hostPath", "nfs", "unknown")
            13:16 spec.volumes[4].hostPath restricted volume types: volume "b1" uses restricted volume type "hostPath" [fix: replace the volume source (manual)]
            14:17 spec.volumes[5].nfs restricted volume types: volume "b10" uses restricted volume type "nfs" [fix: replace the volume source (manual)]
            15:16 spec.volumes[6].hostPath restricted volume types: volume "b2" uses restricted volume type "hostPath" [fix: replace the volume source (manual)]
            16:5 spec.volumes[7] restricted volume types: volume "c1" uses restricted volume type "unknown" [fix: replace the volume source (manual)]
        "#]],
        );
    }

    #[test]
    fn sourceless_volume_is_defaulted_to_empty_dir() {
        check(
            &CHECK,
            "# podsec: --version v1.0\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n  volumes:\n  - name: volume0\n",
            expect![[r#"
            allowed: every volume uses an allowed type ("volume0" has no source, which the API server defaults to emptyDir)
        "#]],
        );
    }

    #[test]
    fn allowed_source_wins_over_forbidden() {
        check(
            &CHECK,
            "# podsec: --version v1.0\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n  volumes:\n  - {name: a, emptyDir: {}, hostPath: {path: /}}\n",
            expect![[r#"
            allowed: every volume uses an allowed type
        "#]],
        );
    }

    #[test]
    fn one_volume_wording() {
        check(
            &CHECK,
            "# podsec: --version v1.0\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n  volumes:\n  - {name: a, gitRepo: {repository: x}}\n",
            expect![[r#"
            denied: restricted volume types (volume "a" uses restricted volume type "gitRepo")
            9:15 spec.volumes[0].gitRepo restricted volume types: volume "a" uses restricted volume type "gitRepo" [fix: replace the volume source (manual)]
        "#]],
        );
    }
}
