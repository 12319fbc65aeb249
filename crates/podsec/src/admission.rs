//! Namespace admission: what Pod Security Admission does with each object of a text in its
//! namespace, mode by mode, as the API server answers `kubectl apply`.
//!
//! Inputs: `Namespace` objects in the same text (their `pod-security.kubernetes.io/*` labels), the
//! plugin's configuration ([`config`]: defaults and exemptions) and the options' namespace and
//! user. Objects with no `metadata.namespace` go to `Options::namespace`, else `default`.
//!
//! Decided as upstream's `admission.go` decides (read at kubernetes/pod-security-admission):
//! - a Pod request is checked in all three modes; a workload (Deployment, Job, …) only in `audit`
//!   and `warn`: it is admitted whatever `enforce` says, and its pods are checked under `enforce`
//!   when its controller creates them, as the controller's service account;
//! - exemptions in upstream's order: namespace, then user, then (after the all-privileged short
//!   cut) runtime class; an exempt request is allowed with the `exempt` audit annotation;
//! - `warn` is not evaluated when `enforce` refuses the request; results are shared between modes
//!   with the same level and version;
//! - labels that do not parse: enforce fails closed (`restricted`), audit and warn fail open
//!   (`privileged`), versions become `latest`, and every request carries the `error` annotation; a
//!   Namespace created with such labels is itself refused;
//! - `latest` and versions newer than the cluster evaluate as the newest policy the cluster knows.
//!
//! It also answers the planning question: the strictest level each object and each namespace
//! passes, and the changes the next level up asks for.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analysis::ObjectReport;
use crate::manifest::{self, Entry, Object};
use crate::model::{Finding, Options, PssLevel, Version};
use crate::pod::PodView;
use crate::pss::PssResult;
use crate::yaml::Node;

pub mod config;
pub mod policy;
pub mod view;

pub use config::Config;
pub use policy::{LevelVersion, Mode, Policy};

/// A `Namespace` object of the text.
#[derive(Clone, Debug)]
pub(crate) struct NamespaceObject {
    name: String,
    labels: Vec<(String, String)>,
    line: usize,
    document: usize,
}

/// Whether an object is a core `v1` Namespace.
pub(crate) fn is_namespace(obj: &Object<'_>) -> bool {
    obj.kind == "Namespace" && obj.api_version == "v1" && obj.node.is_map()
}

/// Reads a Namespace's name and labels.
pub(crate) fn namespace(obj: &Object<'_>) -> NamespaceObject {
    let labels = obj
        .node
        .field("metadata")
        .and_then(|m| m.field("labels"))
        .map(Node::entries)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| Some((k.text()?.to_string(), v.text().unwrap_or("").to_string())))
        .collect();
    NamespaceObject {
        name: obj.name.clone(),
        labels,
        line: obj.node.span().line,
        document: obj.document,
    }
}

/// Namespace admission over a whole text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdmissionReport {
    /// The namespace of objects that name none.
    #[serde(rename = "defaultNamespace")]
    pub default_namespace: String,
    /// Errors in the admission configuration (it is then not used: defaults and no exemptions).
    #[serde(
        rename = "configErrors",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub config_errors: Vec<String>,
    /// Exempt usernames, runtime classes and namespaces of the configuration.
    pub exemptions: Exemptions,
    /// Every namespace in the text or named by an object, by name.
    pub namespaces: Vec<NamespaceReport>,
}

/// The configuration's exemptions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exemptions {
    /// Exempt users.
    pub usernames: Vec<String>,
    /// Exempt runtime classes.
    #[serde(rename = "runtimeClasses")]
    pub runtime_classes: Vec<String>,
    /// Exempt namespaces.
    pub namespaces: Vec<String>,
}

