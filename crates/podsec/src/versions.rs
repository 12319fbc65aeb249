//! Kubernetes releases as podsec models them: every feature gate that touches a pod security field,
//! its default in each release from 1.19 to 1.37, and what the API server (or the kubelet) does with
//! the field while the gate is off.
//!
//! `PodView::as_created_on` and the effective view read this one table, so a field a release drops
//! is unset for admission, validation and the kubelet alike, and the effective view can say why.
//! `docs/versions.md` lists every gate and behaviour modelled per release, and what is not.

/// The oldest release modelled.
pub const OLDEST_MINOR: u32 = 19;

/// A feature's maturity in one release.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Alpha: off by default.
    Alpha,
    /// Beta: on or off by default, as the step says.
    Beta,
    /// Generally available: on, and locked on.
    Ga,
}

impl Stage {
    /// The word upstream uses.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Alpha => "alpha",
            Stage::Beta => "beta",
            Stage::Ga => "GA",
        }
    }
}

/// From release 1.`since`, the gate is at `stage` with default `on`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// First minor of this step.
    pub since: u32,
    /// Maturity.
    pub stage: Stage,
    /// Default value of the gate.
    pub on: bool,
}

/// What happens to a pod that uses the gated field while the gate is off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhenOff {
    /// The API server clears the field when it creates the pod (`dropDisabledFields`), unless the
    /// old object already used it (updates only).
    Drop,
    /// The API server resets the field to this value when it creates the pod.
    Reset(&'static str),
    /// The API server's validation refuses the pod.
    Reject,
    /// The kubelet ignores the setting (a kubelet gate).
    KubeletIgnores,
    /// Nothing visible in a pod: the gate only relaxes or adds behaviour when on.
    Nothing,
}

/// One feature gate.
#[derive(Clone, Copy, Debug)]
pub struct Gate {
    /// Upstream's name.
    pub name: &'static str,
    /// The component whose gate decides (`kube-apiserver` or `kubelet`).
    pub component: &'static str,
    /// The fields or settings it governs, as a user writes them.
    pub fields: &'static [&'static str],
    /// The first release whose API has the field (before it, the field is unknown and dropped when
    /// the object is decoded; `kubectl` refuses it as an unknown field).
    pub field_since: u32,
    /// The gate's history, oldest first.
    pub steps: &'static [Step],
    /// What the gate's absence does.
    pub when_off: WhenOff,
    /// Where this row comes from.
    pub source: &'static str,
}

const fn step(since: u32, stage: Stage, on: bool) -> Step {
    Step { since, stage, on }
}

/// `ProcMountType`: `securityContext.procMount` of every container.
///
/// Source: `pkg/features/kube_features.go` (alpha 1.12, beta off 1.31, beta on 1.33);
/// `pkg/api/pod/util.go` `dropDisabledProcMountField` forces any value to `Default`; KEP-4265.
pub const PROC_MOUNT_TYPE: Gate = Gate {
    name: "ProcMountType",
    component: "kube-apiserver",
    fields: &["securityContext.procMount"],
    field_since: 12,
    steps: &[
        step(12, Stage::Alpha, false),
        step(31, Stage::Beta, false),
        step(33, Stage::Beta, true),
    ],
    when_off: WhenOff::Reset("Default"),
    source: "pkg/features/kube_features.go; pkg/api/pod/util.go dropDisabledProcMountField; KEP-4265",
};

/// `UserNamespacesSupport` (`UserNamespacesStatelessPodsSupport` in 1.25–1.27): `spec.hostUsers`.
///
/// Source: `pkg/features/kube_features.go` (alpha 1.25, beta off 1.30, beta on 1.33, GA 1.36
/// per kubernetes/website#54371); `pkg/api/pod/util.go` `dropDisabledFields` clears `hostUsers`;
/// KEP-127.
pub const USER_NAMESPACES_SUPPORT: Gate = Gate {
    name: "UserNamespacesSupport",
    component: "kube-apiserver",
    fields: &["spec.hostUsers"],
    field_since: 25,
    steps: &[
        step(25, Stage::Alpha, false),
        step(30, Stage::Beta, false),
        step(33, Stage::Beta, true),
        step(36, Stage::Ga, true),
    ],
    when_off: WhenOff::Drop,
    source: "pkg/features/kube_features.go; pkg/api/pod/util.go dropDisabledFields; KEP-127",
};

