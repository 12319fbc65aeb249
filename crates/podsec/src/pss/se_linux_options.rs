//! `seLinuxOptions` (baseline): only the standard container SELinux types, and no custom user or role.

use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::pod::PodView;
use crate::pss::{
    Out, Rule, Verdict, containers_phrase, finding, join_quote, pluralize, sorted_set, who,
};
use crate::rule::{Check, Docs};
use crate::yaml::Node;

pub(crate) const CHECK: Check = Check {
    id: "seLinuxOptions",
    level: FindingLevel::Baseline,
    summary: "the pod or a container sets a custom SELinux type, user or role",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "\
Checks every `seLinuxOptions` object, on the pod and on each container, independently.
`type` must be empty or one of `container_t`, `container_init_t`, `container_kvm_t` (and, from v1.31, `container_engine_t`); `user` and `role` must be empty.
`level` is not restricted.",
        why: "\
On SELinux nodes the container's process label is what confines it: `container_t` may touch only files labelled for containers.
Choosing another type (for example `spc_t`, the \"super privileged container\" type, or `unconfined_t`) switches that confinement off, and a custom user or role can grant transitions into more powerful domains.
An attacker in such a container can then read and write host files that SELinux would otherwise have protected, even if everything else about the pod looks locked down.",
        example: "\
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  securityContext:
    seLinuxOptions:
      type: spc_t
  containers:
  - name: app
    image: busybox
",
        use_instead: "\
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  securityContext:
    seLinuxOptions:
      level: \"s0:c123,c456\"
  containers:
  - name: app
    image: busybox
",
        fix_safety: "\
No automatic fix: a custom SELinux type, user or role is a deliberate policy decision, often made to give a workload access to host files or devices.
Remove the custom values if the workload works confined as `container_t`; otherwise run it in a namespace exempt from baseline.
Setting only `level` (the MCS categories) is allowed and is the usual way to separate workloads.",
        policy: "\
Baseline profile (and therefore restricted) from v1.0.
v1.31 adds `container_engine_t` to the allowed types, for workloads that run a container engine inside the container.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
            "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#assign-selinux-labels-to-a-container",
        ],
    }),
};

pub(crate) const RULE: Rule = Rule {
    check: &CHECK,
    versions: &[(0, v1_0), (31, v1_31)],
    overrides: None,
};

