//! What every security-context field controls, for explanations in the UI and the CLI.
//!
//! One entry per field of the pod's and the containers' `securityContext`, plus the pod-spec fields
//! that shape isolation (`hostUsers`, `hostNetwork`, `hostPID`, `hostIPC`,
//! `shareProcessNamespace`, `automountServiceAccountToken`). The effective view names its rows
//! after these entries, and a test keeps the two in step.

use serde::Serialize;

/// Where a field can be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Scope {
    /// Only in the pod's `spec.securityContext`.
    Pod,
    /// Only in a container's `securityContext`.
    Container,
    /// In both; the container's value wins for that container.
    Both,
    /// Directly in the pod spec (`spec.<field>`), not in a `securityContext`.
    PodSpec,
}

impl Scope {
    /// Where to write it, in words.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Scope::Pod => "pod securityContext only",
            Scope::Container => "container securityContext only",
            Scope::Both => "pod and container securityContext (the container's value wins)",
            Scope::PodSpec => "pod spec",
        }
    }
}

/// One field.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct FieldDoc {
    /// The field name as written in YAML, e.g. `runAsUser`.
    pub name: &'static str,
    /// Where it can be written.
    pub scope: Scope,
    /// What it controls.
    pub what: &'static str,
    /// What applies when it is unset everywhere.
    pub default: &'static str,
    /// How it interacts with other fields, the runtime and the Pod Security Standards.
    pub interactions: &'static str,
    /// The first Kubernetes minor release with the field, when newer than 1.19.
    pub since: Option<u32>,
}

