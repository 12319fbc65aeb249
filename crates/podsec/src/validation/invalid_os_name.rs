//! `invalid-os-name`: `spec.os.name` empty or not `linux` / `windows` (V-S1, 1.23+).

use crate::fix::{FieldPath, Fix, FixAvailability, Patch, PatchValue};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule, go_quote};
use crate::yaml::Node;

use super::{Ctx, api};

pub(super) const CHECK: Check = Check {
    id: "invalid-os-name",
    level: FindingLevel::Rejected,
    summary: "spec.os.name empty or other than linux or windows",
    default_on: true,
    fix: FixAvailability::Sometimes,
    docs: crate::rule::docs!(Docs {
        what: "Flags `spec.os` whose `name` is missing, empty, or anything but the lower-case `linux` or `windows`.",
        why: "The API server refuses the object.
`spec.os.name` also decides which security fields are allowed (Windows pods may not set Linux-only fields and the reverse), so a wrong spelling is not harmless.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  os:
    name: Linux
  containers:
    - name: app
      image: example/app:1.0
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  os:
    name: linux
  containers:
    - name: app
      image: example/app:1.0
",
        fix_safety: "A name that is `linux` or `windows` in another case is lower-cased: that is the only value it can have meant, so the fix is safe.",
        policy: "`spec.os` exists from Kubernetes 1.23 (GA in 1.25); before that the field is unknown and dropped, and a 1.23 API server drops it too (`IdentifyPodOS` alpha, off by default), so the check applies from 1.24.",
        references: &["https://kubernetes.io/docs/concepts/workloads/pods/#pod-os"],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    // Before 1.24 the API server drops `spec.os` (no field, then IdentifyPodOS off by default)
    // before validation sees it; field-dropped-by-version says so.
    if !crate::versions::IDENTIFY_POD_OS.enabled(ctx.kube()) {
        return;
    }
    let Some((key, os)) = ctx.pod.spec.get_entry("os").filter(|(_, v)| v.is_map()) else {
        return;
    };
    let base = format!("{}.os", ctx.pod.path);
    let name = os.field("name");
    match name.and_then(Node::text) {
        None | Some("") => {
            let p = format!("{base}.name");
            out.push(ctx.report(
                &CHECK,
                api(&p, "Required value", "cannot be empty"),
                None,
                name.map_or_else(|| key.span(), Node::span),
                p,
            ));
        }
        Some("linux" | "windows") => {}
        Some(other) => {
            let mut f = ctx.report(
                &CHECK,
                api(
                    &base,
                    &format!("Unsupported value: {}", go_quote(other)),
                    "supported values: \"linux\", \"windows\"",
                ),
                None,
                name.map_or_else(|| key.span(), Node::span),
                base.clone(),
            );
            let lower = other.to_ascii_lowercase();
            if lower == "linux" || lower == "windows" {
                f = f.with_fix(Fix::safe(
                    format!("set spec.os.name: {lower}"),
                    vec![Patch::Set {
                        path: FieldPath::parse(&format!("{base}.name")),
                        value: PatchValue::Str(lower),
                    }],
                ));
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    fn pod(kube: &str, name: &str) -> String {
        format!(
            "# podsec: --kube {kube}\napiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  os: {{name: {name}}}\n  containers: [{{name: a}}]\n"
        )
    }

    #[test]
    fn names() {
        // A 1.23 API server drops spec.os before validation (IdentifyPodOS alpha, off by default;
        // field-dropped-by-version says so): nothing to reject there.
        check(&CHECK, &pod("1.23", "Linux"), expect![""]);
        check(
            &CHECK,
            &pod("1.36", "\"\""),
            expect![[r#"
            6:14 spec.os.name spec.os.name: Required value: cannot be empty
        "#]],
        );
        // Before 1.23 spec.os is an unknown field, which the API server drops.
        check(&CHECK, &pod("1.22", "Linux"), expect![[""]]);
        check(&CHECK, &pod("1.36", "windows"), expect![[""]]);
    }
}