/// One namespace: its policy and what its objects need.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NamespaceReport {
    /// The name.
    pub name: String,
    /// Line of the Namespace object, when the text holds one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Its document, when the text holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<usize>,
    /// The policy per mode, labels over the configuration's defaults.
    pub modes: NamespaceModes,
    /// Labels that do not parse, in upstream's words.
    #[serde(rename = "labelErrors", default, skip_serializing_if = "Vec::is_empty")]
    pub label_errors: Vec<String>,
    /// What creating the Namespace answers when its labels do not parse (`kubectl apply` prints it).
    #[serde(
        rename = "createError",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub create_error: Option<String>,
    /// Whether the configuration exempts the namespace.
    pub exempt: bool,
    /// Number of workload objects in it.
    pub objects: usize,
    /// The strictest level every object in it passes (at its enforce version), i.e. the strictest
    /// `enforce` label it could carry today.
    #[serde(rename = "strictestLevel")]
    pub strictest_level: PssLevel,
    /// The next level up, and every change it asks for.
    #[serde(rename = "nextLevel", default, skip_serializing_if = "Option::is_none")]
    pub next_level: Option<NextLevel>,
}

/// A namespace's policy, mode by mode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceModes {
    /// `enforce`.
    pub enforce: ModePolicy,
    /// `audit`.
    pub audit: ModePolicy,
    /// `warn`.
    pub warn: ModePolicy,
}

impl NamespaceModes {
    /// Each mode with its policy, in label order.
    #[must_use]
    pub fn iter(&self) -> [(Mode, &ModePolicy); 3] {
        [
            (Mode::Enforce, &self.enforce),
            (Mode::Audit, &self.audit),
            (Mode::Warn, &self.warn),
        ]
    }
}

/// One mode of a namespace's policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModePolicy {
    /// `level:version` as labelled, e.g. `restricted:latest`.
    pub policy: String,
    /// The version evaluated, `v1.N`.
    pub evaluated: String,
    /// `label` when a label sets the level or version, else `default`.
    pub from: String,
}

/// The next level up and what it asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NextLevel {
    /// The level.
    pub level: PssLevel,
    /// The version it is evaluated at, `v1.N`.
    pub version: String,
    /// The label to set, e.g. `pod-security.kubernetes.io/enforce=restricted`.
    pub label: String,
    /// Every field to change, object by object.
    pub changes: Vec<Change>,
}

/// One field the next level asks to change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// `Kind/name`.
    pub object: String,
    /// The check.
    #[serde(deserialize_with = "crate::wire::static_str")]
    pub check: crate::wire::Name,
    /// Field path.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// What Pod Security Admission does with one object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectAdmission {
    /// The namespace it goes to.
    pub namespace: String,
    /// `metadata` (the object names it), `option` (`--namespace`) or `default`.
    #[serde(rename = "namespaceFrom")]
    pub namespace_from: String,
    /// The resource as kubectl names it, e.g. `deployment.apps`.
    pub resource: String,
    /// kubectl refuses to send the object (its namespace differs from `--namespace`).
    #[serde(
        rename = "clientError",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub client_error: Option<String>,
    /// The create request of the object itself.
    pub request: Modes,
    /// For workloads: the pods its controller creates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pods: Option<PodsAdmission>,
    /// The strictest level the object passes, at its namespace's enforce version.
    #[serde(rename = "strictestLevel")]
    pub strictest_level: PssLevel,
    /// The next level up and what it asks for.
    #[serde(rename = "nextLevel", default, skip_serializing_if = "Option::is_none")]
    pub next_level: Option<NextLevel>,
}

/// The pods a workload's controller creates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PodsAdmission {
    /// The controller (event source), e.g. `replicaset-controller`.
    pub controller: String,
    /// The user it creates pods as.
    pub username: String,
    /// The pods' names, with placeholders for the generated parts.
    #[serde(rename = "podName")]
    pub pod_name: String,
    /// Each mode's outcome for a pod create.
    pub modes: Modes,
    /// The `FailedCreate` event the controller records when `enforce` refuses its pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
}

