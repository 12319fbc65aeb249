//! `os-name-case`: `spec.os.name` written in another case than `linux` or `windows`.

use crate::fix::{Fix, FixAvailability, Patch, PatchValue};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};
use crate::yaml::Node;

use super::{Ctx, path};

pub(super) const CHECK: Check = Check {
    id: "os-name-case",
    level: FindingLevel::Hardening,
    summary: "spec.os.name is Windows or Linux instead of windows or linux",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "Flags a `spec.os.name` that spells `linux` or `windows` in another case, such as `Windows` or `LINUX`.",
        why: "Kubernetes accepts exactly `linux` and `windows`: the API server rejects any other spelling (`Unsupported value`).
Before it does, tools disagree about what the pod is: Pod Security Admission compares exactly, so `Windows` is not a Windows pod and every Linux-only restricted check applies, while a linter that ignores case exempts it.
Fixing the spelling makes the manifest valid and makes every tool read it the same way.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  os:
    name: Windows
  containers:
    - name: app
      image: mcr.microsoft.com/windows/nanoserver:ltsc2022
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  os:
    name: windows
  containers:
    - name: app
      image: mcr.microsoft.com/windows/nanoserver:ltsc2022
",
        fix_safety: "Safe.
The API server rejects the misspelt value, so no running workload depends on it; the fix writes the lower-case name the author clearly meant.",
        policy: "From policy version v1.25 the restricted profile skips its Linux-only checks (`allowPrivilegeEscalation`, `capabilities_restricted`, `seccompProfile_restricted`) for pods whose `spec.os.name` is exactly `windows`.
The `spec.os` field exists from Kubernetes 1.23.",
        references: &[
            "https://kubernetes.io/docs/concepts/workloads/pods/#pod-os",
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    let Some(node) = ctx.pod.field("os").and_then(|o| o.field("name")) else {
        return;
    };
    let Some(name) = node.as_str() else { return };
    let Some(lower) = ["linux", "windows"]
        .into_iter()
        .find(|l| l.eq_ignore_ascii_case(name) && *l != name)
    else {
        return;
    };
    let field = format!("{}.os.name", ctx.pod.path);
    out.push(
        ctx.report(&CHECK, format!(
                "os.name \"{name}\" is not \"{lower}\": the API server accepts only linux and windows, and Pod Security Admission treats it as neither"
            ),
            None,
            Node::span(node),
            field.clone(),
        )
        .with_fix(Fix::safe(
            format!("set os.name: {lower}"),
            vec![Patch::Set {
                path: path(&field),
                value: PatchValue::Str(lower.to_string()),
            }],
        )),
    );
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn spellings() {
        let pod = |n: &str| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  os: {{name: {n}}}\n  containers: [{{name: a}}]\n"
            )
        };
        check(
            &CHECK,
            &pod("Windows"),
            expect![[r#"
            5:14 spec.os.name os.name "Windows" is not "windows": the API server accepts only linux and windows, and Pod Security Admission treats it as neither [fix: set os.name: windows (safe)]
        "#]],
        );
        check(
            &CHECK,
            &pod("LINUX"),
            expect![[r#"
            5:14 spec.os.name os.name "LINUX" is not "linux": the API server accepts only linux and windows, and Pod Security Admission treats it as neither [fix: set os.name: linux (safe)]
        "#]],
        );
        check(&CHECK, &pod("windows"), expect![[""]]);
        check(&CHECK, &pod("macos"), expect![[""]]);
    }
}
