//! `lowercase-capability`: a capability name not written in upper case.

use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, each_cap_entry};

pub(super) const CHECK: Check = Check {
    id: "lowercase-capability",
    level: FindingLevel::Hardening,
    summary: "a capability in add or drop is not written in upper case, e.g. drop: [all]",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "Flags entries of `securityContext.capabilities.add` and `.drop` that contain lower-case letters, such as `drop: [all]` or `add: [net_admin]`.
Names with a `CAP_` prefix are left to `cap-prefixed-capability`, whose fix also fixes the case.",
        why: "Kubernetes passes capability names to the runtime unchanged, and containerd and CRI-O upper-case them, so `drop: [all]` really drops every capability.
Pod Security Admission, however, compares names exactly: `drop: [all]` does not satisfy the restricted profile's \"must drop ALL\", and `add: [chown]` is not on baseline's allowed list.
Several linters (Polaris, Trivy, Kubesec) accept any case, so a manifest that passes them is then rejected by a namespace that enforces restricted, with a message that seems to contradict the manifest.",
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
            - all
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
            - ALL
",
        fix_safety: "Safe.
The fix replaces the entry by its upper-case spelling, which containerd and CRI-O already read it as, so the container gets exactly the same capabilities.",
        policy: "Pod Security Admission compares capability names case-sensitively at every policy version: `ALL` and `NET_BIND_SERVICE` in restricted (v1.22 and later), the list of default capabilities in baseline.",
        references: &[
            "https://github.com/kubernetes/pod-security-admission/blob/master/policy/check_capabilities_restricted.go",
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    each_cap_entry(ctx, |e| {
        let (c, entry, verb) = (e.container, e.entry, e.verb);
        if !entry.bytes().any(|b| b.is_ascii_lowercase())
            || entry
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case("CAP_"))
        {
            return;
        }
        let upper = entry.to_ascii_uppercase();
        let message = if upper == "ALL" {
            format!(
                "container \"{}\" {verb} \"{entry}\": the runtime reads it as ALL, but Pod Security Admission counts only the exact string ALL",
                c.name
            )
        } else {
            format!(
                "container \"{}\" {verb} \"{entry}\": the runtime reads it as {upper}, but Pod Security Admission compares names exactly",
                c.name
            )
        };
        let fix = Fix::safe(
            format!("write {upper} instead of {entry}"),
            e.rewrite(&upper),
        );
        out.push(e.report(ctx, &CHECK, message).with_fix(fix));
    });
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn lower_and_mixed_case() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    securityContext: {capabilities: {add: [Net_Admin, CHOWN, cap_kill], drop: [all]}}\n";
        check(
            &CHECK,
            yaml,
            expect![[r#"
            7:44 spec.containers[0].securityContext.capabilities.add[0] container "a" adds "Net_Admin": the runtime reads it as NET_ADMIN, but Pod Security Admission compares names exactly [fix: write NET_ADMIN instead of Net_Admin (safe)]
            7:80 spec.containers[0].securityContext.capabilities.drop[0] container "a" drops "all": the runtime reads it as ALL, but Pod Security Admission counts only the exact string ALL [fix: write ALL instead of all (safe)]
        "#]],
        );
    }
}
