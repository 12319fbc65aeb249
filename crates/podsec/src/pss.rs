//! Pod Security Standards, decided exactly as Pod Security Admission decides.
//!
//! Each of the 19 upstream checks lives in its own file under `pss/`, with its docs, its versioned
//! logic, its fixes and its tests. This module holds what they share: the registry with minimum
//! versions and overrides, the runner that picks the variant in force and stamps check IDs on
//! findings, and the aggregation of upstream's `reason (detail), …` text.
//!
//! Architecture invariant: PSA never computes an effective security context, and neither does
//! anything here. Pod-level and container-level values are examined separately, per check.

use serde::{Deserialize, Serialize};

use crate::fix::{FieldPath, Fix, Patch, PatchValue};
use crate::model::{Finding, FindingLevel, PssLevel, Version};
use crate::pod::{ContainerView, PodView};
use crate::rule::Check;
use crate::yaml::{Node, Span};

pub(crate) mod allow_privilege_escalation;
pub(crate) mod app_armor_profile;
pub(crate) mod capabilities_baseline;
pub(crate) mod capabilities_restricted;
pub(crate) mod host_namespaces;
pub(crate) mod host_path_volumes;
pub(crate) mod host_ports;
pub(crate) mod host_probes_and_host_lifecycle;
mod pod_or_containers;
pub(crate) mod privileged;
pub(crate) mod proc_mount;
pub(crate) mod proc_mount_restricted;
pub(crate) mod restricted_volumes;
pub(crate) mod run_as_non_root;
pub(crate) mod run_as_user;
pub(crate) mod se_linux_options;
pub(crate) mod seccomp_profile_baseline;
pub(crate) mod seccomp_profile_restricted;
pub(crate) mod sysctls;
pub(crate) mod windows_host_process;

/// Every check of this module: baseline first, then restricted, each group in upstream's ID
/// order. The registry ([`crate::check`]) and the runner are both derived from it.
pub(crate) const RULES: &[&Rule] = &[
    &app_armor_profile::RULE,
    &capabilities_baseline::RULE,
    &host_namespaces::RULE,
    &host_path_volumes::RULE,
    &host_ports::RULE,
    &host_probes_and_host_lifecycle::RULE,
    &privileged::RULE,
    &proc_mount::RULE,
    &se_linux_options::RULE,
    &seccomp_profile_baseline::RULE,
    &sysctls::RULE,
    &windows_host_process::RULE,
    &allow_privilege_escalation::RULE,
    &capabilities_restricted::RULE,
    &proc_mount_restricted::RULE,
    &restricted_volumes::RULE,
    &run_as_non_root::RULE,
    &run_as_user::RULE,
    &seccomp_profile_restricted::RULE,
];

/// One versioned implementation: the logic in force from policy version `v1.<since>` on. It pushes
/// one finding per offending value to `out` as it finds it, and returns the verdict.
pub(crate) type CheckFn = fn(&PodView<'_>, &mut Out<'_>) -> Verdict;

/// Where a check's findings go, one by one as the check makes them: a pod of many containers
/// never holds a list of one check's findings (see [`evaluate_into`]).
pub(crate) struct Out<'s> {
    sink: &'s mut dyn FnMut(Finding),
    pushed: usize,
}

