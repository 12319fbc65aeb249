//! What Kubernetes would refuse: API-server validation (`rejected`), kubelet and runtime refusals
//! (`refused`) and API warnings or accepted-but-surprising text (`warning`).
//!
//! One file per rule in `validation/`, each with its registry entry, docs, logic and tests.
//! Rejected findings quote the API server's own error (`<path>: <Type>: <detail>`), with the path as
//! the API server prints it for this object (`spec.template.spec...` for workload templates).
//! Rules follow the Kubernetes version in [`Options::kube`]: a rule that exists only from (or until)
//! some release stays silent outside it.

mod apparmor_on_node_without_apparmor;
mod cap_sys_admin_with_no_new_privs;
mod capabilities_on_privileged_container;
mod capability_added_and_dropped;
mod deprecated_apparmor_annotation;
mod deprecated_seccomp_annotation;
mod host_namespace_with_user_namespace;
mod host_process_mismatch;
mod host_process_without_host_network;
mod id_out_of_range;
mod invalid_apparmor_annotation;
mod invalid_apparmor_profile;
mod invalid_os_name;
mod invalid_seccomp_annotation;
mod invalid_seccomp_profile;
mod invalid_sysctl_name;
mod linux_fields_on_windows_pod;
mod localhost_seccomp_without_profile;
mod mixed_host_process_containers;
mod namespaced_sysctl_with_host_namespace;
mod privileged_with_no_new_privs;
mod run_as_non_root_with_root_user;
mod share_process_namespace_with_host_pid;
mod sys_admin_defeats_no_new_privs;
mod unmasked_proc_mount_with_host_users;
mod unsafe_sysctl;
mod volume_with_user_namespace;
mod windows_options_on_linux_pod;

#[cfg(test)]
mod tests;

use crate::check::Check;
use crate::effective::ContainerEffective;
use crate::fix::FieldPath;
use crate::model::{Finding, Options};
use crate::pod::{ContainerView, PodView};
use crate::yaml::{Node, Scalar, Span};

