//! Hardening rules beyond the Pod Security Standards: one file per rule in `hardening/`.
//!
//! A rule runs when it is on by default and not disabled, or when it is enabled by ID
//! ([`enabled`]).
//! Two principles keep the output free of noise:
//! - a rule never repeats what a Pod Security Standards finding at the evaluated level and version
//!   already asks for on the same value (for example `seccomp-unset` is silent where restricted
//!   requires a seccomp profile, and `writable-host-path` is silent where baseline forbids every
//!   hostPath volume), so the rule's docs say at which levels it speaks;
//! - a rule reasons about what the container really gets (the merged pod and container values, the
//!   runtime's capability defaults), not about the text alone.
//!
//! Privileged containers get every capability and no seccomp whatever is written: the capability
//! and seccomp rules leave them alone at the privileged level, and judge them as they will run
//! once the flag is gone at baseline and restricted, where the `privileged` check asks for that.
//!
//! Fields that cannot be set on a Windows pod (`spec.os.name: windows`) are not inspected there.

mod cap_prefixed_capability;
mod capabilities_not_dropped;
mod container_runtime_socket;
mod low_uid;
mod lowercase_capability;
mod os_name_case;
mod risky_capabilities;
mod root_group;
mod run_as_image_user;
mod run_as_root;
mod seccomp_unset;
mod service_account_token_automount;
mod unconfined_seccomp;
mod unneeded_capabilities;
mod writable_host_path;
mod writable_root_filesystem;

use crate::effective::{ContainerEffective, Field};
use crate::fix::{FieldPath, Patch, PatchValue};
use crate::model::{EffectiveValue, Finding, Options, PssLevel, Source, Value};
use crate::pod::{ContainerView, PodView};
use crate::rule::{Check, Ctx, Findings, Rule};
use crate::yaml::{Node, Span};

/// Every rule, in the order they are documented. The registry ([`crate::check`]) is derived
/// from it.
pub(crate) const RULES: &[&Rule] = &[
    &writable_root_filesystem::RULE,
    &capabilities_not_dropped::RULE,
    &unneeded_capabilities::RULE,
    &risky_capabilities::RULE,
    &run_as_root::RULE,
    &run_as_image_user::RULE,
    &low_uid::RULE,
    &root_group::RULE,
    &unconfined_seccomp::RULE,
    &seccomp_unset::RULE,
    &service_account_token_automount::RULE,
    &writable_host_path::RULE,
    &container_runtime_socket::RULE,
    &lowercase_capability::RULE,
    &cap_prefixed_capability::RULE,
    &os_name_case::RULE,
];

/// Whether a rule runs with these options: on by default and not disabled, or enabled by ID.
#[must_use]
pub fn enabled(check: &Check, options: &Options) -> bool {
    let listed = |list: &[String]| list.iter().any(|id| id == check.id);
    (check.default_on && !listed(&options.disable_rules)) || listed(&options.enable_rules)
}

/// Appends the findings of every enabled hardening rule.
pub fn check(
    pod: &PodView<'_>,
    effective: &[ContainerEffective],
    options: &Options,
    out: &mut Vec<Finding>,
) {
    crate::rule::check_area(pod, effective, options, out, check_into);
}

/// [`check`] into the analysis' sink.
pub(crate) fn check_into(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    for rule in RULES {
        if enabled(rule.check, ctx.options) {
            (rule.run)(ctx, out);
        }
    }
}

impl<'a> Ctx<'_, 'a> {
    /// Whether the pod is a Windows pod, where Linux-only fields cannot be set. `Windows` in
    /// another case counts: the API server rejects it, and its author means Windows
    /// (`os-name-case` reports the spelling).
    fn windows(&self) -> bool {
        self.pod
            .os_name()
            .is_some_and(|n| n.eq_ignore_ascii_case("windows"))
    }

    /// Whether a privileged container is left out of the capability and seccomp rules: at the
    /// privileged level, where it keeps the flag and gets every capability and no seccomp
    /// whatever is written. At baseline and restricted the `privileged` check asks to remove the
    /// flag, so the container is judged as it will run without it (and one round of fixes is
    /// enough).
    fn skips_privileged(&self, c: &ContainerView<'_>) -> bool {
        privileged(c) && !self.level_at_least(PssLevel::Baseline)
    }

    /// The containers whose Linux security settings matter (none for Windows pods).
    fn linux_containers(&self) -> &[ContainerView<'a>] {
        if self.windows() {
            &[]
        } else {
            &self.pod.containers
        }
    }

    /// Whether the evaluated level is at least `level`.
    fn level_at_least(&self, level: PssLevel) -> bool {
        self.options.level >= level
    }

    /// Whether a Pod Security Standards check runs at the evaluated level and version.
    fn pss_runs(&self, check: &Check) -> bool {
        crate::pss::runs(check, self.options.level, self.options.version)
    }

    /// Whether a Pod Security Standards check, at the evaluated level and version, denies the pod.
    fn pss_denies(&self, check: &Check) -> bool {
        crate::pss::denies(check, self.pod, self.options.level, self.options.version)
    }
}

/// Where to point at a container when the offending value is missing: its securityContext key
/// when present, else its name.
fn container_anchor(c: &ContainerView<'_>) -> Span {
    c.node
        .get_entry("securityContext")
        .map_or_else(|| c.anchor(), |(k, _)| k.span())
}

/// A field path from its dotted text.
fn path(s: &str) -> FieldPath {
    FieldPath::parse(s)
}