impl<'s> Out<'s> {
    /// Findings go to `sink`.
    pub(crate) fn new(sink: &'s mut dyn FnMut(Finding)) -> Out<'s> {
        Out { sink, pushed: 0 }
    }

    /// Takes one finding.
    pub(crate) fn push(&mut self, finding: Finding) {
        self.pushed += 1;
        (self.sink)(finding);
    }

    /// How many findings were pushed.
    pub(crate) fn pushed(&self) -> usize {
        self.pushed
    }
}

/// A Pod Security Standards check: its registry entry and its versioned logic.
pub(crate) struct Rule {
    /// The registry entry (ID, level, docs).
    pub(crate) check: &'static Check,
    /// `(minimum minor version, logic)`, strictly increasing.
    pub(crate) versions: &'static [(u32, CheckFn)],
    /// The baseline check this restricted check replaces while it is active.
    pub(crate) overrides: Option<&'static Check>,
}

impl Rule {
    /// The implementation in force at a minor version: the one with the greatest minimum version
    /// not above it.
    fn variant(&self, minor: u32) -> Option<CheckFn> {
        self.versions
            .iter()
            .rev()
            .find(|(since, _)| *since <= minor)
            .map(|(_, f)| *f)
    }
}

/// What one check decided.
#[derive(Debug)]
pub(crate) enum Verdict {
    /// The check allows the pod.
    Allowed {
        /// Why, for people.
        reason: String,
        /// The line that makes it pass, if one does.
        line: Option<usize>,
    },
    /// The check denies the pod (its findings went to the check's [`Out`]).
    Denied {
        /// Upstream's `ForbiddenReason`.
        reason: String,
        /// Upstream's `ForbiddenDetail`.
        detail: String,
    },
}

impl Verdict {
    /// An allowing verdict.
    pub(crate) fn pass(reason: impl Into<String>, line: Option<usize>) -> Verdict {
        Verdict::Allowed {
            reason: reason.into(),
            line,
        }
    }
}

/// Why a check passes, for the UI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pass {
    /// The upstream check ID.
    #[serde(deserialize_with = "crate::wire::static_str")]
    pub check: crate::wire::Name,
    /// Why it passes, e.g. "runAsNonRoot satisfied by the pod-level value at line 8".
    pub reason: String,
    /// The line that makes it pass, if one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

/// The verdict for one pod at one level and version.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PssResult {
    /// Whether admission would allow it.
    pub allowed: bool,
    /// One finding per offending value.
    pub findings: Vec<Finding>,
    /// Checks that pass, with reasons.
    pub passes: Vec<Pass>,
    /// Upstream's aggregated text: `reason (detail), reason2, ...`; empty when allowed.
    pub aggregate: String,
    /// The IDs of the checks that deny, in upstream's order.
    pub denied: Vec<&'static str>,
}

/// The IDs of the checks that run at a level and version, in upstream's order (baseline IDs
/// sorted, then restricted IDs sorted), with overridden baseline checks left out.
#[must_use]
pub fn active_checks(level: PssLevel, version: Version) -> Vec<&'static str> {
    active(level, version.effective_minor())
        .into_iter()
        .map(|(c, _)| c.check.id)
        .collect()
}

/// Whether `check` runs at a level and version (it is in force and not overridden), so that
/// hardening can stay quiet where the Pod Security Standards already ask.
pub(crate) fn runs(check: &Check, level: PssLevel, version: Version) -> bool {
    active(level, version.effective_minor())
        .iter()
        .any(|(c, _)| c.check.id == check.id)
}

/// Whether `check`, as it runs at a level and version, denies the pod.
pub(crate) fn denies(check: &Check, pod: &PodView<'_>, level: PssLevel, version: Version) -> bool {
    active(level, version.effective_minor())
        .into_iter()
        .find(|(c, _)| c.check.id == check.id)
        .is_some_and(|(_, run)| {
            matches!(run(pod, &mut Out::new(&mut drop)), Verdict::Denied { .. })
        })
}