/// Each mode's outcome for one request, and the audit annotations it adds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Modes {
    /// `enforce`.
    pub enforce: Outcome,
    /// `audit`.
    pub audit: Outcome,
    /// `warn`.
    pub warn: Outcome,
    /// Audit annotations (`pod-security.kubernetes.io/…`) on the request's audit event.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

impl Modes {
    /// The outcome of one mode.
    #[must_use]
    pub fn of(&self, mode: Mode) -> &Outcome {
        match mode {
            Mode::Enforce => &self.enforce,
            Mode::Audit => &self.audit,
            Mode::Warn => &self.warn,
        }
    }

    /// Whether `enforce` refuses the request.
    #[must_use]
    pub fn refused(&self) -> bool {
        self.enforce.result == Decision::Denied
    }
}

/// One mode's outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// `level:version` as labelled.
    pub policy: String,
    /// The version evaluated, `v1.N`.
    pub evaluated: String,
    /// The decision.
    pub result: Decision,
    /// The server's message: the refusal, the warning, the audit annotation value, or why the mode
    /// does not apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A mode's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// Evaluated and allowed (or the namespace is privileged in every mode that applies).
    Allowed,
    /// `enforce` refuses the request.
    Denied,
    /// `warn` returns a warning to the client.
    Warning,
    /// `audit` records a violation.
    Violation,
    /// `enforce` does not apply to workload resources.
    NotApplied,
    /// `warn` is not evaluated: `enforce` already refused the request.
    NotEvaluated,
    /// An exemption skips every check.
    Exempt,
}

impl Decision {
    /// The kebab-case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::Denied => "denied",
            Decision::Warning => "warning",
            Decision::Violation => "violation",
            Decision::NotApplied => "not-applied",
            Decision::NotEvaluated => "not-evaluated",
            Decision::Exempt => "exempt",
        }
    }
}

/// The lines `kubectl apply -f FILE` prints for an object, in order: warnings, then the result.
#[must_use]
pub fn kubectl_lines(o: &ObjectReport, file: &str) -> Vec<String> {
    let Some(a) = &o.admission else {
        return Vec::new();
    };
    if let Some(e) = &a.client_error {
        return vec![format!("error: {e}")];
    }
    let mut lines = Vec::new();
    if a.request.warn.result == Decision::Warning
        && let Some(w) = &a.request.warn.message
    {
        lines.push(format!("Warning: {w}"));
    }
    match (&a.request.enforce.result, &a.request.enforce.message) {
        (Decision::Denied, Some(m)) => lines.push(format!(
            "Error from server (Forbidden): error when creating {}: {m}",
            crate::rule::go_quote(file)
        )),
        _ => lines.push(format!("{}/{} created", a.resource, o.name)),
    }
    lines
}

/// What `kubectl apply` prints for a Namespace of the text.
#[must_use]
pub fn namespace_line(n: &NamespaceReport) -> Option<String> {
    n.line?;
    Some(match &n.create_error {
        Some(e) => e.clone(),
        None => format!("namespace/{} created", n.name),
    })
}

/// The Kubernetes minor whose policies `version` selects on the options' cluster: `latest` and
/// newer versions clamp to the newest policy that cluster knows (pss-checks.md §1.3).
fn evaluated(version: Version, options: &Options) -> Version {
    let newest = options
        .kube_minor
        .map_or(crate::model::MAX_KNOWN_MINOR, |k| {
            k.min(crate::model::MAX_KNOWN_MINOR)
        });
    Version::Minor(match version {
        Version::Latest => newest,
        Version::Minor(m) => m.min(newest),
    })
}

/// PSS results of one pod at each (level, evaluated minor) asked, computed once.
struct Evaluations<'p, 'a> {
    pod: &'p PodView<'a>,
    done: Vec<((PssLevel, Version), PssResult)>,
}

impl Evaluations<'_, '_> {
    /// The result at a level and evaluated version (`None` never happens: it is computed here).
    fn at(&mut self, level: PssLevel, version: Version) -> Option<&PssResult> {
        let key = (level, version);
        let i = match self.done.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                self.done
                    .push((key, crate::pss::evaluate(self.pod, level, version)));
                self.done.len() - 1
            }
        };
        self.done.get(i).map(|(_, r)| r)
    }

    fn allows(&mut self, level: PssLevel, version: Version) -> bool {
        self.at(level, version).is_none_or(|r| r.allowed)
    }
}