/// Every field, pod-and-container fields first, then pod-only, container-only and pod-spec fields.
pub const FIELDS: &[FieldDoc] = &[
    FieldDoc {
        name: "runAsUser",
        scope: Scope::Both,
        what: "The numeric user ID the container's processes run as.",
        default: "The image's USER; root (0) when the image sets none. A USER given as a name is resolved from the image's /etc/passwd by the runtime, and the kubelet cannot tell whether it is root.",
        interactions: "A container value overrides the pod value. With runAsNonRoot: true, a runAsUser of 0 makes the kubelet refuse to start the container. Restricted forbids an explicit 0 from policy v1.23 (not for hostUsers: false from v1.35). With hostUsers: false the ID is inside the pod's user namespace and maps to an unprivileged ID on the node.",
        since: None,
    },
    FieldDoc {
        name: "runAsGroup",
        scope: Scope::Both,
        what: "The numeric primary group ID of the container's processes.",
        default: "The group of the user's entry in the image's /etc/passwd, or 0 (root) when there is none. The group part of an image's USER uid:gid is not honoured under Kubernetes.",
        interactions: "A container value overrides the pod value. Not checked by the Pod Security Standards. Group 0 gives access to files owned by root's group; podsec's root-group rule flags it.",
        since: None,
    },
    FieldDoc {
        name: "runAsNonRoot",
        scope: Scope::Both,
        what: "Asks the kubelet to verify, when it starts the container, that the process will not run as root.",
        default: "No check.",
        interactions: "A container value overrides the pod value, so a container's false switches off a pod's true. The kubelet refuses to start the container if the effective user is 0, or, when runAsUser is unset, if the image's USER is unset, 0 or not numeric. Restricted requires true (pod-level true covers containers that leave it unset); it does not accept a non-zero runAsUser instead.",
        since: None,
    },
    FieldDoc {
        name: "seLinuxOptions",
        scope: Scope::Both,
        what: "The SELinux label (user, role, type, level) of the container's processes, on nodes with SELinux.",
        default: "The runtime assigns a label, typically container_t with a per-pod MCS level.",
        interactions: "A container object replaces the pod object as a whole (no per-key merge in the kubelet); then containerd builds the label from the container's keys alone, picking a fresh MCS level when level is missing, while CRI-O keeps the pod's level. Baseline allows only the types container_t, container_init_t, container_kvm_t (and container_engine_t from v1.31) and no user or role.",
        since: None,
    },
    FieldDoc {
        name: "seccompProfile",
        scope: Scope::Both,
        what: "The seccomp filter of the container's system calls: RuntimeDefault (the runtime's default profile), Localhost (a profile file on the node) or Unconfined (no filter).",
        default: "Unconfined, or RuntimeDefault when the kubelet runs with seccompDefault: true.",
        interactions: "A container value overrides the pod value as a whole. Privileged containers run without seccomp whatever is set. Baseline forbids Unconfined from policy v1.19; restricted requires RuntimeDefault or Localhost from v1.19 (not for Windows pods from v1.25). Before Kubernetes 1.27 the legacy seccomp annotations also set it.",
        since: None,
    },
    FieldDoc {
        name: "appArmorProfile",
        scope: Scope::Both,
        what: "The AppArmor profile of the container's processes: RuntimeDefault, Localhost (a profile loaded on the node, by name) or Unconfined.",
        default: "On nodes with AppArmor, the runtime's default profile; no profile otherwise.",
        interactions: "Order: the container's field, then the legacy container.apparmor.security.beta.kubernetes.io/<name> annotation, then the pod's field. Any profile but Unconfined on a node without AppArmor makes the kubelet reject the pod. Privileged containers get no profile, except a Localhost one on containerd. Baseline forbids Unconfined.",
        since: Some(30),
    },
    FieldDoc {
        name: "windowsOptions",
        scope: Scope::Both,
        what: "Windows-only settings: the user name to run as (runAsUserName), the GMSA credential spec, and hostProcess.",
        default: "Nothing: the image's default user.",
        interactions: "Merged per key: a container's runAsUserName or hostProcess overrides the pod's, and the two GMSA keys are taken together from the container when it sets either. Forbidden on pods with os.name: linux. Baseline forbids hostProcess: true.",
        since: None,
    },
    FieldDoc {
        name: "fsGroup",
        scope: Scope::Pod,
        what: "A group added to every container's supplementary groups, which also becomes the group owner of supported volumes (the kubelet changes their ownership and permissions when mounting them).",
        default: "None: volumes keep their ownership.",
        interactions: "Lets a non-root user write to volumes without running as root. fsGroupChangePolicy controls when ownership is changed. Not checked by the Pod Security Standards; 0 gives the root group.",
        since: None,
    },
    FieldDoc {
        name: "fsGroupChangePolicy",
        scope: Scope::Pod,
        what: "When the kubelet changes volume ownership to fsGroup: Always (every mount) or OnRootMismatch (only when the volume's root does not already match, much faster for large volumes).",
        default: "Always.",
        interactions: "Only matters with fsGroup, and only for volume types that support ownership management.",
        since: None,
    },
    FieldDoc {
        name: "supplementalGroups",
        scope: Scope::Pod,
        what: "Extra group IDs given to the first process of every container.",
        default: "None beyond the groups of the user in the image's /etc/group (with the Merge policy).",
        interactions: "Added together with fsGroup and any group IDs of bound persistent volumes. Not checked by the Pod Security Standards; 0 gives the root group.",
        since: None,
    },
    FieldDoc {
        name: "supplementalGroupsPolicy",
        scope: Scope::Pod,
        what: "Whether the groups listed for the user in the image's /etc/group are added too (Merge) or not (Strict).",
        default: "Merge.",
        interactions: "Strict needs runtime support (containerd 2.0, CRI-O 1.31); from Kubernetes 1.33 the kubelet rejects it on nodes without support. The API server drops the field when its feature gate is off (before 1.33 by default).",
        since: Some(31),
    },
    FieldDoc {
        name: "sysctls",
        scope: Scope::Pod,
        what: "Namespaced kernel parameters set for the pod's sandbox (for example net.ipv4.ip_unprivileged_port_start).",
        default: "The node's values.",
        interactions: "The kubelet accepts only its safe list plus --allowed-unsafe-sysctls; others make the pod fail with SysctlForbidden. Network sysctls cannot be combined with hostNetwork, IPC ones with hostIPC. Baseline allows only the safe list, which grew at policy v1.27, v1.29 and v1.32.",
        since: None,
    },
    FieldDoc {
        name: "seLinuxChangePolicy",
        scope: Scope::Pod,
        what: "How volumes get the pod's SELinux label: Recursive (relabel every file) or MountOption (mount with the label, much faster).",
        default: "MountOption where the SELinuxMount feature is on; otherwise MountOption only for ReadWriteOncePod volumes and Recursive for the rest.",
        interactions: "Only matters on SELinux nodes. Pods sharing a volume must agree on it.",
        since: Some(32),
    },
    FieldDoc {
        name: "privileged",
        scope: Scope::Container,
        what: "Runs the container almost like a process on the node: every capability, every host device, no seccomp, AppArmor or SELinux confinement, no masked /proc paths, writable /sys.",
        default: "false.",
        interactions: "Overrides capabilities, seccompProfile and procMount. Cannot be combined with allowPrivilegeEscalation: false (the API server rejects it). readOnlyRootFilesystem still applies. Baseline forbids it.",
        since: None,
    },
    FieldDoc {
        name: "allowPrivilegeEscalation",
        scope: Scope::Container,
        what: "Whether a process can gain more privileges than its parent: false sets the no_new_privs flag, so set-user-ID binaries and file capabilities no longer raise privileges.",
        default: "Escalation allowed (no_new_privs is not set).",
        interactions: "Always effectively true for privileged containers and containers with CAP_SYS_ADMIN; the API server rejects false with privileged: true or with CAP_SYS_ADMIN (spelt exactly so) in capabilities.add. Restricted requires false from policy v1.8 (not for Windows pods from v1.25).",
        since: None,
    },
    FieldDoc {
        name: "capabilities",
        scope: Scope::Container,
        what: "Linux capabilities to add to or drop from the runtime's default set (add, then drop: a name in both ends up dropped on containerd and CRI-O).",
        default: "The runtime's default set: 14 capabilities on containerd (NET_RAW included), 9 on CRI-O.",
        interactions: "Ignored for privileged containers. Names go to the runtime unchanged: containerd and CRI-O accept any case, containerd ignores a CAP_ prefix, while Pod Security Admission compares names exactly. A non-root process gets none of them at start unless file capabilities grant them. Baseline limits add to the default-like list; restricted requires drop: [ALL] and allows adding only NET_BIND_SERVICE from policy v1.22.",
        since: None,
    },
    FieldDoc {
        name: "readOnlyRootFilesystem",
        scope: Scope::Container,
        what: "Mounts the container's root filesystem (the image) read-only.",
        default: "false: the container can write anywhere in its filesystem.",
        interactions: "Volumes keep their own read-write setting, so directories the program writes to need emptyDir or other volumes. Honoured even for privileged containers. Not part of the Pod Security Standards.",
        since: None,
    },
    FieldDoc {
        name: "procMount",
        scope: Scope::Container,
        what: "Whether the runtime masks sensitive /proc and /sys paths (Default) or not (Unmasked).",
        default: "Default.",
        interactions: "Unmasked requires hostUsers: false (from Kubernetes 1.30) and the ProcMountType feature gate (on by default from 1.33; otherwise the API server resets the field to Default). Privileged containers are unmasked anyway. Baseline forbids Unmasked, but allows it for hostUsers: false from policy v1.35; restricted forbids it from v1.35 regardless.",
        since: None,
    },
    FieldDoc {
        name: "hostUsers",
        scope: Scope::PodSpec,
        what: "false runs the pod in its own user namespace: container user IDs, root included, map to unprivileged IDs on the node.",
        default: "true: the pod shares the node's user namespace.",
        interactions: "Cannot be combined with hostNetwork, hostPID or hostIPC. Needs runtime support (containerd 2.0, CRI-O 1.25). The API server drops it when the feature gate is off (before 1.33 by default). From policy v1.35 it exempts the pod from restricted's runAsNonRoot and runAsUser checks and allows procMount: Unmasked at baseline.",
        since: Some(25),
    },
    FieldDoc {
        name: "hostNetwork",
        scope: Scope::PodSpec,
        what: "Puts the pod in the node's network namespace: it sees and binds the node's interfaces and ports.",
        default: "false.",
        interactions: "Baseline forbids it. With NET_ADMIN or NET_RAW the container can then act on the node's traffic. Windows HostProcess pods require it.",
        since: None,
    },
    FieldDoc {
        name: "hostPID",
        scope: Scope::PodSpec,
        what: "Puts the pod in the node's process namespace: it sees every process on the node.",
        default: "false.",
        interactions: "Baseline forbids it. With SYS_PTRACE, or as the same user, the container can inspect and alter node processes. Cannot be combined with shareProcessNamespace.",
        since: None,
    },
    FieldDoc {
        name: "hostIPC",
        scope: Scope::PodSpec,
        what: "Puts the pod in the node's IPC namespace: shared memory and message queues of the node.",
        default: "false.",
        interactions: "Baseline forbids it. IPC sysctls cannot be combined with it.",
        since: None,
    },
    FieldDoc {
        name: "shareProcessNamespace",
        scope: Scope::PodSpec,
        what: "Puts all containers of the pod in one process namespace, so they see (and, as the same user, can signal or trace) each other's processes.",
        default: "false: each container has its own process namespace.",
        interactions: "Cannot be combined with hostPID. Exposes each container's environment and filesystem (through /proc) to the others. Not checked by the Pod Security Standards.",
        since: None,
    },
    FieldDoc {
        name: "automountServiceAccountToken",
        scope: Scope::PodSpec,
        what: "Whether the pod's ServiceAccount token is mounted into its containers, giving them credentials for the Kubernetes API.",
        default: "The ServiceAccount's automountServiceAccountToken, itself true unless set.",
        interactions: "The pod's value wins over the ServiceAccount's. What the token allows depends on RBAC. Not part of the Pod Security Standards; podsec's service-account-token-automount rule (off by default) flags it.",
        since: None,
    },
];