fn active(level: PssLevel, minor: u32) -> Vec<(&'static Rule, CheckFn)> {
    let max_level = match level {
        PssLevel::Privileged => return Vec::new(),
        PssLevel::Baseline => FindingLevel::Baseline,
        PssLevel::Restricted => FindingLevel::Restricted,
    };
    let mut runs: Vec<(&'static Rule, CheckFn)> = RULES
        .iter()
        .copied()
        .filter(|c| c.check.level <= max_level)
        .filter_map(|c| c.variant(minor).map(|f| (c, f)))
        .collect();
    let overridden: Vec<&str> = runs
        .iter()
        .filter_map(|(c, _)| c.overrides.map(|o| o.id))
        .collect();
    runs.retain(|(c, _)| !overridden.contains(&c.check.id));
    crate::order::sort_by(&mut runs, |(a, _), (b, _)| {
        (a.check.level, a.check.id.as_bytes()).cmp(&(b.check.level, b.check.id.as_bytes()))
    });
    runs
}

/// Evaluates a pod (template) at a level and version.
#[must_use]
pub fn evaluate(pod: &PodView<'_>, level: PssLevel, version: Version) -> PssResult {
    let mut findings = Vec::new();
    let mut result = evaluate_into(pod, level, version, true, &mut |f| findings.push(f));
    result.findings = findings;
    result
}

/// [`evaluate`] with each finding handed to `sink` as its check makes it, stamped with the
/// check's ID and level, instead of collected: the result's `findings` is empty. Without
/// `verdict`, only the findings are wanted: the result is empty (a pass of a bounded listing,
/// which would otherwise hold the reasons, naming every container, while the other checks run).
pub(crate) fn evaluate_into(
    pod: &PodView<'_>,
    level: PssLevel,
    version: Version,
    verdict: bool,
    sink: &mut dyn FnMut(Finding),
) -> PssResult {
    let mut result = PssResult {
        allowed: true,
        ..PssResult::default()
    };
    let mut reasons = Vec::new();
    for (check, run) in active(level, version.effective_minor()) {
        let mut stamp = |mut f: Finding| {
            f.check = check.check.id;
            f.level = check.check.level;
            f.pss = true;
            sink(f);
        };
        let mut out = Out::new(&mut stamp);
        let decided = run(pod, &mut out);
        debug_assert!(
            matches!(decided, Verdict::Denied { .. }) || out.pushed() == 0,
            "{} allows a pod it reports",
            check.check.id
        );
        if !verdict {
            continue;
        }
        match decided {
            Verdict::Allowed { reason, line } => result.passes.push(Pass {
                check: check.check.id,
                reason,
                line,
            }),
            Verdict::Denied { reason, detail } => {
                result.allowed = false;
                result.denied.push(check.check.id);
                reasons.push(if detail.is_empty() {
                    reason
                } else {
                    format!("{reason} ({detail})")
                });
            }
        }
    }
    result.aggregate = reasons.join(", ");
    result
}

/// The namespace label that selects a level and version, e.g.
/// `pod-security.kubernetes.io/enforce=restricted` with `…/enforce-version=v1.31`.
#[must_use]
pub fn admission_label(level: PssLevel, version: Version) -> String {
    format!(
        "pod-security.kubernetes.io/enforce={}\npod-security.kubernetes.io/enforce-version={}",
        level.as_str(),
        version.label()
    )
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the checks.

/// Upstream's `pluralize`.
pub(crate) fn pluralize<'s>(singular: &'s str, plural: &'s str, count: usize) -> &'s str {
    if count == 1 { singular } else { plural }
}

/// Upstream's `joinQuote`: every item in double quotes (not escaped), joined by `, `.
pub(crate) fn join_quote<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let inner: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    format!("\"{}\"", inner.join("\", \""))
}

/// `container "a"` or `containers "a", "b"`, as upstream words a list of container names.
pub(crate) fn containers_phrase<S: AsRef<str>>(names: &[S]) -> String {
    format!(
        "{} {}",
        pluralize("container", "containers", names.len()),
        join_quote(names)
    )
}

/// Sorts and removes duplicates, as Go's `sets.NewString(...).List()` does.
pub(crate) fn sorted_set<S: Ord>(mut v: Vec<S>) -> Vec<S> {
    crate::order::sort(&mut v);
    v.dedup();
    v
}

/// Profiles (`seccompProfile`, `appArmorProfile`) whose type is not allowed, examined as PSA
/// does: the pod-level object and each container's own, independently.
pub(crate) struct BadProfiles {
    /// `pod` and/or the containers phrase, in upstream order.
    pub(crate) setters: Vec<String>,
    /// The forbidden types (unsorted).
    pub(crate) values: Vec<String>,
}

/// Collects forbidden profile types of `field` at pod level and in every container, pushing one
/// finding per forbidden type to `out`; `label` starts each message and `fix` builds the fix for a
/// `.type` path.
pub(crate) fn bad_profile_types(
    pod: &PodView<'_>,
    field: &str,
    allowed: fn(&str) -> bool,
    label: &str,
    fix: fn(&str) -> crate::fix::Fix,
    out: &mut Out<'_>,
) -> BadProfiles {
    let mut bad = BadProfiles {
        setters: Vec::new(),
        values: Vec::new(),
    };
    let mut report = |subject: String,
                      container: Option<&ContainerView<'_>>,
                      t: String,
                      n: Node<'_>,
                      path: String| {
        out.push(
            finding(
                format!("{label}: {subject} sets {field}.type to \"{t}\""),
                container,
                n.span(),
                path.clone(),
            )
            .with_fix(fix(&path)),
        );
        bad.values.push(t);
    };
    let mut pod_bad = false;
    if let Some((t, n)) = profile_type(pod.sc(field))
        && !allowed(&t)
    {
        pod_bad = true;
        report(
            "the pod".to_string(),
            None,
            t,
            n,
            format!("{}.type", pod.sc_path(field)),
        );
    }
    let mut names = Vec::new();
    for c in &pod.containers {
        if let Some((t, n)) = profile_type(c.sc(field))
            && !allowed(&t)
        {
            names.push(c.name);
            report(who(c), Some(c), t, n, format!("{}.type", c.sc_path(field)));
        }
    }
    if pod_bad {
        bad.setters.push("pod".to_string());
    }
    if !names.is_empty() {
        bad.setters.push(containers_phrase(&names));
    }
    bad
}

/// A finding with the check ID and level left for the runner to stamp.
pub(crate) fn finding(
    message: impl Into<String>,
    container: Option<&ContainerView<'_>>,
    at: Span,
    path: impl Into<String>,
) -> Finding {
    Finding::new(
        "",
        FindingLevel::Baseline,
        message,
        container.map(|c| c.name),
        at,
        path,
    )
}

/// A field path from its dotted form.
pub(crate) fn fp(s: &str) -> FieldPath {
    FieldPath::parse(s)
}

/// `name (kind)` for messages: `container "app"`, `init container "setup"`,
/// `ephemeral container "debug"`.
pub(crate) fn who(c: &ContainerView<'_>) -> String {
    let kind = match c.kind {
        crate::pod::ContainerKind::Init => "init container",
        crate::pod::ContainerKind::Regular => "container",
        crate::pod::ContainerKind::Ephemeral => "ephemeral container",
    };
    format!("{kind} \"{}\"", c.name)
}

/// The string `type` of a profile object (`seccompProfile`, `appArmorProfile`): `Some("")` when
/// the object is set without a type, `None` when the object is unset.
pub(crate) fn profile_type<'a>(profile: Option<Node<'a>>) -> Option<(String, Node<'a>)> {
    let p = profile?;
    if !p.is_map() {
        return None;
    }
    match p.field("type") {
        Some(t) => Some((t.text().unwrap_or("").to_string(), t)),
        None => Some((String::new(), p)),
    }
}

