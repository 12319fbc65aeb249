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
