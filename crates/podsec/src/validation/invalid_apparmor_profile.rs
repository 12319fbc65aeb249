//! `invalid-apparmor-profile`: an `appArmorProfile` the API server refuses (V-C15…V-C20, V-P10;
//! 1.30+).

use crate::fix::{FieldPath, Fix, FixAvailability, Patch, PatchValue};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule, go_quote};
use crate::yaml::Node;

use super::{Ctx, api, key_span, scopes};

pub(super) const CHECK: Check = Check {
    id: "invalid-apparmor-profile",
    level: FindingLevel::Rejected,
    summary: "an appArmorProfile with a missing or unknown type, or a bad localhostProfile",
    default_on: true,
    fix: FixAvailability::Sometimes,
    docs: crate::rule::docs!(Docs {
        what: "Flags a pod or container `appArmorProfile` that the API server refuses:
- no `type`;
- a `type` other than `Localhost`, `RuntimeDefault` or `Unconfined`;
- `type: Localhost` with no or an empty `localhostProfile`, with one padded with whitespace, or longer than 4095 bytes;
- `localhostProfile` with any other type.",
        why: "The whole object is refused, so nothing runs.
Unlike seccomp, an AppArmor `localhostProfile` is the name of a profile loaded into the node's kernel, not a file path, so it is easy to get wrong when moving from the legacy annotation (`localhost/<name>`).",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: example/app:1.0
      securityContext:
        appArmorProfile:
          type: Localhost
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
          type: Localhost
          localhostProfile: k8s-app
",
        fix_safety: "Two errors are fixed safely: a `localhostProfile` next to another type is removed (it has no effect there), and a padded name is trimmed (the padded name could never be accepted).
The others need a choice of profile.",
        policy: "The fields exist from Kubernetes 1.30 (beta, GA in 1.31); before that they are unknown and dropped, so nothing is checked.",
        references: &[
            "https://kubernetes.io/docs/tutorials/security/apparmor/",
            "https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/validation/validation.go",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

const TYPES: &str = "supported values: \"Localhost\", \"RuntimeDefault\", \"Unconfined\"";

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    if ctx.kube() < 30 {
        return;
    }
    let pod = ctx.pod;
    for scope in scopes(pod) {
        let Some(sc) = scope.sc(pod) else { continue };
        let Some((key, profile)) = sc.get_entry("appArmorProfile").filter(|(_, v)| v.is_map())
        else {
            continue;
        };
        let base = scope.path(pod, "appArmorProfile");
        let container = scope.name();
        let kind = profile.field("type");
        let kind_text = kind.and_then(Node::as_str).unwrap_or("");
        let at_kind = kind.map_or_else(|| key.span(), Node::span);
        let local = profile.field("localhostProfile");
        let p = format!("{base}.localhostProfile");
        match kind_text {
            "" => {
                let tp = format!("{base}.type");
                out.push(ctx.report(
                    &CHECK,
                    api(
                        &tp,
                        "Required value",
                        "type is required when appArmorProfile is set",
                    ),
                    container,
                    at_kind,
                    tp,
                ));
            }
            "Localhost" => match local.and_then(Node::as_str) {
                None | Some("") => out.push(ctx.report(
                    &CHECK,
                    api(
                        &p,
                        "Required value",
                        "must be set when AppArmor type is Localhost",
                    ),
                    container,
                    local.map_or_else(|| key_span(profile, "type").unwrap_or(at_kind), Node::span),
                    p,
                )),
                Some(name) => {
                    let at = local.map_or(at_kind, Node::span);
                    if name.trim() != name {
                        out.push(
                            ctx.report(
                                &CHECK,
                                api(
                                    &p,
                                    &format!("Invalid value: {}", go_quote(name)),
                                    "must not be padded with whitespace",
                                ),
                                container,
                                at,
                                p.clone(),
                            )
                            .with_fix(Fix::safe(
                                "trim appArmorProfile.localhostProfile",
                                vec![Patch::Set {
                                    path: FieldPath::parse(&p),
                                    value: PatchValue::Str(name.trim().to_string()),
                                }],
                            )),
                        );
                    }
                    if name.len() > 4095 {
                        out.push(ctx.report(
                            &CHECK,
                            api(&p, "Too long", "may not be more than 4095 bytes"),
                            container,
                            at,
                            p,
                        ));
                    }
                }
            },
            "RuntimeDefault" | "Unconfined" => {
                if let Some(l) = local {
                    out.push(
                        ctx.report(
                            &CHECK,
                            api(
                                &p,
                                &format!("Invalid value: {}", super::go(l)),
                                "can only be set when AppArmor type is Localhost",
                            ),
                            container,
                            l.span(),
                            p.clone(),
                        )
                        .with_fix(Fix::safe(
                            "remove appArmorProfile.localhostProfile",
                            vec![Patch::Remove {
                                path: FieldPath::parse(&p),
                            }],
                        )),
                    );
                }
            }
            other => {
                let tp = format!("{base}.type");
                out.push(ctx.report(
                    &CHECK,
                    api(
                        &tp,
                        &format!("Unsupported value: {}", go_quote(other)),
                        TYPES,
                    ),
                    container,
                    at_kind,
                    tp,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    const POD: &str = r#"
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    appArmorProfile: {type: runtime/default}
  containers:
  - name: a
    securityContext:
      appArmorProfile: {type: Localhost, localhostProfile: ""}
  - name: b
    securityContext:
      appArmorProfile: {type: Localhost, localhostProfile: " k8s "}
  - name: c
    securityContext:
      appArmorProfile: {type: Unconfined, localhostProfile: x}
  - name: d
    securityContext:
      appArmorProfile: {localhostProfile: x}
"#;

    #[test]
    fn from_1_30() {
        check(
            &CHECK,
            &format!("# podsec: --kube 1.29{POD}"),
            expect![[""]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.30{POD}"),
            expect![[r#"
                7:29 spec.securityContext.appArmorProfile.type spec.securityContext.appArmorProfile.type: Unsupported value: "runtime/default": supported values: "Localhost", "RuntimeDefault", "Unconfined"
                11:60 spec.containers[0].securityContext.appArmorProfile.localhostProfile spec.containers[0].securityContext.appArmorProfile.localhostProfile: Required value: must be set when AppArmor type is Localhost
                14:60 spec.containers[1].securityContext.appArmorProfile.localhostProfile spec.containers[1].securityContext.appArmorProfile.localhostProfile: Invalid value: " k8s ": must not be padded with whitespace [fix: trim appArmorProfile.localhostProfile (safe)]
                17:61 spec.containers[2].securityContext.appArmorProfile.localhostProfile spec.containers[2].securityContext.appArmorProfile.localhostProfile: Invalid value: "x": can only be set when AppArmor type is Localhost [fix: remove appArmorProfile.localhostProfile (safe)]
                20:7 spec.containers[3].securityContext.appArmorProfile.type spec.containers[3].securityContext.appArmorProfile.type: Required value: type is required when appArmorProfile is set
            "#]],
        );
    }

    #[test]
    fn too_long() {
        let yaml = POD.replace("\" k8s \"", &"a".repeat(4096));
        check(
            &CHECK,
            &format!("# podsec: --kube 1.36{yaml}"),
            expect![[r#"
                7:29 spec.securityContext.appArmorProfile.type spec.securityContext.appArmorProfile.type: Unsupported value: "runtime/default": supported values: "Localhost", "RuntimeDefault", "Unconfined"
                11:60 spec.containers[0].securityContext.appArmorProfile.localhostProfile spec.containers[0].securityContext.appArmorProfile.localhostProfile: Required value: must be set when AppArmor type is Localhost
                14:60 spec.containers[1].securityContext.appArmorProfile.localhostProfile spec.containers[1].securityContext.appArmorProfile.localhostProfile: Too long: may not be more than 4095 bytes
                17:61 spec.containers[2].securityContext.appArmorProfile.localhostProfile spec.containers[2].securityContext.appArmorProfile.localhostProfile: Invalid value: "x": can only be set when AppArmor type is Localhost [fix: remove appArmorProfile.localhostProfile (safe)]
                20:7 spec.containers[3].securityContext.appArmorProfile.type spec.containers[3].securityContext.appArmorProfile.type: Required value: type is required when appArmorProfile is set
            "#]],
        );
    }
}