/// A rule: its registry entry and the function that finds what it flags.
type Rule = (&'static Check, fn(&Ctx<'_, '_>, &mut Vec<Finding>));

/// Every rule, rejected first, then refused, then warnings.
const RULES: &[Rule] = &[
    (&id_out_of_range::CHECK, id_out_of_range::run),
    (
        &unmasked_proc_mount_with_host_users::CHECK,
        unmasked_proc_mount_with_host_users::run,
    ),
    (
        &invalid_seccomp_profile::CHECK,
        invalid_seccomp_profile::run,
    ),
    (
        &privileged_with_no_new_privs::CHECK,
        privileged_with_no_new_privs::run,
    ),
    (
        &cap_sys_admin_with_no_new_privs::CHECK,
        cap_sys_admin_with_no_new_privs::run,
    ),
    (
        &invalid_apparmor_profile::CHECK,
        invalid_apparmor_profile::run,
    ),
    (
        &share_process_namespace_with_host_pid::CHECK,
        share_process_namespace_with_host_pid::run,
    ),
    (&invalid_os_name::CHECK, invalid_os_name::run),
    (
        &windows_options_on_linux_pod::CHECK,
        windows_options_on_linux_pod::run,
    ),
    (
        &linux_fields_on_windows_pod::CHECK,
        linux_fields_on_windows_pod::run,
    ),
    (&host_process_mismatch::CHECK, host_process_mismatch::run),
    (
        &mixed_host_process_containers::CHECK,
        mixed_host_process_containers::run,
    ),
    (
        &host_process_without_host_network::CHECK,
        host_process_without_host_network::run,
    ),
    (
        &host_namespace_with_user_namespace::CHECK,
        host_namespace_with_user_namespace::run,
    ),
    (
        &volume_with_user_namespace::CHECK,
        volume_with_user_namespace::run,
    ),
    (&invalid_sysctl_name::CHECK, invalid_sysctl_name::run),
    (
        &namespaced_sysctl_with_host_namespace::CHECK,
        namespaced_sysctl_with_host_namespace::run,
    ),
    (
        &invalid_seccomp_annotation::CHECK,
        invalid_seccomp_annotation::run,
    ),
    (
        &invalid_apparmor_annotation::CHECK,
        invalid_apparmor_annotation::run,
    ),
    (
        &run_as_non_root_with_root_user::CHECK,
        run_as_non_root_with_root_user::run,
    ),
    (
        &localhost_seccomp_without_profile::CHECK,
        localhost_seccomp_without_profile::run,
    ),
    (
        &apparmor_on_node_without_apparmor::CHECK,
        apparmor_on_node_without_apparmor::run,
    ),
    (&unsafe_sysctl::CHECK, unsafe_sysctl::run),
    (
        &deprecated_seccomp_annotation::CHECK,
        deprecated_seccomp_annotation::run,
    ),
    (
        &deprecated_apparmor_annotation::CHECK,
        deprecated_apparmor_annotation::run,
    ),
    (
        &capability_added_and_dropped::CHECK,
        capability_added_and_dropped::run,
    ),
    (
        &capabilities_on_privileged_container::CHECK,
        capabilities_on_privileged_container::run,
    ),
    (
        &sys_admin_defeats_no_new_privs::CHECK,
        sys_admin_defeats_no_new_privs::run,
    ),
];

/// The checks of this module.
pub const CHECKS: &[&Check] = &[
    &id_out_of_range::CHECK,
    &unmasked_proc_mount_with_host_users::CHECK,
    &invalid_seccomp_profile::CHECK,
    &privileged_with_no_new_privs::CHECK,
    &cap_sys_admin_with_no_new_privs::CHECK,
    &invalid_apparmor_profile::CHECK,
    &share_process_namespace_with_host_pid::CHECK,
    &invalid_os_name::CHECK,
    &windows_options_on_linux_pod::CHECK,
    &linux_fields_on_windows_pod::CHECK,
    &host_process_mismatch::CHECK,
    &mixed_host_process_containers::CHECK,
    &host_process_without_host_network::CHECK,
    &host_namespace_with_user_namespace::CHECK,
    &volume_with_user_namespace::CHECK,
    &invalid_sysctl_name::CHECK,
    &namespaced_sysctl_with_host_namespace::CHECK,
    &invalid_seccomp_annotation::CHECK,
    &invalid_apparmor_annotation::CHECK,
    &run_as_non_root_with_root_user::CHECK,
    &localhost_seccomp_without_profile::CHECK,
    &apparmor_on_node_without_apparmor::CHECK,
    &unsafe_sysctl::CHECK,
    &deprecated_seccomp_annotation::CHECK,
    &deprecated_apparmor_annotation::CHECK,
    &capability_added_and_dropped::CHECK,
    &capabilities_on_privileged_container::CHECK,
    &sys_admin_defeats_no_new_privs::CHECK,
];

/// Appends the findings of every validation rule.
pub fn check(
    pod: &PodView<'_>,
    effective: &[ContainerEffective],
    options: &Options,
    out: &mut Vec<Finding>,
) {
    let ctx = Ctx {
        pod,
        effective,
        options,
    };
    for (_, run) in RULES {
        run(&ctx, out);
    }
}

/// What every rule sees.
pub(crate) struct Ctx<'p, 'a> {
    /// The pod.
    pub(crate) pod: &'p PodView<'a>,
    /// The effective context of each container, in the pod's container order (may be shorter).
    pub(crate) effective: &'p [ContainerEffective],
    /// The options.
    pub(crate) options: &'p Options,
}

impl<'a> Ctx<'_, 'a> {
    /// The Kubernetes minor version modelled.
    fn kube(&self) -> u32 {
        self.options.kube()
    }

    /// The path of the pod (template) metadata, e.g. `spec.template.metadata`.
    fn meta_path(&self) -> String {
        match self.pod.path.strip_suffix("spec") {
            Some(prefix) => format!("{prefix}metadata"),
            None => format!("{}.metadata", self.pod.path),
        }
    }

    /// How the API server prints an annotation's path: `metadata.annotations[<key>]`.
    fn annotation_path(&self, key: &str) -> String {
        format!("{}.annotations[{key}]", self.meta_path())
    }

    /// The patch path of an annotation.
    fn annotation_field(&self, key: &str) -> FieldPath {
        FieldPath::parse(&self.meta_path())
            .key("annotations")
            .key(key)
    }

    /// The effective context of a container, by its position in `pod.containers`.
    fn effective_of(&self, i: usize) -> Option<&ContainerEffective> {
        self.effective.get(i)
    }

    /// Every container with its position.
    fn containers(&self) -> impl Iterator<Item = (usize, &ContainerView<'a>)> {
        self.pod.containers.iter().enumerate()
    }
}