/// An annotation's value as the API server stores it (`null` and empty are the empty string).
pub(crate) fn annotation_value(n: Node<'_>) -> String {
    if n.is_null() {
        return String::new();
    }
    n.raw_scalar()
        .map(|(t, _)| t.to_string())
        .unwrap_or_default()
}

/// A finding at container `c`'s `securityContext.<key>`, written at `n`, with the unsafe fix that
/// removes the field; `breaks` says what stops working without it.
pub(crate) fn remove_sc_field(
    c: &ContainerView<'_>,
    key: &str,
    n: Node<'_>,
    message: String,
    breaks: &'static str,
) -> Finding {
    let path = c.sc_path(key);
    finding(message, Some(c), n.span(), path.clone()).with_fix(Fix::unsafe_(
        format!("remove securityContext.{key}"),
        breaks,
        vec![Patch::Remove { path: fp(&path) }],
    ))
}

/// A finding of a capability `c` adds (at `n`) that the check does not allow, with the unsafe fix
/// that removes it from `capabilities.add`.
pub(crate) fn added_capability(
    c: &ContainerView<'_>,
    cap: &str,
    n: Node<'_>,
    message: String,
) -> Finding {
    let path = format!("{}.add", c.sc_path("capabilities"));
    finding(message, Some(c), n.span(), path.clone()).with_fix(Fix::unsafe_(
        format!("remove {cap} from securityContext.capabilities.add"),
        "the program loses whatever the capability lets it do; calls that need it fail with EPERM",
        vec![Patch::RemoveItem {
            path: fp(&path),
            item: cap.to_string(),
        }],
    ))
}