/// A namespace's state while deciding: its policy, and what its report needs of the objects
/// decided so far.
struct NamespaceState {
    policy: Policy,
    errors: Vec<String>,
    object: Option<NamespaceObject>,
    labelled: [(bool, bool); 3],
    /// Objects in it (those kubectl sends).
    objects: usize,
    /// The strictest level every one of them passes.
    strictest: PssLevel,
    /// The changes the level above `strictest` asks, in object order: every object below that
    /// level is at `strictest`, so its own next level is this one.
    changes: Vec<Change>,
}

impl NamespaceState {
    fn new(policy: Policy) -> NamespaceState {
        NamespaceState {
            policy,
            errors: Vec::new(),
            object: None,
            labelled: [(false, false); 3],
            objects: 0,
            strictest: PssLevel::Restricted,
            changes: Vec::new(),
        }
    }

    /// Counts one object sent to the namespace.
    fn count(&mut self, a: &ObjectAdmission) {
        self.objects += 1;
        if a.strictest_level < self.strictest {
            self.strictest = a.strictest_level;
            self.changes.clear();
        }
        if a.strictest_level == self.strictest
            && let Some(n) = &a.next_level
        {
            self.changes.extend(n.changes.iter().cloned());
        }
    }
}

/// The controller that creates a workload's pods: event source, service account, pod name.
fn controller(kind: &str, name: &str) -> Option<(&'static str, &'static str, String)> {
    Some(match kind {
        "ReplicationController" => (
            "replication-controller",
            "replication-controller",
            format!("{name}-<random>"),
        ),
        "ReplicaSet" => (
            "replicaset-controller",
            "replicaset-controller",
            format!("{name}-<random>"),
        ),
        "Deployment" => (
            "replicaset-controller",
            "replicaset-controller",
            format!("{name}-<hash>-<random>"),
        ),
        "DaemonSet" => (
            "daemonset-controller",
            "daemon-set-controller",
            format!("{name}-<random>"),
        ),
        "StatefulSet" => (
            "statefulset-controller",
            "statefulset-controller",
            format!("{name}-0"),
        ),
        "Job" => (
            "job-controller",
            "job-controller",
            format!("{name}-<random>"),
        ),
        "CronJob" => (
            "job-controller",
            "job-controller",
            format!("{name}-<time>-<random>"),
        ),
        _ => return None,
    })
}

/// `deployment.apps`, `pod`, `cronjob.batch`: the resource as kubectl prints it.
fn resource(api_version: &str, kind: &str) -> String {
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let kind = kind.to_ascii_lowercase();
    if group.is_empty() {
        kind
    } else {
        format!("{kind}.{group}")
    }
}

/// Namespace admission decided object by object, as the analysis makes each report: the
/// configuration and every Namespace of the text are read first (a Namespace anywhere in the text
/// decides the objects before it too), and each namespace keeps only what its report needs (the
/// number of objects, the strictest level they all pass and the changes the next level asks), so
/// no report is held to build the [`AdmissionReport`].
pub(crate) struct Decider {
    config: Config,
    config_errors: Vec<String>,
    states: BTreeMap<String, NamespaceState>,
}

