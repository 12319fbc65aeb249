//! `invalid-seccomp-profile`: a `seccompProfile` the API server refuses (V-C6…V-C11, V-P8).

use crate::fix::{FieldPath, Fix, FixAvailability, Patch};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule, go_quote};
use crate::yaml::Node;

use super::{Ctx, api, go, key_span, scopes};

pub(super) const CHECK: Check = Check {
    id: "invalid-seccomp-profile",
    level: FindingLevel::Rejected,
    summary: "a seccompProfile with a missing or unknown type, or a bad localhostProfile",
    default_on: true,
    fix: FixAvailability::Sometimes,
    docs: crate::rule::docs!(Docs {
        what: "Flags a pod or container `seccompProfile` that the API server refuses:
- no `type` (`type is required when seccompProfile is set`);
- a `type` other than `Localhost`, `RuntimeDefault` or `Unconfined` (spelled exactly so);
- `type: Localhost` without `localhostProfile`, or with an absolute path, or with a `..` path element;
- `localhostProfile` with any other type (`can only be set when seccomp type is Localhost`).",
        why: "The whole object is refused, so nothing runs.
The usual causes are a lower-case type (`runtimeDefault`), the legacy annotation spelling (`runtime/default`) pasted into the field, or a profile path written the way the node stores it (`/var/lib/kubelet/seccomp/x.json`) instead of relative to the kubelet's seccomp directory.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:
    seccompProfile:
      type: runtime/default
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
        fix_safety: "Only `localhostProfile` next to a type other than `Localhost` is fixed, by removing it: it has no effect with that type, so the fix is safe.
Other errors need a choice of profile.",
        policy: "API-server validation since the fields appeared in Kubernetes 1.19, unchanged since.",
        references: &[
            "https://kubernetes.io/docs/tutorials/security/seccomp/",
            "https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/validation/validation.go",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

const TYPES: &str = "supported values: \"Localhost\", \"RuntimeDefault\", \"Unconfined\"";

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    let pod = ctx.pod;
    for scope in scopes(pod) {
        let Some(sc) = scope.sc(pod) else { continue };
        let Some((key, profile)) = sc.get_entry("seccompProfile").filter(|(_, v)| v.is_map())
        else {
            continue;
        };
        let base = scope.path(pod, "seccompProfile");
        let container = scope.name();
        let kind = profile.field("type");
        let kind_text = kind.and_then(Node::as_str).unwrap_or("");
        if kind_text.is_empty() {
            let p = format!("{base}.type");
            let at = kind.map_or_else(|| key.span(), Node::span);
            out.push(ctx.report(
                &CHECK,
                api(
                    &p,
                    "Required value",
                    "type is required when seccompProfile is set",
                ),
                container,
                at,
                p,
            ));
            continue;
        }
        if !matches!(kind_text, "Localhost" | "RuntimeDefault" | "Unconfined") {
            let p = format!("{base}.type");
            let at = kind.map_or_else(|| key.span(), Node::span);
            out.push(ctx.report(
                &CHECK,
                api(
                    &p,
                    &format!("Unsupported value: {}", go_quote(kind_text)),
                    TYPES,
                ),
                container,
                at,
                p,
            ));
        }
        let local = profile.field("localhostProfile");
        let p = format!("{base}.localhostProfile");
        if kind_text == "Localhost" {
            match local.and_then(Node::as_str) {
                None => out.push(ctx.report(
                    &CHECK,
                    api(
                        &p,
                        "Required value",
                        "must be set when seccomp type is Localhost",
                    ),
                    container,
                    key_span(profile, "type").unwrap_or_else(|| key.span()),
                    p,
                )),
                Some(path) => {
                    let at = local.map_or_else(|| key.span(), Node::span);
                    for detail in descending_path_errors(path) {
                        out.push(ctx.report(
                            &CHECK,
                            api(&p, &format!("Invalid value: {}", go_quote(path)), detail),
                            container,
                            at,
                            p.clone(),
                        ));
                    }
                }
            }
        } else if let Some(l) = local {
            out.push(
                ctx.report(&CHECK, api(
                        &p,
                        &format!(
                            "Invalid value: core.SeccompProfile{{Type:{}, LocalhostProfile:(*string)({})}}",
                            go_quote(kind_text),
                            go(l)
                        ),
                        "can only be set when seccomp type is Localhost",
                    ),
                    container,
                    l.span(),
                    p.clone(),
                )
                .with_fix(Fix::safe(
                    "remove seccompProfile.localhostProfile",
                    vec![Patch::Remove { path: FieldPath::parse(&p) }],
                )),
            );
        }
    }
}

/// The errors of Kubernetes' `validateLocalDescendingPath`.
pub(super) fn descending_path_errors(path: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    if path.starts_with('/') {
        out.push("must be a relative path");
    }
    if path.split('/').any(|part| part == "..") {
        out.push("must not contain '..'");
    }
    out
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn every_rule() {
        let yaml = r#"
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    seccompProfile: {localhostProfile: x}
  containers:
  - name: a
    securityContext:
      seccompProfile: {type: runtimeDefault, localhostProfile: x}
  - name: b
    securityContext:
      seccompProfile: {type: Localhost}
  - name: c
    securityContext:
      seccompProfile: {type: Localhost, localhostProfile: /abs/../x.json}
  - name: d
    securityContext:
      seccompProfile: {type: Localhost, localhostProfile: ""}
"#;
        check(
            &CHECK,
            yaml,
            expect![[r#"
            7:5 spec.securityContext.seccompProfile.type spec.securityContext.seccompProfile.type: Required value: type is required when seccompProfile is set
            11:30 spec.containers[0].securityContext.seccompProfile.type spec.containers[0].securityContext.seccompProfile.type: Unsupported value: "runtimeDefault": supported values: "Localhost", "RuntimeDefault", "Unconfined"
            11:64 spec.containers[0].securityContext.seccompProfile.localhostProfile spec.containers[0].securityContext.seccompProfile.localhostProfile: Invalid value: core.SeccompProfile{Type:"runtimeDefault", LocalhostProfile:(*string)("x")}: can only be set when seccomp type is Localhost [fix: remove seccompProfile.localhostProfile (safe)]
            14:24 spec.containers[1].securityContext.seccompProfile.localhostProfile spec.containers[1].securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost
            17:59 spec.containers[2].securityContext.seccompProfile.localhostProfile spec.containers[2].securityContext.seccompProfile.localhostProfile: Invalid value: "/abs/../x.json": must be a relative path
            17:59 spec.containers[2].securityContext.seccompProfile.localhostProfile spec.containers[2].securityContext.seccompProfile.localhostProfile: Invalid value: "/abs/../x.json": must not contain '..'
        "#]],
        );
    }
}
