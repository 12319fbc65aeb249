//! Version-faithful semantics (issue 17 part B): with `kube_minor`, what a cluster of that version
//! with its default feature gates does. The API server drops the fields whose gate is off when it
//! creates a pod, before admission sees it, so Pod Security Admission, the effective context and the
//! kubelet all see the pod without them.

use podsec::{Options, PssLevel, analyze};

const UNMASKED: &str = "apiVersion: v1
kind: Pod
metadata:
  name: unmasked
spec:
  containers:
  - name: app
    image: app:1
    securityContext:
      procMount: Unmasked
";

fn at(minor: u32, level: PssLevel) -> Options {
    Options {
        level,
        kube_minor: Some(minor),
        ..Options::default()
    }
}

/// `procMount: Unmasked` is dropped below 1.33 (ProcMountType off by default), so baseline admits
/// the pod there and denies it from 1.33, where the field reaches admission.
#[test]
fn proc_mount_is_dropped_where_its_gate_is_off() {
    for (minor, admitted, effective) in [
        (28, true, "Default"),
        (30, true, "Default"),
        (32, true, "Default"),
        (33, false, "Unmasked"),
        (34, false, "Unmasked"),
        (37, false, "Unmasked"),
    ] {
        let a = analyze(UNMASKED, &at(minor, PssLevel::Baseline));
        let o = &a.objects[0];
        assert_eq!(
            o.allowed,
            admitted,
            "1.{minor}: {:?}",
            o.findings.iter().map(|f| &f.check).collect::<Vec<_>>()
        );
        let proc_mount = o.containers[0]
            .effective
            .get("procMount")
            .expect("procMount in the effective view");
        assert_eq!(
            proc_mount.value,
            podsec::Value::Str(effective.to_string()),
            "1.{minor}"
        );
        if admitted {
            assert!(
                proc_mount
                    .note
                    .as_deref()
                    .unwrap_or("")
                    .contains("resets it to Default"),
                "1.{minor}: {:?}",
                proc_mount.note
            );
        }
    }
}

/// `hostUsers: false` is dropped below 1.33 (UserNamespacesSupport off by default): the pod shares
/// the host's user namespace there.
#[test]
fn host_users_is_dropped_where_its_gate_is_off() {
    let text = UNMASKED.replace("spec:\n", "spec:\n  hostUsers: false\n");
    for (minor, shares_host) in [(30, true), (32, true), (33, false), (36, false)] {
        let a = analyze(&text, &at(minor, PssLevel::Baseline));
        let users = a.objects[0].containers[0]
            .effective
            .get("hostUsers")
            .expect("hostUsers in the effective view");
        assert_eq!(users.value, podsec::Value::Bool(shares_host), "1.{minor}");
    }
}

/// The kubelet's `seccompDefault: true` applies `RuntimeDefault` only where its gate is on by
/// default (1.25+); on 1.22-1.24 it is alpha and the container runs unconfined.
#[test]
fn seccomp_default_follows_its_kubelet_gate() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: app:1\n";
    for (minor, kind) in [
        (21, "Unconfined"),
        (22, "Unconfined"),
        (24, "Unconfined"),
        (25, "RuntimeDefault"),
        (37, "RuntimeDefault"),
    ] {
        let options = Options {
            seccomp_default: true,
            ..at(minor, PssLevel::Privileged)
        };
        let a = analyze(text, &options);
        let seccomp = a.objects[0].containers[0]
            .effective
            .get("seccompProfile")
            .expect("seccompProfile in the effective view");
        assert_eq!(
            seccomp.value,
            podsec::Value::Object(vec![(
                "type".to_string(),
                podsec::Value::Str(kind.to_string())
            )]),
            "1.{minor}"
        );
    }
}

/// Fields newer than the cluster, or gated off there, are dropped for admission and validation,
/// and the warning says which gate; the newest release drops nothing.
#[test]
fn dropped_fields_are_reported_per_release() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  os: {name: linux}\n  securityContext:\n    seLinuxChangePolicy: Recursive\n    appArmorProfile: {type: Unconfined}\n  containers:\n  - name: app\n    image: app:1\n";
    for (minor, dropped, baseline_allows) in [
        (23, 3, true),
        (29, 2, true),
        (30, 1, false),
        (32, 1, false),
        (33, 0, false),
        (37, 0, false),
    ] {
        let a = analyze(text, &at(minor, PssLevel::Baseline));
        let o = &a.objects[0];
        let warnings = o
            .findings
            .iter()
            .filter(|f| f.check == "field-dropped-by-version")
            .count();
        assert_eq!(warnings, dropped, "1.{minor}");
        // appArmorProfile Unconfined is denied at baseline only where the field exists.
        assert_eq!(o.allowed, baseline_allows, "1.{minor}");
    }
}