/// A finding of a legacy profile annotation (`what`: `AppArmor`, `seccomp`) written at `n` and
/// addressed by `path`, with the unsafe fix that sets it to `runtime/default`; `note` says what may
/// break.
pub(crate) fn annotation_to_runtime_default(
    message: String,
    n: Node<'_>,
    path: String,
    what: &str,
    note: &'static str,
) -> Finding {
    let patch = Patch::Set {
        path: fp(&path),
        value: PatchValue::Str("runtime/default".to_string()),
    };
    finding(message, None, n.span(), path).with_fix(Fix::unsafe_(
        format!("set the {what} annotation to runtime/default"),
        note,
        vec![patch],
    ))
}

/// Upstream's detail for containers that use something: `containers "b", "c" use hostPorts 10,
/// 20`, with `what` the noun for one and for several and `listed` the values in words.
pub(crate) fn uses_detail<S: AsRef<str>>(
    containers: &[S],
    what: (&str, &str),
    count: usize,
    listed: &str,
) -> String {
    format!(
        "{} {} {} {listed}",
        containers_phrase(containers),
        pluralize("uses", "use", containers.len()),
        pluralize(what.0, what.1, count),
    )
}

/// A restricted check's exemption of Windows pods (`spec.os.name: windows`, exactly), in force
/// from v1.25 for the checks of fields that do not exist on Windows; `check` judges the others.
pub(crate) fn windows_exempt(pod: &PodView<'_>, check: CheckFn, out: &mut Out<'_>) -> Verdict {
    if pod.is_windows() {
        return Verdict::pass(
            "not applicable: spec.os.name is windows (exempt from v1.25)",
            pod.field("os").and_then(|o| o.field("name")).and_then(line),
        );
    }
    check(pod, out)
}

/// A check's relief for pods in a user namespace (`spec.hostUsers: false`), in force from v1.35:
/// `why` says what that means for the check; `check` judges the others.
pub(crate) fn user_namespace_exempt(
    pod: &PodView<'_>,
    why: &str,
    check: CheckFn,
    out: &mut Out<'_>,
) -> Verdict {
    if let Some((false, n)) = pod.bool_field("hostUsers") {
        return Verdict::pass(
            format!("not applicable: spec.hostUsers is false, so {why}"),
            line(n),
        );
    }
    check(pod, out)
}

/// The run-as checks' reason under [`user_namespace_exempt`].
pub(crate) const IN_USER_NAMESPACE: &str = "the pod runs in a user namespace (exempt from v1.35)";

/// Where a finding about a field a container leaves unset points: its `securityContext` key when
/// it has one, else the container.
pub(crate) fn sc_anchor(c: &ContainerView<'_>) -> Span {
    c.security_context()
        .and_then(|_| c.node.get_entry("securityContext"))
        .map_or_else(|| c.anchor(), |(k, _)| k.span())
}

/// The line of a node.
pub(crate) fn line(n: Node<'_>) -> Option<usize> {
    Some(n.span().line)
}

#[cfg(test)]
pub(crate) mod testing {
    //! Test helpers: parse a manifest, run one check's variant (the verdict `testing::check`
    //! shows), or the whole evaluation.

    use super::*;

    /// Parses the first workload of a manifest and hands its pod view to `f`.
    pub(crate) fn with_pod<R>(yaml: &str, f: impl FnOnce(&PodView<'_>) -> R) -> R {
        let stream = crate::yaml::parse_stream(yaml);
        assert!(stream.errors.is_empty(), "{:?}", stream.errors);
        let doc = stream.documents.first().expect("a document");
        for entry in crate::manifest::objects(doc) {
            if let crate::manifest::Entry::Workload(_, pod) = entry {
                return f(&pod);
            }
        }
        panic!("no workload in {yaml}");
    }

    /// Runs one check at a minor version: `Ok(pass reason)` or `Err("reason (detail)")`.
    pub(crate) fn run(check: &Rule, minor: u32, yaml: &str) -> Result<String, String> {
        with_pod(yaml, |pod| match check.variant(minor) {
            None => Ok("not active".to_string()),
            Some(f) => match f(pod, &mut Out::new(&mut drop)) {
                Verdict::Allowed { reason, .. } => Ok(reason),
                Verdict::Denied { reason, detail, .. } => Err(if detail.is_empty() {
                    reason
                } else {
                    format!("{reason} ({detail})")
                }),
            },
        })
    }

    /// Evaluates the first workload of a manifest.
    pub(crate) fn evaluate_yaml(yaml: &str, level: PssLevel, version: Version) -> PssResult {
        with_pod(yaml, |pod| evaluate(pod, level, version))
    }
}

#[cfg(test)]
mod tests {
    use super::testing::evaluate_yaml;
    use super::*;

