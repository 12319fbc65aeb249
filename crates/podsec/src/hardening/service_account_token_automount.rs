//! `service-account-token-automount`: a pod that gets a Kubernetes API token mounted.

use crate::fix::{Fix, FixAvailability, Patch, PatchValue};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};
use crate::yaml::Node;

use super::{Ctx, path};

pub(super) const CHECK: Check = Check {
    id: "service-account-token-automount",
    level: FindingLevel::Hardening,
    summary: "the pod does not set automountServiceAccountToken: false",
    default_on: false,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "Flags a pod spec whose `automountServiceAccountToken` is not `false`.
Unset, the pod follows its ServiceAccount's `automountServiceAccountToken`, which is `true` unless the ServiceAccount says otherwise, and a manifest of the pod alone cannot show that.
The rule is off by default: many applications (operators, controllers, anything using a Kubernetes client library) need the token, and for them the finding would be noise.
Turn it on for namespaces whose workloads never talk to the API server.",
        why: "With the token mounted at `/var/run/secrets/kubernetes.io/serviceaccount/token`, anyone who takes over the container can call the Kubernetes API with the pod's identity.
What that gives depends on the ServiceAccount's RBAC: at least discovery, often read access to secrets or config maps through permissions granted long ago to the namespace's `default` account.
A workload that never calls the API should not carry a credential for it.",
        example: "# podsec: --enable service-account-token-automount
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: example/app:1.0
",
        use_instead: "# podsec: --enable service-account-token-automount
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  automountServiceAccountToken: false
  containers:
    - name: app
      image: example/app:1.0
",
        fix_safety: "Unsafe.
The fix sets `automountServiceAccountToken: false` on the pod spec.
A program that uses the Kubernetes API (client libraries read the mounted token through \"in-cluster configuration\") fails to authenticate.
Such a workload should keep the token and get a dedicated ServiceAccount with the least RBAC it needs instead.",
        policy: "",
        references: &[
            "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting",
            "https://kubernetes.io/docs/concepts/security/service-accounts/",
            "CIS Kubernetes Benchmark 5.1.6 (ensure that service account tokens are only mounted where necessary)",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    let written = ctx.pod.field("automountServiceAccountToken");
    if written.and_then(Node::as_bool) == Some(false) {
        return;
    }
    let (message, at) = match written {
        Some(n) if n.as_bool() == Some(true) => (
            "pod sets automountServiceAccountToken=true: every container gets a Kubernetes API token",
            n.span(),
        ),
        _ => (
            "pod does not set automountServiceAccountToken=false: containers get a Kubernetes API token unless its ServiceAccount opts out",
            ctx.pod.spec.span(),
        ),
    };
    let field = format!("{}.automountServiceAccountToken", ctx.pod.path);
    out.push(
        ctx.report(&CHECK, message, None, at, field.clone())
            .with_fix(Fix::unsafe_(
                "set automountServiceAccountToken: false",
                "a program that calls the Kubernetes API can no longer authenticate",
                vec![Patch::Set {
                    path: path(&field),
                    value: PatchValue::Bool(false),
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
    fn only_false_passes() {
        let pod = |v: &str| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  {v}\n  containers: [{{name: a}}]\n"
            )
        };
        check(
            &CHECK,
            &pod("automountServiceAccountToken: true"),
            expect![[r#"
            5:33 spec.automountServiceAccountToken pod sets automountServiceAccountToken=true: every container gets a Kubernetes API token [fix: set automountServiceAccountToken: false (unsafe)]
        "#]],
        );
        check(
            &CHECK,
            &pod("hostname: x"),
            expect![[r#"
            5:3 spec.automountServiceAccountToken pod does not set automountServiceAccountToken=false: containers get a Kubernetes API token unless its ServiceAccount opts out [fix: set automountServiceAccountToken: false (unsafe)]
        "#]],
        );
        check(
            &CHECK,
            &pod("automountServiceAccountToken: false"),
            expect![[""]],
        );
    }
}