/// `SupplementalGroupsPolicy`: `spec.securityContext.supplementalGroupsPolicy`.
///
/// Source: `pkg/features/kube_features.go` (alpha 1.31, beta on 1.33, GA 1.35);
/// `pkg/api/pod/util.go` `dropDisabledFields`; KEP-3619.
pub const SUPPLEMENTAL_GROUPS_POLICY: Gate = Gate {
    name: "SupplementalGroupsPolicy",
    component: "kube-apiserver",
    fields: &["securityContext.supplementalGroupsPolicy"],
    field_since: 31,
    steps: &[
        step(31, Stage::Alpha, false),
        step(33, Stage::Beta, true),
        step(35, Stage::Ga, true),
    ],
    when_off: WhenOff::Drop,
    source: "pkg/features/kube_features.go; pkg/api/pod/util.go dropDisabledFields; KEP-3619",
};

/// `SELinuxChangePolicy`: `spec.securityContext.seLinuxChangePolicy`.
///
/// Source: `pkg/features/kube_features.go` (alpha 1.32, beta on 1.33); `pkg/api/pod/util.go`
/// `dropDisabledFields`; KEP-1710.
pub const SELINUX_CHANGE_POLICY: Gate = Gate {
    name: "SELinuxChangePolicy",
    component: "kube-apiserver",
    fields: &["securityContext.seLinuxChangePolicy"],
    field_since: 32,
    steps: &[step(32, Stage::Alpha, false), step(33, Stage::Beta, true)],
    when_off: WhenOff::Drop,
    source: "pkg/features/kube_features.go; pkg/api/pod/util.go dropDisabledFields; KEP-1710",
};

/// `AppArmorFields`: `appArmorProfile` of the pod and of every container.
///
/// Source: `pkg/features/kube_features.go` (beta on 1.30, GA 1.31); `kubernetes/api`
/// `core/v1/types.go` (no field before 1.30); KEP-24.
pub const APPARMOR_FIELDS: Gate = Gate {
    name: "AppArmorFields",
    component: "kube-apiserver",
    fields: &["securityContext.appArmorProfile"],
    field_since: 30,
    steps: &[step(30, Stage::Beta, true), step(31, Stage::Ga, true)],
    when_off: WhenOff::Drop,
    source: "pkg/features/kube_features.go; core/v1/types.go; KEP-24",
};

/// `AppArmor`: the `container.apparmor.security.beta.kubernetes.io/<name>` annotations.
///
/// Source: `pkg/features/kube_features.go` (beta on 1.4, GA 1.31); `pkg/api/pod/util.go`
/// `dropDisabledFields` deletes the annotations when it is off.
pub const APPARMOR: Gate = Gate {
    name: "AppArmor",
    component: "kube-apiserver",
    fields: &["container.apparmor.security.beta.kubernetes.io/*"],
    field_since: 4,
    steps: &[step(4, Stage::Beta, true), step(31, Stage::Ga, true)],
    when_off: WhenOff::Drop,
    source: "pkg/features/kube_features.go; pkg/api/pod/util.go dropDisabledFields",
};

/// `WindowsHostProcessContainers`: `windowsOptions.hostProcess` of the pod and every container.
///
/// Source: `pkg/features/kube_features.go` (alpha 1.22, beta on 1.23, GA 1.26);
/// `pkg/api/pod/util.go` `GetValidationOptionsFromPodSpecAndMeta` (`AllowWindowsHostProcessField`):
/// validation forbids the field while the gate is off; KEP-1981.
pub const WINDOWS_HOST_PROCESS_CONTAINERS: Gate = Gate {
    name: "WindowsHostProcessContainers",
    component: "kube-apiserver",
    fields: &["securityContext.windowsOptions.hostProcess"],
    field_since: 22,
    steps: &[
        step(22, Stage::Alpha, false),
        step(23, Stage::Beta, true),
        step(26, Stage::Ga, true),
    ],
    when_off: WhenOff::Reject,
    source: "pkg/features/kube_features.go; pkg/api/pod/util.go AllowWindowsHostProcessField; KEP-1981",
};

/// `IdentifyPodOS`: `spec.os`, which decides the OS-specific validation and Pod Security
/// Admission's Windows exemptions.
///
/// Source: `pkg/features/kube_features.go` (alpha 1.23, beta on 1.24, GA 1.25);
/// `pkg/api/pod/util.go` `dropDisabledFields` (`podSpec.OS = nil`); KEP-2802.
pub const IDENTIFY_POD_OS: Gate = Gate {
    name: "IdentifyPodOS",
    component: "kube-apiserver",
    fields: &["spec.os"],
    field_since: 23,
    steps: &[
        step(23, Stage::Alpha, false),
        step(24, Stage::Beta, true),
        step(25, Stage::Ga, true),
    ],
    when_off: WhenOff::Drop,
    source: "pkg/features/kube_features.go; pkg/api/pod/util.go dropDisabledFields; KEP-2802",
};