/// Whether the text sets the container's value: on the container, or on the pod it inherits from.
fn from_text(v: &EffectiveValue) -> bool {
    matches!(v.source, Source::Container | Source::Pod)
}

/// Whether the user of container `i` (its position in `pod.containers`) is stated: `runAsUser`
/// set, or `runAsNonRoot: true` making the kubelet check it (on the container or inherited from
/// the pod).
fn user_stated(ctx: &Ctx<'_, '_>, i: usize) -> bool {
    ctx.effective_field(i, Field::RunAsUser)
        .is_some_and(|u| from_text(&u))
        || ctx
            .effective_field(i, Field::RunAsNonRoot)
            .is_some_and(|n| n.value == Value::Bool(true))
}

#[cfg(test)]
mod tests;

/// Whether the container is privileged (explicit `privileged: true`).
fn privileged(c: &ContainerView<'_>) -> bool {
    c.sc("privileged").and_then(Node::as_bool) == Some(true)
}

/// An inherited integer field's offending value where it is written: a container's own value, or
/// the pod-level value with the containers that inherit it.
struct Offending<'p, 'a> {
    /// The container that sets it itself; `None` for the pod's value.
    container: Option<&'p ContainerView<'a>>,
    /// The value.
    value: i64,
    /// Where it is written.
    node: Node<'a>,
    /// Its field path.
    path: String,
    /// For the pod's value, the containers that inherit it.
    inheriting: Vec<String>,
}

impl Offending<'_, '_> {
    /// The finding of `check` at this value, worded by `message`.
    fn report(&self, ctx: &Ctx<'_, '_>, check: &Check, message: String) -> Finding {
        ctx.report(
            check,
            message,
            self.container.map(|c| c.name),
            self.node.span(),
            self.path.clone(),
        )
    }
}

/// The offending values of an inherited integer field (those `bad` flags): the containers' own
/// first, then the pod's. `field` is the effective value read (resolved alone unless the report
/// resolved the whole contexts), and `key` names it in the text.
fn offending<'p, 'a>(
    ctx: &'p Ctx<'p, 'a>,
    field: Field,
    key: &str,
    bad: impl Fn(i64) -> bool,
) -> Vec<Offending<'p, 'a>> {
    let mut own = Vec::new();
    let mut pod: Option<Offending<'p, 'a>> = None;
    let linux = ctx.linux_containers().iter().enumerate();
    for (c, e) in linux.map_while(|(i, c)| Some((c, ctx.effective_field(i, field)?))) {
        let Value::Int(value) = e.value else {
            continue;
        };
        let from_pod = e.source == Source::Pod;
        let Some(node) = (match e.source {
            Source::Container => c.sc(key),
            Source::Pod => ctx.pod.sc(key),
            _ => None,
        }) else {
            continue;
        };
        if !bad(value) {
            continue;
        }
        if from_pod {
            pod.get_or_insert_with(|| Offending {
                container: None,
                value,
                node,
                path: ctx.pod.sc_path(key),
                inheriting: Vec::new(),
            })
            .inheriting
            .push(c.name.to_string());
        } else {
            own.push(Offending {
                container: Some(c),
                value,
                node,
                path: c.sc_path(key),
                inheriting: Vec::new(),
            });
        }
    }
    own.extend(pod);
    own
}

/// `container "a"` or `containers "a", "b"`, as the Pod Security Standards word it.
use crate::pss::containers_phrase;

/// A string entry of a container's `capabilities.add` or `.drop`.
struct CapEntry<'p, 'a> {
    container: &'p ContainerView<'a>,
    /// `"add"` or `"drop"`.
    which: &'static str,
    /// `"adds"` or `"drops"`.
    verb: &'static str,
    /// The list's path.
    list_path: &'p str,
    /// The entry's position in the list.
    index: usize,
    /// The entry as written.
    entry: &'a str,
    node: Node<'a>,
}

impl CapEntry<'_, '_> {
    /// The finding of `check` at this entry.
    fn report(&self, ctx: &Ctx<'_, '_>, check: &Check, message: String) -> Finding {
        ctx.report(
            check,
            message,
            Some(self.container.name),
            self.node.span(),
            format!("{}[{}]", self.list_path, self.index),
        )
    }

    /// The patches that write `name` in the list instead of this entry.
    fn rewrite(&self, name: &str) -> Vec<Patch> {
        vec![
            Patch::RemoveItem {
                path: path(self.list_path),
                item: self.entry.to_string(),
            },
            Patch::Ensure {
                path: path(self.list_path),
                item: PatchValue::Str(name.to_string()),
            },
        ]
    }
}

/// Visits every string entry of the Linux containers' `capabilities.add` and `.drop`, container
/// by container, `add` first; nothing is collected, so a list of any length costs no memory here.
fn each_cap_entry<'a>(ctx: &Ctx<'_, 'a>, mut visit: impl FnMut(&CapEntry<'_, 'a>)) {
    for c in ctx.linux_containers() {
        for (which, verb) in [("add", "adds"), ("drop", "drops")] {
            let list_path = c.sc_path(&format!("capabilities.{which}"));
            let Some(list) = c.sc("capabilities").and_then(|caps| caps.field(which)) else {
                continue;
            };
            for (index, node) in list.iter_items().enumerate() {
                let Some(entry) = node.as_str() else {
                    continue;
                };
                visit(&CapEntry {
                    container: c,
                    which,
                    verb,
                    list_path: &list_path,
                    index,
                    entry,
                    node,
                });
            }
        }
    }
}
