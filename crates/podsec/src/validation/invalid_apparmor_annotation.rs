//! `invalid-apparmor-annotation`: an AppArmor annotation naming no container, or with a value the
//! API server refuses (V-A2).

use crate::effective::APPARMOR_PREFIX;
use crate::fix::FixAvailability;
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule, go_quote};

use super::{Ctx, api};

pub(super) const CHECK: Check = Check {
    id: "invalid-apparmor-annotation",
    level: FindingLevel::Rejected,
    summary: "an AppArmor annotation for a container that does not exist, or with an invalid value",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags `container.apparmor.security.beta.kubernetes.io/<name>` annotations whose `<name>` is not a container of the pod (`container not found`), or whose value is not empty, `runtime/default`, `unconfined` or `localhost/<profile>` (`invalid AppArmor profile name`).",
        why: "The API server refuses the object.
A renamed container leaves its annotation behind, and values copied from the field (`RuntimeDefault`) or from seccomp (`docker/default`) do not work here.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
  annotations:
    container.apparmor.security.beta.kubernetes.io/web: runtime/default
spec:
  containers:
    - name: app
      image: example/app:1.0
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
        appArmorProfile:
          type: RuntimeDefault
",
        fix_safety: "No automatic fix: name the right container, or move to the `appArmorProfile` field.",
        policy: "API-server validation in every Kubernetes version this tool models.",
        references: &[
            "https://kubernetes.io/docs/tutorials/security/apparmor/",
            "https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/validation/validation.go",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    for (key, node) in ctx.pod.annotations() {
        let Some(name) = key.strip_prefix(APPARMOR_PREFIX) else {
            continue;
        };
        let path = ctx.annotation_path(key);
        if !ctx.pod.containers.iter().any(|c| c.name == name) {
            out.push(ctx.report(
                &CHECK,
                api(
                    &path,
                    &format!("Invalid value: {}", go_quote(name)),
                    "container not found",
                ),
                None,
                node.span(),
                path.clone(),
            ));
        }
        let value = node.text().unwrap_or("");
        let ok = matches!(value, "" | "runtime/default" | "unconfined")
            || value.starts_with("localhost/");
        if !ok {
            out.push(ctx.report(
                &CHECK,
                api(
                    &path,
                    &format!("Invalid value: {}", go_quote(value)),
                    &format!("invalid AppArmor profile name: {}", go_quote(value)),
                ),
                None,
                node.span(),
                path,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn annotations() {
        let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata:\n      annotations:\n        container.apparmor.security.beta.kubernetes.io/x: runtime/default\n        container.apparmor.security.beta.kubernetes.io/a: RuntimeDefault\n        container.apparmor.security.beta.kubernetes.io/b: localhost/k8s\n    spec:\n      containers: [{name: a}, {name: b}]\n";
        check(
            &CHECK,
            yaml,
            expect![[r#"
            8:59 spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/x] spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/x]: Invalid value: "x": container not found
            9:59 spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/a] spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/a]: Invalid value: "RuntimeDefault": invalid AppArmor profile name: "RuntimeDefault"
        "#]],
        );
    }
}