/// The entry of a field, by its YAML name.
#[must_use]
pub fn lookup(name: &str) -> Option<&'static FieldDoc> {
    FIELDS.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_texts_complete() {
        for (i, f) in FIELDS.iter().enumerate() {
            assert!(
                FIELDS.iter().skip(i + 1).all(|g| g.name != f.name),
                "{} twice",
                f.name
            );
            for text in [f.what, f.default, f.interactions] {
                assert!(!text.trim().is_empty(), "{}", f.name);
                assert!(text.ends_with('.'), "{}: {text}", f.name);
            }
        }
    }

    #[test]
    fn every_security_context_field_is_documented() {
        let pod_and_container = [
            "runAsUser",
            "runAsGroup",
            "runAsNonRoot",
            "seLinuxOptions",
            "seccompProfile",
            "appArmorProfile",
            "windowsOptions",
        ];
        let pod = [
            "fsGroup",
            "fsGroupChangePolicy",
            "supplementalGroups",
            "supplementalGroupsPolicy",
            "sysctls",
            "seLinuxChangePolicy",
        ];
        let container = [
            "privileged",
            "allowPrivilegeEscalation",
            "capabilities",
            "readOnlyRootFilesystem",
            "procMount",
        ];
        let spec = [
            "hostUsers",
            "hostNetwork",
            "hostPID",
            "hostIPC",
            "shareProcessNamespace",
            "automountServiceAccountToken",
        ];
        for (names, scope) in [
            (&pod_and_container[..], Scope::Both),
            (&pod[..], Scope::Pod),
            (&container[..], Scope::Container),
            (&spec[..], Scope::PodSpec),
        ] {
            for n in names {
                assert_eq!(lookup(n).map(|f| f.scope), Some(scope), "{n}");
            }
        }
        assert_eq!(FIELDS.len(), 24);
    }

    #[test]
    fn every_effective_field_has_an_entry() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsUser: 1000, fsGroup: 2000, supplementalGroups: [3]}\n  initContainers: [{name: i, securityContext: {privileged: true}}]\n  containers: [{name: a, securityContext: {capabilities: {drop: [ALL]}}}]\n  ephemeralContainers: [{name: e}]\n";
        let a = crate::analyze(text, &crate::Options::default());
        for o in &a.objects {
            for c in &o.containers {
                for (name, _) in c.effective.fields() {
                    assert!(
                        lookup(name).is_some(),
                        "the effective view shows {name} but the glossary has no entry"
                    );
                }
            }
        }
    }
}
