//! `cap-prefixed-capability`: a capability name written with the kernel's `CAP_` prefix.

use crate::effective::caps;
use crate::fix::{Fix, FixAvailability, Patch};
use crate::model::{FindingLevel, Runtime};
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, each_cap_entry, path};

pub(super) const CHECK: Check = Check {
    id: "cap-prefixed-capability",
    level: FindingLevel::Hardening,
    summary: "a capability in add or drop is written with a CAP_ prefix, which containerd ignores",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "Flags entries of `securityContext.capabilities.add` and `.drop` that start with `CAP_` (in any case), such as `CAP_SYS_ADMIN`.
Kubernetes names capabilities without the prefix (`SYS_ADMIN`), and what the prefix does depends on the runtime, which you choose in the options.",
        why: "containerd always prepends `CAP_` to the names it receives, so `CAP_NET_RAW` becomes `CAP_CAP_NET_RAW`, which runc and crun do not know and ignore with a warning in the node's logs.
A prefixed `drop` therefore removes nothing: the manifest says `NET_RAW` is dropped, the container still has it.
A prefixed `add` grants nothing on containerd, but does grant the capability on CRI-O, which strips the prefix, so the same manifest behaves differently across clusters.
Pod Security Admission does not strip the prefix either: `add: [CAP_CHOWN]` fails baseline, and `drop: [CAP_ALL]` does not count as dropping `ALL`.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: example/app:1.0
      securityContext:
        capabilities:
          drop:
            - CAP_NET_RAW
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: example/app:1.0
      securityContext:
        capabilities:
          drop:
            - NET_RAW
",
        fix_safety: "On containerd: removing a prefixed `add` entry is safe (it never granted anything), but writing a `drop` entry without the prefix is unsafe, because the capability is then really dropped for the first time and a program that used it breaks.
On CRI-O, which already strips the prefix, writing the name without it is safe for both lists: the container gets exactly the same capabilities.",
        policy: "Pod Security Admission compares capability names exactly at every policy version, so prefixed names never match its lists.",
        references: &[
            "https://github.com/opencontainers/runc/pull/2854",
            "https://github.com/kubernetes/kubernetes/issues/119568",
            "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    let runtime = ctx.options.runtime;
    each_cap_entry(ctx, |e| {
        let (c, entry) = (e.container, e.entry);
        if !entry
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("CAP_"))
        {
            return;
        }
        let name = caps::display(entry);
        let (message, fix) = match (runtime, e.which) {
            (Runtime::Containerd, "add") => (
                format!(
                    "container \"{}\" adds \"{entry}\", which containerd ignores: the container does not get {name}",
                    c.name
                ),
                Fix::safe(
                    format!("remove {entry} from securityContext.capabilities.add"),
                    vec![Patch::RemoveItem {
                        path: path(e.list_path),
                        item: entry.to_string(),
                    }],
                ),
            ),
            (Runtime::Containerd, _) => (
                format!(
                    "container \"{}\" drops \"{entry}\", which containerd ignores: the container keeps {name}",
                    c.name
                ),
                Fix::unsafe_(
                    format!("write {name} instead of {entry}"),
                    format!("{name} is then really dropped: a program that uses it breaks"),
                    e.rewrite(&name),
                ),
            ),
            (Runtime::CriO, _) => (
                format!(
                    "container \"{}\" {} \"{entry}\": CRI-O reads it as {name}, but containerd ignores it and Pod Security Admission does not recognise it",
                    c.name, e.verb
                ),
                Fix::safe(format!("write {name} instead of {entry}"), e.rewrite(&name)),
            ),
        };
        out.push(e.report(ctx, &CHECK, message).with_fix(fix));
    });
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    securityContext: {capabilities: {add: [CAP_SYS_ADMIN], drop: [cap_net_raw]}}\n";

    #[test]
    fn per_runtime() {
        check(
            &CHECK,
            POD,
            expect![[r#"
            7:44 spec.containers[0].securityContext.capabilities.add[0] container "a" adds "CAP_SYS_ADMIN", which containerd ignores: the container does not get SYS_ADMIN [fix: remove CAP_SYS_ADMIN from securityContext.capabilities.add (safe)]
            7:67 spec.containers[0].securityContext.capabilities.drop[0] container "a" drops "cap_net_raw", which containerd ignores: the container keeps NET_RAW [fix: write NET_RAW instead of cap_net_raw (unsafe)]
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --runtime cri-o\n{POD}"),
            expect![[r#"
            8:44 spec.containers[0].securityContext.capabilities.add[0] container "a" adds "CAP_SYS_ADMIN": CRI-O reads it as SYS_ADMIN, but containerd ignores it and Pod Security Admission does not recognise it [fix: write SYS_ADMIN instead of CAP_SYS_ADMIN (safe)]
            8:67 spec.containers[0].securityContext.capabilities.drop[0] container "a" drops "cap_net_raw": CRI-O reads it as NET_RAW, but containerd ignores it and Pod Security Admission does not recognise it [fix: write NET_RAW instead of cap_net_raw (safe)]
        "#]],
        );
    }
}