/// An API-server error as it prints: `<path>: <Type>: <detail>`.
fn api(path: &str, kind: &str, detail: &str) -> String {
    format!("{path}: {kind}: {detail}")
}

/// A string as Go's `%q` prints it (close enough for the texts manifests hold).
fn quote(s: &str) -> String {
    format!("{s:?}")
}

/// A scalar as the API server prints an invalid value: numbers and booleans bare, strings quoted.
fn go(n: Node<'_>) -> String {
    match n.scalar() {
        Some(Scalar::Str(s)) => quote(s),
        Some(Scalar::Null) | None => "null".to_string(),
        Some(_) => n.text().unwrap_or("").to_string(),
    }
}

/// The span of a key in a mapping.
fn key_span(map: Node<'_>, key: &str) -> Option<Span> {
    map.get_entry(key).map(|(k, _)| k.span())
}

/// A finding of a check.
fn finding(
    check: &Check,
    message: impl Into<String>,
    container: Option<&str>,
    at: Span,
    path: impl Into<String>,
) -> Finding {
    Finding::new(check.id, check.level, message, container, at, path)
}

/// A security-context owner: the pod or one container.
#[derive(Clone, Copy)]
enum Scope<'p, 'a> {
    /// `spec.securityContext`.
    Pod,
    /// A container's `securityContext`.
    Container(&'p ContainerView<'a>),
}

impl<'p, 'a> Scope<'p, 'a> {
    /// The security-context mapping.
    fn sc(self, pod: &PodView<'a>) -> Option<Node<'a>> {
        match self {
            Scope::Pod => pod.security_context(),
            Scope::Container(c) => c.security_context(),
        }
    }

    /// The path of a field of the security context.
    fn path(self, pod: &PodView<'_>, key: &str) -> String {
        match self {
            Scope::Pod => pod.sc_path(key),
            Scope::Container(c) => c.sc_path(key),
        }
    }

    /// The container name, if a container.
    fn name(self) -> Option<&'p str> {
        match self {
            Scope::Pod => None,
            Scope::Container(c) => Some(c.name.as_str()),
        }
    }
}

/// Every scope: the pod, then every container.
fn scopes<'p, 'a>(pod: &'p PodView<'a>) -> Vec<Scope<'p, 'a>> {
    std::iter::once(Scope::Pod)
        .chain(pod.containers.iter().map(Scope::Container))
        .collect()
}

/// A `windowsOptions.hostProcess` boolean with its node.
fn host_process(windows: Option<Node<'_>>) -> Option<(bool, Node<'_>)> {
    let n = windows?.field("hostProcess")?;
    Some((n.as_bool()?, n))
}

/// Every container with whether it is a HostProcess container (its own value, else the pod's).
fn host_process_containers<'p, 'a>(pod: &'p PodView<'a>) -> Vec<(&'p ContainerView<'a>, bool)> {
    let pod_value = host_process(pod.sc("windowsOptions")).map(|(b, _)| b);
    pod.containers
        .iter()
        .map(|c| {
            let own = host_process(c.sc("windowsOptions")).map(|(b, _)| b);
            (c, own.or(pod_value).unwrap_or(false))
        })
        .collect()
}