/// `SeccompDefault` (kubelet): the kubelet setting `seccompDefault: true` (`--seccomp-default`).
///
/// Source: `pkg/features/kube_features.go` (alpha 1.22, beta on 1.25, GA 1.27); the kubelet
/// applies `RuntimeDefault` to pods without a profile only with the gate on
/// (kubernetes/kubernetes#101943, `pkg/kubelet/kuberuntime/helpers.go`).
pub const SECCOMP_DEFAULT: Gate = Gate {
    name: "SeccompDefault",
    component: "kubelet",
    fields: &["kubelet seccompDefault"],
    field_since: 22,
    steps: &[
        step(22, Stage::Alpha, false),
        step(25, Stage::Beta, true),
        step(27, Stage::Ga, true),
    ],
    when_off: WhenOff::KubeletIgnores,
    source: "pkg/features/kube_features.go; pkg/kubelet/kuberuntime/helpers.go; kubernetes/kubernetes#101943",
};

/// `UserNamespacesPodSecurityStandards`: Pod Security Admission's relaxations for pods with
/// `hostUsers: false` (the user checks skipped). Alpha and off in every release that has it, so
/// admission checks every pod's user.
///
/// Source: `pkg/features/kube_features.go` (alpha 1.29); KEP-127.
pub const USER_NAMESPACES_POD_SECURITY_STANDARDS: Gate = Gate {
    name: "UserNamespacesPodSecurityStandards",
    component: "kube-apiserver",
    fields: &["Pod Security Admission user checks for spec.hostUsers: false"],
    field_since: 29,
    steps: &[step(29, Stage::Alpha, false)],
    when_off: WhenOff::Nothing,
    source: "pkg/features/kube_features.go; KEP-127",
};

/// `UserNamespacesHostNetworkSupport`: `hostNetwork: true` with `hostUsers: false`. Alpha and off,
/// so validation refuses the pair (the `host-namespace-with-user-namespace` check).
///
/// Source: `pkg/features/kube_features.go` (alpha 1.35); `pkg/apis/core/validation/validation.go`
/// `validateHostUsers`.
pub const USER_NAMESPACES_HOST_NETWORK_SUPPORT: Gate = Gate {
    name: "UserNamespacesHostNetworkSupport",
    component: "kube-apiserver",
    fields: &["spec.hostNetwork with spec.hostUsers: false"],
    field_since: 35,
    steps: &[step(35, Stage::Alpha, false)],
    when_off: WhenOff::Reject,
    source: "pkg/features/kube_features.go; pkg/apis/core/validation/validation.go validateHostUsers",
};

/// Every gate modelled, in the order `docs/versions.md` lists them.
pub const GATES: &[&Gate] = &[
    &PROC_MOUNT_TYPE,
    &USER_NAMESPACES_SUPPORT,
    &SUPPLEMENTAL_GROUPS_POLICY,
    &SELINUX_CHANGE_POLICY,
    &APPARMOR_FIELDS,
    &APPARMOR,
    &WINDOWS_HOST_PROCESS_CONTAINERS,
    &IDENTIFY_POD_OS,
    &SECCOMP_DEFAULT,
    &USER_NAMESPACES_POD_SECURITY_STANDARDS,
    &USER_NAMESPACES_HOST_NETWORK_SUPPORT,
];

impl Gate {
    /// The step in force in release 1.`minor` (`None` before the gate exists).
    #[must_use]
    pub fn step(&self, minor: u32) -> Option<Step> {
        self.steps.iter().rev().find(|s| s.since <= minor).copied()
    }

    /// Whether the gate is on by default in release 1.`minor`.
    #[must_use]
    pub fn enabled(&self, minor: u32) -> bool {
        self.step(minor).is_some_and(|s| s.on)
    }

    /// The first release where it is on by default.
    #[must_use]
    pub fn on_from(&self) -> Option<u32> {
        self.steps.iter().find(|s| s.on).map(|s| s.since)
    }

    /// Why the gated field does not reach a 1.`minor` cluster, in words: "the field does not exist
    /// before 1.30" or "the ProcMountType feature gate is beta and off by default in 1.32 (on from
    /// 1.33)". `None` when the gate is on.
    #[must_use]
    pub fn why_off(&self, minor: u32) -> Option<String> {
        if self.enabled(minor) {
            return None;
        }
        let from = self
            .on_from()
            .map_or_else(String::new, |m| format!(" (on from 1.{m})"));
        let noun = if self.when_off == WhenOff::KubeletIgnores {
            "setting"
        } else {
            "field"
        };
        Some(match self.step(minor) {
            _ if minor < self.field_since => match self.on_from() {
                Some(m) if m > self.field_since => format!(
                    "the {noun} does not exist before 1.{}, and the {} feature gate is on by default from 1.{m}",
                    self.field_since, self.name
                ),
                _ => format!("the {noun} does not exist before 1.{}", self.field_since),
            },
            Some(s) => format!(
                "the {} feature gate is {} and off by default in 1.{minor}{from}",
                self.name,
                s.stage.as_str()
            ),
            None => format!(
                "the {} feature gate does not exist in 1.{minor}{from}",
                self.name
            ),
        })
    }

