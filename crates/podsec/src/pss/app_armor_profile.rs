//! `appArmorProfile` (baseline): AppArmor may not be disabled or overridden with an arbitrary profile.

use crate::fix::{Fix, FixAvailability, Patch, PatchValue};
use crate::model::FindingLevel;
use crate::pod::PodView;
use crate::pss::{
    BadProfiles, Out, Rule, Verdict, annotation_to_runtime_default, annotation_value,
    bad_profile_types, fp, join_quote, pluralize, sorted_set,
};
use crate::rule::{Check, Docs, go_quote};

pub(crate) const CHECK: Check = Check {
    id: "appArmorProfile",
    level: FindingLevel::Baseline,
    summary: "the pod or a container disables AppArmor or uses an arbitrary profile",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "\
Checks the AppArmor profile fields and the legacy AppArmor annotations.
Every `appArmorProfile` object that is set, on the pod and on each container, must have `type` `RuntimeDefault` or `Localhost`; `Unconfined`, any other value and an empty object (`{}`) fail.
Every annotation whose key starts with `container.apparmor.security.beta.kubernetes.io/` must be empty, `runtime/default`, or start with `localhost/`; the key does not have to name a real container.
A good container value does not rescue a bad pod value: each is judged on its own.",
        why: "\
AppArmor is one of the layers that stop a compromised container from touching the node: the runtime's default profile denies writes to `/proc` and `/sys` internals, mounting, and other operations containers have no business doing.
`Unconfined` removes that layer, so an attacker who gets code execution faces one barrier less, and the exploits that AppArmor has historically blocked work again.",
        example: "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    appArmorProfile:
      type: Unconfined
  containers:
  - name: app
    image: nginx
",
        use_instead: "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    appArmorProfile:
      type: RuntimeDefault
  containers:
  - name: app
    image: nginx
",
        fix_safety: "\
The fix sets the profile to `RuntimeDefault` (for annotations, `runtime/default`).
It is unsafe: a workload that asked for `Unconfined` usually does something the default profile blocks (mounting filesystems, running a nested container runtime, writing kernel tunables), and that operation then fails with a permission error.
If it needs more than the default allows, write a `Localhost` profile that grants exactly that.",
        policy: "\
Baseline profile (and therefore restricted), every version from v1.0.
The annotations are checked at every version, and so are the `appArmorProfile` fields, even though the fields only appeared in Kubernetes 1.30.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
            "https://kubernetes.io/docs/tutorials/security/apparmor/",
        ],
    }),
};

pub(crate) const RULE: Rule = Rule {
    check: &CHECK,
    versions: &[(0, v1_0)],
    overrides: None,
};

const PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";
const NOTE: &str = "operations that the default AppArmor profile blocks (mounts, nested runtimes, kernel tunables) start failing";

fn allowed_type(t: &str) -> bool {
    matches!(t, "RuntimeDefault" | "Localhost")
}

fn allowed_annotation(v: &str) -> bool {
    v.is_empty() || v == "runtime/default" || v.starts_with("localhost/")
}

fn type_fix(path: &str) -> Fix {
    Fix::unsafe_(
        "set appArmorProfile.type: RuntimeDefault",
        NOTE,
        vec![Patch::Set {
            path: fp(path),
            value: PatchValue::Str("RuntimeDefault".to_string()),
        }],
    )
}

