//! `invalid-seccomp-annotation`: a legacy seccomp annotation with a value the API server refuses
//! (V-A1).

use crate::effective::{SECCOMP_POD, SECCOMP_PREFIX};
use crate::fix::FixAvailability;
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule, go_quote};

use super::invalid_seccomp_profile::descending_path_errors;
use super::{Ctx, api};

pub(super) const CHECK: Check = Check {
    id: "invalid-seccomp-annotation",
    level: FindingLevel::Rejected,
    summary: "a seccomp annotation whose value is not runtime/default, docker/default, unconfined or localhost/<relative path>",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags `seccomp.security.alpha.kubernetes.io/pod` and `container.seccomp.security.alpha.kubernetes.io/<name>` annotations whose value is not `runtime/default`, `docker/default`, `unconfined` or `localhost/<path>` with a relative path free of `..` elements.",
        why: "The API server still validates these annotations, even in releases where they no longer do anything (1.27 and later), so a typo in a forgotten annotation refuses the whole object.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: RuntimeDefault
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
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: example/app:1.0
",
        fix_safety: "No automatic fix: replace the annotation with the `seccompProfile` field (see `deprecated-seccomp-annotation`).",
        policy: "API-server validation in every Kubernetes version this tool models (1.19 and later), including those where the annotation is inert.",
        references: &[
            "https://kubernetes.io/docs/tutorials/security/seccomp/",
            "https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/validation/validation.go",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    let base = format!("{}.annotations", ctx.pod.meta_path());
    for (key, node) in ctx.pod.annotations() {
        if key != SECCOMP_POD && !key.starts_with(SECCOMP_PREFIX) {
            continue;
        }
        let value = node.text().unwrap_or("");
        let path = format!("{base}.{key}");
        let errors: Vec<&str> = match value {
            "runtime/default" | "docker/default" | "unconfined" => Vec::new(),
            v => match v.strip_prefix("localhost/") {
                Some(p) => descending_path_errors(p),
                None => vec!["must be a valid seccomp profile"],
            },
        };
        let shown = value
            .strip_prefix("localhost/")
            .filter(|_| !errors.contains(&"must be a valid seccomp profile"))
            .unwrap_or(value);
        for detail in errors {
            out.push(ctx.report(
                &CHECK,
                api(
                    &path,
                    &format!("Invalid value: {}", go_quote(shown)),
                    detail,
                ),
                None,
                node.span(),
                path.clone(),
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
    fn values() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    seccomp.security.alpha.kubernetes.io/pod: RuntimeDefault\n    container.seccomp.security.alpha.kubernetes.io/a: localhost/../x\n    container.seccomp.security.alpha.kubernetes.io/b: docker/default\nspec:\n  containers: [{name: a}, {name: b}]\n";
        check(
            &CHECK,
            yaml,
            expect![[r#"
            6:47 metadata.annotations.seccomp.security.alpha.kubernetes.io/pod metadata.annotations.seccomp.security.alpha.kubernetes.io/pod: Invalid value: "RuntimeDefault": must be a valid seccomp profile
            7:55 metadata.annotations.container.seccomp.security.alpha.kubernetes.io/a metadata.annotations.container.seccomp.security.alpha.kubernetes.io/a: Invalid value: "../x": must not contain '..'
        "#]],
        );
    }
}