    /// What the registry meta-tests (`tests/registry.rs`) cannot see: the versioned variants.
    #[test]
    fn versions_increase_and_overrides_replace_baseline_checks() {
        assert_eq!(RULES.len(), 19);
        for r in RULES {
            assert!(!r.versions.is_empty(), "{}", r.check.id);
            assert!(
                r.versions.windows(2).all(|w| w[0].0 < w[1].0),
                "{} versions must increase",
                r.check.id
            );
            if let Some(o) = r.overrides {
                assert_eq!(r.check.level, FindingLevel::Restricted);
                assert_eq!(o.level, FindingLevel::Baseline);
                assert!(RULES.iter().any(|x| x.check.id == o.id));
            }
        }
        let max = RULES
            .iter()
            .flat_map(|r| r.versions.iter().map(|(v, _)| *v))
            .max();
        assert_eq!(max, Some(crate::model::MAX_KNOWN_MINOR));
    }

    #[test]
    fn active_checks_per_breakpoint() {
        let b = |m| active_checks(PssLevel::Baseline, Version::Minor(m)).len();
        let r = |m| active_checks(PssLevel::Restricted, Version::Minor(m)).len();
        assert_eq!((b(0), r(0)), (11, 12));
        assert_eq!((b(8), r(8)), (11, 13));
        assert_eq!((b(19), r(19)), (11, 13));
        assert_eq!((b(22), r(22)), (11, 13));
        assert_eq!((b(23), r(23)), (11, 14));
        assert_eq!((b(34), r(34)), (12, 15));
        assert_eq!((b(35), r(35)), (12, 15));
        assert_eq!(b(37), 12);
        assert!(active_checks(PssLevel::Privileged, Version::Latest).is_empty());
        let ids = active_checks(PssLevel::Restricted, Version::Latest);
        assert_eq!(
            ids,
            [
                "appArmorProfile",
                "hostNamespaces",
                "hostPorts",
                "hostProbesAndHostLifecycle",
                "privileged",
                "seLinuxOptions",
                "sysctls",
                "windowsHostProcess",
                "allowPrivilegeEscalation",
                "capabilities_restricted",
                "procMount_restricted",
                "restrictedVolumes",
                "runAsNonRoot",
                "runAsUser",
                "seccompProfile_restricted",
            ]
        );
    }

    #[test]
    fn aggregate_follows_upstream_order_and_format() {
        let yaml = r#"apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  hostNetwork: true
  containers:
  - name: app
    image: nginx
    securityContext:
      privileged: true
"#;
        let r = evaluate_yaml(yaml, PssLevel::Restricted, Version::Latest);
        assert!(!r.allowed);
        assert_eq!(
            r.aggregate,
            "host namespaces (hostNetwork=true), \
             privileged (container \"app\" must not set securityContext.privileged=true), \
             allowPrivilegeEscalation != false (container \"app\" must set securityContext.allowPrivilegeEscalation=false), \
             unrestricted capabilities (container \"app\" must set securityContext.capabilities.drop=[\"ALL\"]), \
             runAsNonRoot != true (pod or container \"app\" must set securityContext.runAsNonRoot=true), \
             seccompProfile (pod or container \"app\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")"
        );
        assert!(r.findings.iter().all(|f| f.pss && !f.check.is_empty()));
        assert_eq!(
            r.denied,
            [
                "hostNamespaces",
                "privileged",
                "allowPrivilegeEscalation",
                "capabilities_restricted",
                "runAsNonRoot",
                "seccompProfile_restricted"
            ]
        );
    }

    #[test]
    fn privileged_level_allows_everything() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostPID: true\n  containers:\n  - name: a\n    image: x\n";
        let r = evaluate_yaml(yaml, PssLevel::Privileged, Version::Latest);
        assert!(r.allowed);
        assert!(r.aggregate.is_empty());
    }

    #[test]
    fn meta_path_of_templates() {
        let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers: []\n";
        super::testing::with_pod(yaml, |pod| {
            assert_eq!(pod.meta_path(), "spec.template.metadata");
        });
    }
}