fn v1_0(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    let BadProfiles {
        mut setters,
        values,
    } = bad_profile_types(
        pod,
        "appArmorProfile",
        allowed_type,
        "forbidden AppArmor profile",
        type_fix,
        out,
    );
    let mut values = sorted_set(values);
    let mut annotations = Vec::new();
    for (key, n) in pod.annotations() {
        if !key.starts_with(PREFIX) {
            continue;
        }
        let v = annotation_value(n);
        if allowed_annotation(&v) {
            continue;
        }
        annotations.push(format!("{key}={}", go_quote(&v)));
        out.push(annotation_to_runtime_default(
            format!("forbidden AppArmor profile: annotation {key} is \"{v}\""),
            n,
            pod.annotation_path(key),
            "AppArmor",
            NOTE,
        ));
    }
    if !annotations.is_empty() {
        crate::order::sort(&mut annotations);
        setters.push(pluralize("annotation", "annotations", annotations.len()).to_string());
        values.extend(annotations);
    }
    if setters.is_empty() {
        return Verdict::pass("no AppArmor profile is disabled or overridden", None);
    }
    Verdict::Denied {
        reason: pluralize(
            "forbidden AppArmor profile",
            "forbidden AppArmor profiles",
            values.len(),
        )
        .to_string(),
        detail: format!(
            "{} must not set AppArmor profile type to {}",
            setters.join(" and "),
            join_quote(&values)
        ),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn fields_pod_and_containers() {
        check(
            &CHECK,
            "# podsec: --version v1.0\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    appArmorProfile: {type: Unconfined}\n  initContainers:\n  - name: i\n    image: x\n    securityContext:\n      appArmorProfile: {}\n  containers:\n  - name: a\n    image: x\n    securityContext:\n      appArmorProfile: {type: RuntimeDefault}\n  - name: b\n    image: x\n    securityContext:\n      appArmorProfile: {type: Localhost, localhostProfile: x}\n",
            expect![[r#"
            denied: forbidden AppArmor profiles (pod and container "i" must not set AppArmor profile type to "", "Unconfined")
            8:29 spec.securityContext.appArmorProfile.type forbidden AppArmor profile: the pod sets appArmorProfile.type to "Unconfined" [fix: set appArmorProfile.type: RuntimeDefault (unsafe)]
            13:24 spec.initContainers[0].securityContext.appArmorProfile.type forbidden AppArmor profile: init container "i" sets appArmorProfile.type to "" [fix: set appArmorProfile.type: RuntimeDefault (unsafe)]
        "#]],
        );
    }

    #[test]
    fn container_value_does_not_rescue_pod() {
        check(
            &CHECK,
            "# podsec: --version v1.37\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    appArmorProfile: {type: Unconfined}\n  containers:\n  - name: a\n    image: x\n    securityContext:\n      appArmorProfile: {type: RuntimeDefault}\n",
            expect![[r#"
            denied: forbidden AppArmor profile (pod must not set AppArmor profile type to "Unconfined")
            8:29 spec.securityContext.appArmorProfile.type forbidden AppArmor profile: the pod sets appArmorProfile.type to "Unconfined" [fix: set appArmorProfile.type: RuntimeDefault (unsafe)]
        "#]],
        );
    }

    #[test]
    fn annotations_any_key_with_prefix() {
        check(
            &CHECK,
            "# podsec: --version v1.0\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/: bogus\n    container.apparmor.security.beta.kubernetes.io/a: ''\n    container.apparmor.security.beta.kubernetes.io/b: runtime/default\n    container.apparmor.security.beta.kubernetes.io/c: localhost/\n    container.apparmor.security.beta.kubernetes.io/e: unconfined\nspec:\n  containers: []\n",
            expect![[r#"
            denied: forbidden AppArmor profiles (annotations must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/="bogus"", "container.apparmor.security.beta.kubernetes.io/e="unconfined"")
            7:54 metadata.annotations["container.apparmor.security.beta.kubernetes.io/"] forbidden AppArmor profile: annotation container.apparmor.security.beta.kubernetes.io/ is "bogus" [fix: set the AppArmor annotation to runtime/default (unsafe)]
            11:55 metadata.annotations["container.apparmor.security.beta.kubernetes.io/e"] forbidden AppArmor profile: annotation container.apparmor.security.beta.kubernetes.io/e is "unconfined" [fix: set the AppArmor annotation to runtime/default (unsafe)]
        "#]],
        );
    }
}