impl Decider {
    /// The decider for `text`, when admission is decided at all: the text holds a Namespace or the
    /// options give an admission configuration or a namespace. The Namespaces are read in a pass
    /// of their own, made only when the text may hold one.
    pub(crate) fn new(text: &str, options: &Options) -> Option<Decider> {
        let namespaces = if may_hold_namespace(text) {
            namespaces(text)
        } else {
            Vec::new()
        };
        if namespaces.is_empty()
            && options.admission_config.is_none()
            && options.namespace.is_none()
        {
            return None;
        }
        let (config, config_errors) = match options.admission_config.as_deref().map(config::parse) {
            None => (Config::default(), Vec::new()),
            Some(Ok(c)) => (c, Vec::new()),
            Some(Err(e)) => (Config::default(), e),
        };
        let mut states: BTreeMap<String, NamespaceState> = BTreeMap::new();
        for ns in namespaces {
            let (policy, errors) = policy::resolve(&ns.labels, config.defaults);
            let labelled = Mode::ALL.map(|m| {
                let has = |suffix: &str| {
                    let key = format!("{}{}{suffix}", policy::PREFIX, m.as_str());
                    ns.labels.iter().any(|(k, _)| *k == key)
                };
                (has(""), has("-version"))
            });
            let name = ns.name.clone();
            let mut state = NamespaceState::new(policy);
            state.errors = errors;
            state.object = Some(ns);
            state.labelled = labelled;
            states.insert(name, state);
        }
        Some(Decider {
            config,
            config_errors,
            states,
        })
    }

    /// What admission does with one workload object, counted into its namespace.
    pub(crate) fn object(
        &mut self,
        obj: &Object<'_>,
        pod: &PodView<'_>,
        options: &Options,
    ) -> ObjectAdmission {
        let (ns, from) = match (&obj.namespace, &options.namespace) {
            (Some(n), _) => (n.clone(), "metadata"),
            (None, Some(n)) => (n.clone(), "option"),
            (None, None) => ("default".to_string(), "default"),
        };
        let defaults = self.config.defaults;
        let state = self
            .states
            .entry(ns.clone())
            .or_insert_with(|| NamespaceState::new(defaults));
        let admission = decide_object(obj, pod, &ns, from, state, &self.config, options);
        if admission.client_error.is_none() {
            state.count(&admission);
        }
        admission
    }

    /// The report over every namespace of the text and of its objects, by name.
    pub(crate) fn finish(self, options: &Options) -> AdmissionReport {
        let config = &self.config;
        AdmissionReport {
            default_namespace: options
                .namespace
                .clone()
                .unwrap_or_else(|| "default".to_string()),
            config_errors: self.config_errors,
            exemptions: Exemptions {
                usernames: config.usernames.clone(),
                runtime_classes: config.runtime_classes.clone(),
                namespaces: config.namespaces.clone(),
            },
            namespaces: self
                .states
                .into_iter()
                .map(|(name, state)| namespace_report(name, state, config, options))
                .collect(),
        }
    }
}

/// Whether namespace admission may decide some object of `text`: the options give a namespace or
/// an admission configuration, or the text may hold a Namespace (told without parsing it, so
/// `true` may be wrong, `false` never is). When it is `false`, an object's verdict does not depend
/// on the rest of the text.
pub(crate) fn may_apply(text: &str, options: &Options) -> bool {
    options.admission_config.is_some() || options.namespace.is_some() || may_hold_namespace(text)
}

/// Whether the text may hold a Namespace, told without parsing it (a text that holds none needs no
/// pass to look). A kind written `Namespace` is that word as a whole scalar: after a space, a
/// quote or a flow indicator, and followed, past any spaces, by the line's end, a comment, a
/// quote, a flow collection's `,` `]` `}`, or `:` (an anchored key an alias could name), so the
/// word in prose ("the Namespace of") or in a field name (`shareProcessNamespace:`) does not count.
/// Spelt otherwise, it needs an escape that makes a letter or joins lines in a quoted string
/// (`\u0073`, `\x73`, `\` at a line's end) or a tag that decodes (`!!binary`, also written
/// `!<tag:yaml.org,2002:binary>` or with `%` escapes), each of which counts.
fn may_hold_namespace(text: &str) -> bool {
    const WORD: &str = "Namespace";
    let word = text.match_indices(WORD).any(|(i, _)| {
        let before = text.get(..i).and_then(|b| b.chars().next_back());
        let after = text.get(i + WORD.len()..).unwrap_or("");
        let after = after.trim_start_matches([' ', '\t']).chars().next();
        before.is_none_or(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '{' | '[' | ',' | ':'))
            && after
                .is_none_or(|c| matches!(c, '\n' | '\r' | '#' | ',' | ']' | '}' | '"' | '\'' | ':'))
    });
    let escape = text.match_indices('\\').any(|(i, _)| {
        text.get(i + 1..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| matches!(c, 'x' | 'u' | 'U' | '\n' | '\r'))
    });
    let tag = text.match_indices('!').any(|(i, _)| {
        let tag = text
            .get(i..)
            .and_then(|t| t.split(char::is_whitespace).next());
        tag.is_some_and(|t| t.contains("binary") || t.contains('%'))
    });
    word || escape || tag
}