    /// What a 1.`minor` API server does with the written field, in words, or `None` when the gate is
    /// on: "a 1.32 API server resets it to Default when it creates the pod: the ProcMountType ...".
    #[must_use]
    pub fn dropped_note(&self, minor: u32) -> Option<String> {
        let why = self.why_off(minor)?;
        let what = if self.when_off == WhenOff::KubeletIgnores {
            format!("a 1.{minor} kubelet ignores it")
        } else if minor < self.field_since {
            format!("a 1.{minor} API server drops it as an unknown field")
        } else {
            match self.when_off {
                WhenOff::Reset(v) => {
                    format!("a 1.{minor} API server resets it to {v} when it creates the pod")
                }
                WhenOff::Drop => format!("a 1.{minor} API server drops it when it creates the pod"),
                WhenOff::Reject => format!("a 1.{minor} API server refuses the pod"),
                WhenOff::KubeletIgnores => format!("a 1.{minor} kubelet ignores it"),
                WhenOff::Nothing => format!("a 1.{minor} cluster does not apply it"),
            }
        };
        Some(format!("{what}: {why}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_ordered_and_ga_is_on() {
        for g in GATES {
            assert!(!g.steps.is_empty(), "{}", g.name);
            for pair in g.steps.windows(2) {
                let [a, b] = pair else { continue };
                assert!(a.since < b.since, "{}", g.name);
            }
            for s in g.steps {
                assert!(s.stage != Stage::Ga || s.on, "{}: GA is on", g.name);
                assert!(s.stage != Stage::Alpha || !s.on, "{}: alpha is off", g.name);
            }
            assert!(!g.source.is_empty());
        }
    }

    #[test]
    fn defaults_per_release() {
        let table: &[(&Gate, &[(u32, bool)])] = &[
            (
                &PROC_MOUNT_TYPE,
                &[
                    (19, false),
                    (31, false),
                    (32, false),
                    (33, true),
                    (37, true),
                ],
            ),
            (
                &USER_NAMESPACES_SUPPORT,
                &[
                    (24, false),
                    (25, false),
                    (30, false),
                    (33, true),
                    (36, true),
                ],
            ),
            (
                &SUPPLEMENTAL_GROUPS_POLICY,
                &[(30, false), (31, false), (32, false), (33, true)],
            ),
            (&SELINUX_CHANGE_POLICY, &[(32, false), (33, true)]),
            (&APPARMOR_FIELDS, &[(29, false), (30, true), (31, true)]),
            (&APPARMOR, &[(19, true), (37, true)]),
            (
                &WINDOWS_HOST_PROCESS_CONTAINERS,
                &[(21, false), (22, false), (23, true), (26, true)],
            ),
            (&IDENTIFY_POD_OS, &[(22, false), (23, false), (24, true)]),
            (
                &SECCOMP_DEFAULT,
                &[
                    (21, false),
                    (22, false),
                    (24, false),
                    (25, true),
                    (27, true),
                ],
            ),
            (
                &USER_NAMESPACES_POD_SECURITY_STANDARDS,
                &[(29, false), (37, false)],
            ),
            (
                &USER_NAMESPACES_HOST_NETWORK_SUPPORT,
                &[(35, false), (37, false)],
            ),
        ];
        for (gate, rows) in table {
            for (minor, on) in *rows {
                assert_eq!(gate.enabled(*minor), *on, "{} in 1.{minor}", gate.name);
            }
        }
    }

    #[test]
    fn notes_say_why() {
        assert_eq!(
            PROC_MOUNT_TYPE.dropped_note(32).as_deref(),
            Some(
                "a 1.32 API server resets it to Default when it creates the pod: the ProcMountType feature gate is beta and off by default in 1.32 (on from 1.33)"
            )
        );
        assert_eq!(
            USER_NAMESPACES_SUPPORT.dropped_note(24).as_deref(),
            Some(
                "a 1.24 API server drops it as an unknown field: the field does not exist before 1.25, and the UserNamespacesSupport feature gate is on by default from 1.33"
            )
        );
        assert_eq!(PROC_MOUNT_TYPE.dropped_note(33), None);
    }
}