const TYPES_1_0: &[&str] = &["", "container_t", "container_init_t", "container_kvm_t"];
const TYPES_1_31: &[&str] = &[
    "",
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

fn v1_0(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    check(pod, TYPES_1_0, out)
}

fn v1_31(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    check(pod, TYPES_1_31, out)
}

#[derive(Default)]
struct Acc {
    types: Vec<String>,
    user: bool,
    role: bool,
}

/// Validates one `seLinuxOptions` object; pushes findings and returns whether it is bad.
fn validate(
    opts: Node<'_>,
    allowed: &[&str],
    acc: &mut Acc,
    mut report: impl FnMut(String, Node<'_>, &str),
) -> bool {
    let mut bad = false;
    let text = |k: &str| {
        opts.field(k)
            .map(|n| (n.text().unwrap_or("").to_string(), n))
    };
    let (ty, ty_node) = text("type").map_or((String::new(), None), |(t, n)| (t, Some(n)));
    if !allowed.contains(&ty.as_str()) {
        bad = true;
        acc.types.push(ty.clone());
        if let Some(n) = ty_node {
            report(format!("type \"{ty}\""), n, "type");
        }
    }
    for key in ["user", "role"] {
        if let Some((v, n)) = text(key).filter(|(v, _)| !v.is_empty()) {
            bad = true;
            if key == "user" {
                acc.user = true;
            } else {
                acc.role = true;
            }
            report(format!("{key} \"{v}\""), n, key);
        }
    }
    bad
}

const MANUAL: &str = "a custom SELinux type, user or role is a policy decision; remove it if the workload works confined as container_t";

fn check(pod: &PodView<'_>, allowed: &[&str], out: &mut Out<'_>) -> Verdict {
    let mut acc = Acc::default();
    let mut setters = Vec::new();
    if let Some(opts) = pod.sc("seLinuxOptions").filter(|n| n.is_map()) {
        let base = pod.sc_path("seLinuxOptions");
        let bad = validate(opts, allowed, &mut acc, |what, n, key| {
            out.push(
                finding(
                    format!("seLinuxOptions: the pod sets forbidden seLinuxOptions {what}"),
                    None,
                    n.span(),
                    format!("{base}.{key}"),
                )
                .with_fix(Fix::manual(format!("remove seLinuxOptions.{key}"), MANUAL)),
            );
        });
        if bad {
            setters.push("pod".to_string());
        }
    }
    let mut bad_containers = Vec::new();
    for c in &pod.containers {
        let Some(opts) = c.sc("seLinuxOptions").filter(|n| n.is_map()) else {
            continue;
        };
        let base = c.sc_path("seLinuxOptions");
        let name = who(c);
        let bad = validate(opts, allowed, &mut acc, |what, n, key| {
            out.push(
                finding(
                    format!("seLinuxOptions: {name} sets forbidden seLinuxOptions {what}"),
                    Some(c),
                    n.span(),
                    format!("{base}.{key}"),
                )
                .with_fix(Fix::manual(format!("remove seLinuxOptions.{key}"), MANUAL)),
            );
        });
        if bad {
            bad_containers.push(c.name);
        }
    }
    if !bad_containers.is_empty() {
        setters.push(containers_phrase(&bad_containers));
    }
    if setters.is_empty() {
        return Verdict::pass("no forbidden SELinux type, user or role", None);
    }
    let types = sorted_set(acc.types);
    let mut data = Vec::new();
    if !types.is_empty() {
        data.push(format!(
            "{} {}",
            pluralize("type", "types", types.len()),
            join_quote(&types)
        ));
    }
    if acc.user {
        data.push("user may not be set".to_string());
    }
    if acc.role {
        data.push("role may not be set".to_string());
    }
    Verdict::Denied {
        reason: "seLinuxOptions".to_string(),
        detail: format!(
            "{} set forbidden securityContext.seLinuxOptions: {}",
            setters.join(" and "),
            data.join("; ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn upstream_wording() {
        check(
            &CHECK,
            "# podsec: --version v1.31\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    seLinuxOptions: {type: foo, user: bar, role: baz}\n  containers:\n  - name: a\n    image: x\n    securityContext:\n      seLinuxOptions: {type: container_t}\n  - name: d\n    image: x\n    securityContext:\n      seLinuxOptions: {type: container_engine_t}\n  - name: e\n    image: x\n    securityContext:\n      seLinuxOptions: {type: bar}\n  - name: f\n    image: x\n    securityContext:\n      seLinuxOptions: {user: bar}\n",
            expect![[r#"
            denied: seLinuxOptions (pod and containers "e", "f" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set)
            8:28 spec.securityContext.seLinuxOptions.type seLinuxOptions: the pod sets forbidden seLinuxOptions type "foo" [fix: remove seLinuxOptions.type (manual)]
            8:39 spec.securityContext.seLinuxOptions.user seLinuxOptions: the pod sets forbidden seLinuxOptions user "bar" [fix: remove seLinuxOptions.user (manual)]
            8:50 spec.securityContext.seLinuxOptions.role seLinuxOptions: the pod sets forbidden seLinuxOptions role "baz" [fix: remove seLinuxOptions.role (manual)]
            21:30 spec.containers[2].securityContext.seLinuxOptions.type seLinuxOptions: container "e" sets forbidden seLinuxOptions type "bar" [fix: remove seLinuxOptions.type (manual)]
            25:30 spec.containers[3].securityContext.seLinuxOptions.user seLinuxOptions: container "f" sets forbidden seLinuxOptions user "bar" [fix: remove seLinuxOptions.user (manual)]
        "#]],
        );
        check(
            &CHECK,
            "# podsec: --version v1.30\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    seLinuxOptions: {type: foo, user: bar, role: baz}\n  containers:\n  - name: a\n    image: x\n    securityContext:\n      seLinuxOptions: {type: container_t}\n  - name: d\n    image: x\n    securityContext:\n      seLinuxOptions: {type: container_engine_t}\n  - name: e\n    image: x\n    securityContext:\n      seLinuxOptions: {type: bar}\n  - name: f\n    image: x\n    securityContext:\n      seLinuxOptions: {user: bar}\n",
            expect![[r#"
            denied: seLinuxOptions (pod and containers "d", "e", "f" set forbidden securityContext.seLinuxOptions: types "bar", "container_engine_t", "foo"; user may not be set; role may not be set)
            8:28 spec.securityContext.seLinuxOptions.type seLinuxOptions: the pod sets forbidden seLinuxOptions type "foo" [fix: remove seLinuxOptions.type (manual)]
            8:39 spec.securityContext.seLinuxOptions.user seLinuxOptions: the pod sets forbidden seLinuxOptions user "bar" [fix: remove seLinuxOptions.user (manual)]
            8:50 spec.securityContext.seLinuxOptions.role seLinuxOptions: the pod sets forbidden seLinuxOptions role "baz" [fix: remove seLinuxOptions.role (manual)]
            17:30 spec.containers[1].securityContext.seLinuxOptions.type seLinuxOptions: container "d" sets forbidden seLinuxOptions type "container_engine_t" [fix: remove seLinuxOptions.type (manual)]
            21:30 spec.containers[2].securityContext.seLinuxOptions.type seLinuxOptions: container "e" sets forbidden seLinuxOptions type "bar" [fix: remove seLinuxOptions.type (manual)]
            25:30 spec.containers[3].securityContext.seLinuxOptions.user seLinuxOptions: container "f" sets forbidden seLinuxOptions user "bar" [fix: remove seLinuxOptions.user (manual)]
        "#]],
        );
    }

    #[test]
    fn user_only_and_level_only() {
        check(
            &CHECK,
            "# podsec: --version v1.0\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    seLinuxOptions: {user: bad}\n  containers: []\n",
            expect![[r#"
            denied: seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: user may not be set)
            8:28 spec.securityContext.seLinuxOptions.user seLinuxOptions: the pod sets forbidden seLinuxOptions user "bad" [fix: remove seLinuxOptions.user (manual)]
        "#]],
        );
        check(
            &CHECK,
            "# podsec: --version v1.0\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    seLinuxOptions: {level: \"s0:c1\"}\n  containers: []\n",
            expect![[r#"
            allowed: no forbidden SELinux type, user or role
        "#]],
        );
    }
}