/// Every Namespace of the text, in text order (`List` items too).
fn namespaces(text: &str) -> Vec<NamespaceObject> {
    let mut found = Vec::new();
    for doc in crate::yaml::documents(text) {
        let Ok(doc) = doc else { continue };
        manifest::each_object(&doc, &mut |entry| {
            if let Entry::Skipped(obj, _) = entry
                && is_namespace(&obj)
            {
                found.push(namespace(&obj));
            }
        });
    }
    found
}

fn namespace_report(
    name: String,
    state: NamespaceState,
    config: &Config,
    options: &Options,
) -> NamespaceReport {
    let strictest = state.strictest;
    let version = evaluated(state.policy.enforce.version, options);
    let next_level = next(strictest).map(|level| NextLevel {
        level,
        version: version.label(),
        label: format!("{}enforce={}", policy::PREFIX, level.as_str()),
        changes: state.changes,
    });
    let mode = |m: Mode, (level, version): (bool, bool)| {
        let lv = state.policy.of(m);
        ModePolicy {
            policy: lv.label(),
            evaluated: evaluated(lv.version, options).label(),
            from: if level || version { "label" } else { "default" }.to_string(),
        }
    };
    let [e, a, w] = state.labelled;
    let modes = NamespaceModes {
        enforce: mode(Mode::Enforce, e),
        audit: mode(Mode::Audit, a),
        warn: mode(Mode::Warn, w),
    };
    let create_error = (state.object.is_some() && !state.errors.is_empty()).then(|| {
        let quoted = crate::rule::go_quote(&name);
        match state.errors.as_slice() {
            [one] => format!("The Namespace {quoted} is invalid: {one}"),
            many => format!(
                "The Namespace {quoted} is invalid: \n* {}",
                many.join("\n* ")
            ),
        }
    });
    NamespaceReport {
        line: state.object.as_ref().map(|o| o.line),
        document: state.object.as_ref().map(|o| o.document),
        modes,
        label_errors: state.errors,
        create_error,
        exempt: config.namespaces.contains(&name),
        objects: state.objects,
        strictest_level: strictest,
        next_level,
        name,
    }
}

fn next(level: PssLevel) -> Option<PssLevel> {
    match level {
        PssLevel::Privileged => Some(PssLevel::Baseline),
        PssLevel::Baseline => Some(PssLevel::Restricted),
        PssLevel::Restricted => None,
    }
}

/// The request's user is exempt, or its namespace is: the reason, as upstream's annotation says it.
fn exemption(ns: &str, username: Option<&str>, config: &Config) -> Option<&'static str> {
    if config.namespaces.iter().any(|n| n == ns) {
        return Some("namespace");
    }
    if username.is_some_and(|u| !u.is_empty() && config.usernames.iter().any(|n| n == u)) {
        return Some("user");
    }
    None
}

