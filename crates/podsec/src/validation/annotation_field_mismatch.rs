//! `annotation-field-mismatch`: a legacy seccomp or AppArmor annotation that disagrees with the
//! field of the same scope, which the API server refuses when it creates the pod (V-A3, V-A4).

use crate::effective::{APPARMOR_PREFIX, SECCOMP_POD, SECCOMP_PREFIX};
use crate::fix::FixAvailability;
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};
use crate::yaml::Node;

use super::{Ctx, api};

pub(super) const CHECK: Check = Check {
    id: "annotation-field-mismatch",
    level: FindingLevel::Rejected,
    summary: "a seccomp or AppArmor annotation that disagrees with the field it mirrors",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags a pod whose legacy annotation and field for the same scope ask for different profiles:
- `seccomp.security.alpha.kubernetes.io/pod` against `spec.securityContext.seccompProfile`, and `container.seccomp.security.alpha.kubernetes.io/<name>` against that container's `seccompProfile` (every release from 1.19);
- `container.apparmor.security.beta.kubernetes.io/<name>` against that container's `appArmorProfile` (from 1.30, when the field exists; not for Windows pods).
`runtime/default` and `docker/default` match `RuntimeDefault`, `unconfined` matches `Unconfined`, `localhost/<p>` matches `Localhost` with `localhostProfile: <p>`.",
        why: "The API server refuses to create such a pod (`seccomp type in annotation and field must match`), so nothing runs.
For a Deployment or any other workload the template is accepted and every pod its controller creates is refused, which shows only as `FailedCreate` events.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: unconfined
spec:
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: example/app:1.0
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: example/app:1.0
",
        fix_safety: "No automatic fix: choose which of the two is meant; then remove the annotation (it is deprecated, and inert for seccomp from 1.27).",
        policy: "API-server validation on Pod create (`validateSeccompAnnotationsAndFields` from 1.19; the AppArmor match from 1.30, after the annotation is copied into a container without its own field). Templates of workloads are not checked; the pods made from them are. See docs/versions.md.",
        references: &[
            "https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/validation/validation.go",
            "https://kubernetes.io/docs/tutorials/security/apparmor/",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

/// Which field of the profile disagrees, and the API server's detail: upstream's
/// `validateSeccompAnnotationsAndFieldsMatch` and its AppArmor twin, with `what` = `seccomp` or
/// `apparmor`.
fn mismatch(
    what: &str,
    annotation: &str,
    field: Node<'_>,
    runtime_default: &[&str],
) -> Option<(&'static str, String)> {
    let kind = field.field("type").and_then(Node::as_str).unwrap_or("");
    let type_error = || {
        Some((
            "type",
            format!("{what} type in annotation and field must match"),
        ))
    };
    match kind {
        "Unconfined" if annotation != "unconfined" => type_error(),
        "RuntimeDefault" if !runtime_default.contains(&annotation) => type_error(),
        "Localhost" => match annotation.strip_prefix("localhost/") {
            None => type_error(),
            Some(name) if field.field("localhostProfile").and_then(Node::as_str) != Some(name) => {
                Some((
                    "localhostProfile",
                    format!("{what} profile in annotation and field must match"),
                ))
            }
            Some(_) => None,
        },
        _ => None,
    }
}

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    let pod = ctx.pod;
    // As a created pod prints it: a workload's pods are created from the template at `spec`.
    let as_pod = |path: String| -> String {
        match path.strip_prefix(pod.path.as_str()) {
            Some(rest) if pod.path != "spec" => {
                format!("the controller's pods are refused: spec{rest}")
            }
            _ => path,
        }
    };
    let mut report = |field: Node<'_>,
                      path: String,
                      child: &str,
                      detail: &str,
                      container: Option<&str>,
                      note: Node<'_>,
                      key: &str| {
        let at = field
            .get_entry(child)
            .map_or_else(|| field.span(), |(k, _)| k.span());
        let full = format!("{path}.{child}");
        out.push(
            ctx.report(
                &CHECK,
                api(&as_pod(full.clone()), "Forbidden", detail),
                container,
                at,
                full,
            )
            .related(format!("annotation {key}"), note.span()),
        );
    };
    const SECCOMP_DEFAULTS: &[&str] = &["runtime/default", "docker/default"];
    if let (Some(field), Some((text, node))) = (
        pod.sc("seccompProfile").filter(|n| n.is_map()),
        pod.annotation(SECCOMP_POD),
    ) && let Some((child, detail)) = mismatch("seccomp", text, field, SECCOMP_DEFAULTS)
    {
        report(
            field,
            pod.sc_path("seccompProfile"),
            child,
            &detail,
            None,
            node,
            SECCOMP_POD,
        );
    }
    let apparmor = crate::versions::APPARMOR_FIELDS.enabled(ctx.kube()) && !pod.is_windows();
    for c in &pod.containers {
        let key = format!("{SECCOMP_PREFIX}{}", c.name);
        if let (Some(field), Some((text, node))) = (
            c.sc("seccompProfile").filter(|n| n.is_map()),
            pod.annotation(&key),
        ) && let Some((child, detail)) = mismatch("seccomp", text, field, SECCOMP_DEFAULTS)
        {
            report(
                field,
                c.sc_path("seccompProfile"),
                child,
                &detail,
                Some(c.name),
                node,
                &key,
            );
        }
        if !apparmor {
            continue;
        }
        let key = format!("{APPARMOR_PREFIX}{}", c.name);
        if let (Some(field), Some((text, node))) = (
            c.sc("appArmorProfile").filter(|n| n.is_map()),
            pod.annotation(&key),
        ) && let Some((child, detail)) = mismatch("apparmor", text, field, &["runtime/default"])
        {
            report(
                field,
                c.sc_path("appArmorProfile"),
                child,
                &detail,
                Some(c.name),
                node,
                &key,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: docker/default
    container.seccomp.security.alpha.kubernetes.io/a: localhost/a.json
    container.apparmor.security.beta.kubernetes.io/a: unconfined
    container.apparmor.security.beta.kubernetes.io/b: localhost/x
spec:
  securityContext:
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: a
    securityContext:
      seccompProfile: {type: Localhost, localhostProfile: b.json}
      appArmorProfile: {type: RuntimeDefault}
  - name: b
    securityContext:
      appArmorProfile: {type: Localhost, localhostProfile: x}
";

    /// The seccomp match is checked in every release; the AppArmor one once the field exists.
    #[test]
    fn by_version() {
        check(
            &CHECK,
            &format!("# podsec: --kube 1.19\n{POD}"),
            expect![[r#"
                17:41 spec.containers[0].securityContext.seccompProfile.localhostProfile spec.containers[0].securityContext.seccompProfile.localhostProfile: Forbidden: seccomp profile in annotation and field must match
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.29\n{POD}"),
            expect![[r#"
                17:41 spec.containers[0].securityContext.seccompProfile.localhostProfile spec.containers[0].securityContext.seccompProfile.localhostProfile: Forbidden: seccomp profile in annotation and field must match
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.30\n{POD}"),
            expect![[r#"
                17:41 spec.containers[0].securityContext.seccompProfile.localhostProfile spec.containers[0].securityContext.seccompProfile.localhostProfile: Forbidden: seccomp profile in annotation and field must match
                18:25 spec.containers[0].securityContext.appArmorProfile.type spec.containers[0].securityContext.appArmorProfile.type: Forbidden: apparmor type in annotation and field must match
            "#]],
        );
    }

    #[test]
    fn workload_pods_are_refused() {
        let text = "# podsec: --kube 1.37\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata:\n      annotations:\n        seccomp.security.alpha.kubernetes.io/pod: unconfined\n    spec:\n      securityContext:\n        seccompProfile: {type: RuntimeDefault}\n      containers:\n      - name: a\n";
        check(
            &CHECK,
            text,
            expect![[r#"
            12:26 spec.template.spec.securityContext.seccompProfile.type the controller's pods are refused: spec.securityContext.seccompProfile.type: Forbidden: seccomp type in annotation and field must match
        "#]],
        );
    }
}