fn decide_object(
    obj: &Object<'_>,
    pod: &PodView<'_>,
    ns: &str,
    from: &str,
    state: &NamespaceState,
    config: &Config,
    options: &Options,
) -> ObjectAdmission {
    // Admission sees the pod after the API server dropped the fields its version gates off.
    let created = pod.as_created_on(options.kube());
    let mut evals = Evaluations {
        pod: &created,
        done: Vec::new(),
    };
    let is_pod = obj.kind == "Pod";
    let created_name = obj.created_name();
    let client_error = match (&obj.namespace, &options.namespace) {
        (Some(own), Some(flag)) if own != flag => Some(format!(
            "the namespace from the provided object {} does not match the namespace {}. You must pass '--namespace={own}' to perform this operation.",
            crate::rule::go_quote(own),
            crate::rule::go_quote(flag)
        )),
        _ => None,
    };
    let runtime_class = pod
        .spec
        .field("runtimeClassName")
        .and_then(Node::text)
        .filter(|r| !r.is_empty());
    let request = Request {
        ns,
        state,
        config,
        options,
        runtime_class,
    };
    let mut modes = request.modes(
        &mut evals,
        options.username.as_deref(),
        is_pod.then_some(created_name.as_ref()),
    );
    if client_error.is_some() {
        modes = not_sent(&modes);
    }
    let pods = (!is_pod && client_error.is_none())
        .then(|| controller(&obj.kind, &created_name))
        .flatten()
        .map(|(source, account, pod_name)| {
            let username = format!("system:serviceaccount:kube-system:{account}");
            let modes = request.modes(&mut evals, Some(&username), Some(&pod_name));
            let event = modes
                .refused()
                .then_some(modes.enforce.message.as_ref())
                .flatten()
                .map(|m| format!("Warning  FailedCreate  {source}  Error creating: {m}"));
            PodsAdmission {
                controller: source.to_string(),
                username,
                pod_name,
                modes,
                event,
            }
        });
    // The planning view: the strictest level passed at the namespace's enforce version.
    let version = evaluated(state.policy.enforce.version, options);
    let strictest = [PssLevel::Restricted, PssLevel::Baseline]
        .into_iter()
        .find(|&l| evals.allows(l, version))
        .unwrap_or(PssLevel::Privileged);
    let label = format!("{}/{}", obj.kind, obj.name);
    let next_level = next(strictest).map(|level| NextLevel {
        level,
        version: version.label(),
        label: format!("{}enforce={}", policy::PREFIX, level.as_str()),
        changes: evals
            .at(level, version)
            .map(|r| changes(&label, &r.findings))
            .unwrap_or_default(),
    });
    ObjectAdmission {
        namespace: ns.to_string(),
        namespace_from: from.to_string(),
        resource: resource(&obj.api_version, &obj.kind),
        client_error,
        request: modes,
        pods,
        strictest_level: strictest,
        next_level,
    }
}

fn changes(object: &str, findings: &[Finding]) -> Vec<Change> {
    findings
        .iter()
        .map(|f| Change {
            object: object.to_string(),
            check: f.check,
            path: f.path.clone(),
            line: f.line,
            column: f.column,
            message: f.message.clone(),
        })
        .collect()
}

/// Every mode of a request kubectl never sends.
fn not_sent(modes: &Modes) -> Modes {
    let skip = |o: &Outcome| Outcome {
        result: Decision::NotEvaluated,
        message: Some("kubectl does not send the object".to_string()),
        ..o.clone()
    };
    Modes {
        enforce: skip(&modes.enforce),
        audit: skip(&modes.audit),
        warn: skip(&modes.warn),
        annotations: BTreeMap::new(),
    }
}

/// One create request in one namespace.
struct Request<'r> {
    ns: &'r str,
    state: &'r NamespaceState,
    config: &'r Config,
    options: &'r Options,
    runtime_class: Option<&'r str>,
}

impl Request<'_> {
    /// Upstream's `ValidatePod` (with `pod_name`) or `ValidatePodController`, then `EvaluatePod`.
    fn modes(
        &self,
        evals: &mut Evaluations<'_, '_>,
        username: Option<&str>,
        pod_name: Option<&str>,
    ) -> Modes {
        let policy = self.state.policy;
        let enforce = pod_name.is_some();
        let outcome = |mode: Mode, result: Decision, message: Option<String>| {
            let lv = policy.of(mode);
            Outcome {
                policy: lv.label(),
                evaluated: evaluated(lv.version, self.options).label(),
                result,
                message,
            }
        };
        let enforce_skipped = || {
            outcome(
                Mode::Enforce,
                Decision::NotApplied,
                Some(
                    "enforce applies to Pods only: the object is admitted, and its pods are checked when its controller creates them"
                        .to_string(),
                ),
            )
        };
        let all = |result: Decision, annotations: BTreeMap<String, String>| Modes {
            enforce: if enforce {
                outcome(Mode::Enforce, result, None)
            } else {
                enforce_skipped()
            },
            audit: outcome(Mode::Audit, result, None),
            warn: outcome(Mode::Warn, result, None),
            annotations,
        };
        let exempt = |reason: &str| {
            let mut a = BTreeMap::new();
            a.insert(format!("{}exempt", policy::PREFIX), reason.to_string());
            all(Decision::Exempt, a)
        };
        if let Some(reason) = exemption(self.ns, username, self.config) {
            return exempt(reason);
        }
        let privileged = |lv: LevelVersion| lv.level == PssLevel::Privileged;
        if self.state.errors.is_empty()
            && privileged(policy.warn)
            && privileged(policy.audit)
            && (!enforce || privileged(policy.enforce))
        {
            return all(Decision::Allowed, BTreeMap::new());
        }
        if self
            .runtime_class
            .is_some_and(|r| self.config.runtime_classes.iter().any(|c| c == r))
        {
            return exempt("runtimeClass");
        }
        let mut annotations = BTreeMap::new();
        if !self.state.errors.is_empty() {
            let errors = match self.state.errors.as_slice() {
                [one] => one.clone(),
                many => format!("[{}]", many.join(", ")),
            };
            annotations.insert(
                format!("{}error", policy::PREFIX),
                format!("Failed to parse policy: {errors}"),
            );
        }
        let mut verdict = |lv: LevelVersion| {
            evals
                .at(lv.level, evaluated(lv.version, self.options))
                .filter(|r| !r.allowed)
                .map(|r| r.aggregate.clone())
        };
        let enforce_outcome = match pod_name {
            None => enforce_skipped(),
            Some(name) => {
                annotations.insert(
                    format!("{}enforce-policy", policy::PREFIX),
                    policy.enforce.label(),
                );
                match verdict(policy.enforce) {
                    Some(aggregate) => outcome(
                        Mode::Enforce,
                        Decision::Denied,
                        Some(format!(
                            "pods {} is forbidden: violates PodSecurity {}: {aggregate}",
                            crate::rule::go_quote(name),
                            crate::rule::go_quote(&policy.enforce.label())
                        )),
                    ),
                    None => outcome(Mode::Enforce, Decision::Allowed, None),
                }
            }
        };
        let would = |lv: LevelVersion, aggregate: String| {
            format!(
                "would violate PodSecurity {}: {aggregate}",
                crate::rule::go_quote(&lv.label())
            )
        };
        let audit = match verdict(policy.audit) {
            Some(aggregate) => {
                let m = would(policy.audit, aggregate);
                annotations.insert(format!("{}audit-violations", policy::PREFIX), m.clone());
                outcome(Mode::Audit, Decision::Violation, Some(m))
            }
            None => outcome(Mode::Audit, Decision::Allowed, None),
        };
        let warn = if enforce_outcome.result == Decision::Denied {
            outcome(
                Mode::Warn,
                Decision::NotEvaluated,
                Some("not evaluated: enforce already refuses the request".to_string()),
            )
        } else {
            match verdict(policy.warn) {
                Some(aggregate) => outcome(
                    Mode::Warn,
                    Decision::Warning,
                    Some(would(policy.warn, aggregate)),
                ),
                None => outcome(Mode::Warn, Decision::Allowed, None),
            }
        };
        Modes {
            enforce: enforce_outcome,
            audit,
            warn,
            annotations,
        }
    }
}

#[cfg(test)]
mod tests;
