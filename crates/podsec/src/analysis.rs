//! The analysis of a whole text: every document, every object, every container.

use serde::{Deserialize, Serialize};

use crate::effective::ContainerEffective;
use crate::manifest::{self, Entry};
use crate::model::{Finding, Options, ParseError, PssLevel, Version};
use crate::pss::Pass;
use crate::rule::Findings;
use crate::yaml;

mod parts;
pub use parts::{Limits, Part, Summary, parts};

/// The result of analysing one text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// The level decided at.
    pub level: PssLevel,
    /// The version as requested (`latest` or `v1.N`).
    pub requested_version: Version,
    /// The version actually evaluated (`v1.N`).
    pub version: String,
    /// Parse and decode errors, each with line and column.
    pub errors: Vec<ParseError>,
    /// Workload objects found, in text order.
    pub objects: Vec<ObjectReport>,
    /// Objects that are not workloads (or that have no pod template), with the reason.
    pub skipped: Vec<Skipped>,
    /// Namespace admission: every namespace the objects go to, with its Pod Security labels and
    /// what it admits; present when the text holds a Namespace or the options give an admission
    /// configuration or a namespace (see [`crate::admission`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission: Option<crate::admission::AdmissionReport>,
}

/// One workload object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectReport {
    /// `kind` as written.
    pub kind: String,
    /// `apiVersion` as written.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// `metadata.name`, or empty.
    pub name: String,
    /// `metadata.generateName`, when the object has no name and asks the API server to make one
    /// from this prefix (see [`crate::model::shown_name`]).
    #[serde(
        rename = "generateName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub generate_name: Option<String>,
    /// `metadata.namespace`, if set.
    pub namespace: Option<String>,
    /// 0-based index of the document in the stream.
    pub document: usize,
    /// 1-based line of the object.
    pub line: usize,
    /// Whether Pod Security Admission would admit it at the requested level and version.
    pub allowed: bool,
    /// The message the API server would print when it denies (or warns about) the object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admission_message: Option<String>,
    /// Findings of every level.
    pub findings: Vec<Finding>,
    /// Containers in PSA order: init, regular, ephemeral.
    pub containers: Vec<ContainerReport>,
    /// Pod Security Standards checks that pass, with the reason.
    pub passes: Vec<Pass>,
    /// Field path of the pod spec inside the document, e.g. `spec.template.spec`.
    pub pod_path: String,
    /// The file the object was rendered from: Helm's `# Source:` comment or Kustomize's
    /// `config.kubernetes.io/origin` annotation (see [`crate::source`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Findings that a `# podsec:ignore=CHECK reason` comment suppresses (see [`crate::suppress`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressed: Vec<crate::suppress::Suppressed>,
    /// What Pod Security Admission does with the object in its namespace, mode by mode (see
    /// [`crate::admission`]); present when [`Analysis::admission`] is. Boxed: it is four times
    /// the size of the rest of the report, and most texts have no namespace to decide it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission: Option<Box<crate::admission::ObjectAdmission>>,
}

/// One container of a workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContainerReport {
    /// `name`.
    pub name: String,
    /// `initContainer`, `container` or `ephemeralContainer`.
    #[serde(rename = "type", deserialize_with = "crate::wire::static_str")]
    pub kind: crate::wire::Name,
    /// 1-based line of the container entry.
    pub line: usize,
    /// Field path of the container, e.g. `spec.containers[0]`.
    pub path: String,
    /// The effective security context, field by field.
    pub effective: ContainerEffective,
}

/// An object that is not analysed, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// `kind` as written, or empty.
    pub kind: String,
    /// `apiVersion` as written, or empty.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// `metadata.name`, or empty.
    pub name: String,
    /// 0-based index of the document.
    pub document: usize,
    /// 1-based line.
    pub line: usize,
    /// Why it is skipped.
    pub reason: String,
}

/// Analyses a text holding one or more YAML or JSON documents.
#[must_use]
pub fn analyze(text: &str, options: &Options) -> Analysis {
    analyze_with(
        text,
        options,
        MAX_FINDINGS_PER_CHECK,
        MAX_SKIPPED_LISTED,
        Keep::All,
    )
}

/// At most this many findings of one check in one container are listed; the rest are counted in
/// one last finding. (A 1 MB capability list would otherwise list 90,000 findings.)
pub const MAX_FINDINGS_PER_CHECK: usize = 100;
/// At most this many skipped objects are listed; the rest are counted in one last entry.
pub const MAX_SKIPPED_LISTED: usize = 1000;

/// Every finding and skipped object, unlimited: what the hardening engine reads, since each finding
/// may carry a fix. [`analyze`] is this with long runs of one check counted instead of listed.
#[must_use]
pub fn analyze_all(text: &str, options: &Options) -> Analysis {
    analyze_with(text, options, usize::MAX, usize::MAX, Keep::All)
}

/// At most this many findings with a fix of one object are held by a round of the hardening
/// engine: past it, none is, one notice counts them all (`rule::over_budget`), and the object is
/// left as it is. One rewrite of a text holds about this many edits at most: the pieces of a text
/// share it (a piece reads what the pieces before left of it), and a round starts only under it.
/// Each finding and its edit cost one to a few kilobytes, so without it a list of 90,000
/// capability names (1 MB) held 327 MB while hardened; no real object comes near (a pod of 1,600
/// containers has 8,000).
pub(crate) const MAX_FINDINGS_HARDENED: usize = 10_000;

/// What the hardening engine reads of a text, which it analyses once per round: the findings of
/// every workload object, those with a fix up to `held` an object (see [`MAX_FINDINGS_HARDENED`])
/// and those without as the listing holds them ([`MAX_FINDINGS_PER_CHECK`] per check and
/// container), without what it never reads and what costs most per object (the effective contexts
/// of the containers, the passing checks, namespace admission).
pub(crate) fn analyze_findings(text: &str, options: &Options, held: usize) -> Analysis {
    analyze_with(
        text,
        options,
        usize::MAX,
        usize::MAX,
        Keep::Findings { held },
    )
}

/// What decides whether Kubernetes would run each object, as [`analyze`] lists it: the findings,
/// suppressed findings, verdicts and namespace admission of every object, without the effective
/// contexts of its containers and the passing checks (each object's `containers` and `passes` are
/// empty). For a caller that needs only verdicts, such as an exit status: a `List` of a thousand
/// pods holds about 4 KB per pod less than [`analyze`] would.
#[must_use]
pub fn analyze_verdicts(text: &str, options: &Options) -> Analysis {
    analyze_with(
        text,
        options,
        MAX_FINDINGS_PER_CHECK,
        MAX_SKIPPED_LISTED,
        Keep::Verdicts,
    )
}

/// How much of each object an analysis keeps.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// Everything.
    All,
    /// Findings, verdicts and namespace admission; no effective contexts or passes.
    Verdicts,
    /// Findings and verdicts only; no namespace admission either; at most `held` findings with a
    /// fix of one object (see [`analyze_findings`]).
    Findings {
        /// How many findings with a fix of one object are held.
        held: usize,
    },
}

/// The analysis object by object: `emit` is handed each workload object's complete report (its
/// findings, verdict, `source` and namespace `admission`) as soon as it is made, and the report is
/// not held afterwards. The analysis returned holds everything else (errors, skipped objects,
/// namespace admission, level and version) with `objects` empty; collecting what `emit` is handed
/// into `objects` gives [`analyze`] (with `contexts`) or [`analyze_verdicts`] (without: each
/// report's `containers` and `passes` are empty), field for field.
///
/// Memory follows the largest document (its tree) and what `emit` keeps, not the whole text: a
/// shell that writes each report out and drops it holds one report at a time.
pub fn analyze_each(
    text: &str,
    options: &Options,
    contexts: bool,
    emit: &mut dyn FnMut(ObjectReport),
) -> Analysis {
    listed(text, options, contexts, &mut Reports(emit))
}

/// The listing (findings and skipped objects under their budgets), with or without the effective
/// contexts and passing checks, each object handed to `emit`.
fn listed(text: &str, options: &Options, contexts: bool, emit: &mut impl Emit) -> Analysis {
    let keep = if contexts { Keep::All } else { Keep::Verdicts };
    each_with(
        text,
        options,
        MAX_FINDINGS_PER_CHECK,
        MAX_SKIPPED_LISTED,
        keep,
        emit,
    )
}

/// [`analyze_each`] with each report handed out in parts ([`Part`]): a head, then its findings,
/// its containers and its suppressed findings one by one. An object of more containers than
/// [`Limits::default`] says is listed in bounded passes, and never held whole (see
/// [`Part`]'s module): memory follows the largest document's tree and a fixed share of the
/// largest object's findings. The parts are the same as those of the whole report.
pub fn analyze_parts(
    text: &str,
    options: &Options,
    contexts: bool,
    emit: &mut dyn FnMut(Part),
) -> Analysis {
    analyze_parts_with(text, options, contexts, Limits::default(), emit)
}

/// [`analyze_parts`] with other limits (tests list every object in passes of a few findings).
#[doc(hidden)]
pub fn analyze_parts_with(
    text: &str,
    options: &Options,
    contexts: bool,
    limits: Limits,
    emit: &mut dyn FnMut(Part),
) -> Analysis {
    listed(text, options, contexts, &mut Parts(limits, emit))
}

/// What decides whether Kubernetes runs each object, object by object: `emit` is handed each
/// report's head (its `findings`, `containers` and `suppressed` empty, as [`Part::Head`] holds it)
/// and its [`Summary`], for [`Summary::stops`]. An object of more containers than
/// [`Limits::default`] says holds none of its findings: one run of the checks tallies them (as
/// [`analyze_parts`] does before it lists them), so reading whether a rewrite of one pod of 12,800
/// containers runs does not hold its 64,000 findings.
pub fn analyze_heads(
    text: &str,
    options: &Options,
    emit: &mut dyn FnMut(&ObjectReport, Summary),
) -> Analysis {
    listed(text, options, false, &mut Heads(Limits::default(), emit))
}

/// Each report's head and summary, an object over the limits only tallied.
struct Heads<'e>(Limits, &'e mut dyn FnMut(&ObjectReport, Summary));

impl Emit for Heads<'_> {
    fn object(&mut self, o: &parts::Object<'_, '_>, complete: &mut dyn FnMut(&mut ObjectReport)) {
        if o.pod.containers.len() > self.0.containers {
            let (head, summary) = o.head(complete);
            (self.1)(&head, summary);
            return;
        }
        let report = whole(o, complete);
        (self.1)(&report, Summary::of(&report));
    }
}

/// Where [`each_with`] hands each workload object. Generic rather than `dyn`, so that a build that
/// never lists in parts (the playground's) holds none of that code.
trait Emit {
    /// Analyses `object`, completes its report's head with `complete` (source and namespace
    /// admission) and hands it on.
    fn object(
        &mut self,
        object: &parts::Object<'_, '_>,
        complete: &mut dyn FnMut(&mut ObjectReport),
    );
}

/// Each report whole.
struct Reports<'e>(&'e mut dyn FnMut(ObjectReport));

impl Emit for Reports<'_> {
    fn object(&mut self, o: &parts::Object<'_, '_>, complete: &mut dyn FnMut(&mut ObjectReport)) {
        (self.0)(whole(o, complete));
    }
}

/// Each report in parts, an object over the limits listed in bounded passes.
struct Parts<'e>(Limits, &'e mut dyn FnMut(Part));

impl Emit for Parts<'_> {
    fn object(&mut self, o: &parts::Object<'_, '_>, complete: &mut dyn FnMut(&mut ObjectReport)) {
        if o.pod.containers.len() > self.0.containers {
            o.list(self.0, complete, self.1);
            return;
        }
        for part in parts(whole(o, complete)) {
            (self.1)(part);
        }
    }
}

/// [`each_with`] with every report collected into `objects`.
fn analyze_with(
    text: &str,
    options: &Options,
    max_findings: usize,
    max_skipped: usize,
    keep: Keep,
) -> Analysis {
    let mut objects = Vec::new();
    let mut push = |o| objects.push(o);
    let mut analysis = each_with(
        text,
        options,
        max_findings,
        max_skipped,
        keep,
        &mut Reports(&mut push),
    );
    analysis.objects = objects;
    analysis
}

/// The analysis with at most `max_findings` findings of one check per container and
/// `max_skipped` skipped objects listed, each remainder counted in one notice. Both are counted as
/// they come (see [`crate::rule::Findings`]), so that neither a long capability list nor a text of
/// many small non-workload documents holds an entry for each. `keep` says what each object keeps
/// besides its findings and verdict (see [`Keep`]). Each object's report goes to `emit` once it is
/// complete (see [`analyze_each`]).
fn each_with(
    text: &str,
    options: &Options,
    max_findings: usize,
    max_skipped: usize,
    keep: Keep,
    emit: &mut impl Emit,
) -> Analysis {
    let mut unlisted = 0;
    let mut analysis = Analysis {
        level: options.level,
        requested_version: options.version,
        version: policy_version(options).evaluated_label(),
        errors: Vec::new(),
        objects: Vec::new(),
        skipped: Vec::new(),
        admission: None,
    };
    // Inline ignores apply as findings come, before the listing's budget counts them.
    let (ignores, ignore_errors) = if text.contains(crate::suppress::MARKER) {
        crate::suppress::parse(text)
    } else {
        (Vec::new(), Vec::new())
    };
    // Namespace admission needs every Namespace of the text before it decides any object: they are
    // read first (only when the text may hold one), and each object is decided as it is analysed.
    let mut admission = if matches!(keep, Keep::Findings { .. }) {
        None
    } else {
        crate::admission::Decider::new(text, options)
    };
    // One document at a time: its tree is dropped once its objects are analysed, so memory follows
    // the largest document and what `emit` keeps, not the whole text.
    for item in yaml::documents(text) {
        let doc = match item {
            Ok(doc) => doc,
            Err(e) => {
                analysis.errors.push(ParseError {
                    help: yaml::help(text, &e.message, e.span.start, e.span.line, e.span.col),
                    message: e.message,
                    line: e.span.line,
                    column: e.span.col,
                    document: e.document,
                });
                continue;
            }
        };
        // Each object as it is found: a `List` of many items never holds a view of every item.
        manifest::each_object(&doc, &mut |entry| match entry {
            // Namespaces are read by the admission's own pass, and are not listed as skipped.
            Entry::Skipped(obj, _) if crate::admission::is_namespace(&obj) => {}
            Entry::Skipped(..) if analysis.skipped.len() >= max_skipped => unlisted += 1,
            Entry::Skipped(obj, reason) => analysis.skipped.push(Skipped {
                kind: obj.kind,
                api_version: obj.api_version,
                name: obj.name,
                document: obj.document,
                line: obj.node.span().line,
                reason,
            }),
            Entry::Workload(obj, pod) => {
                // The head's source and namespace admission, known from the object alone.
                let mut complete = |report: &mut ObjectReport| {
                    report.source = crate::source::of(text, &doc, obj.node);
                    if let Some(decider) = &mut admission {
                        report.admission = Some(Box::new(decider.object(&obj, &pod, options)));
                    }
                };
                let object = parts::Object {
                    doc: &doc,
                    obj: &obj,
                    pod: &pod,
                    options,
                    ignores: &ignores,
                    keep,
                    max_findings,
                };
                emit.object(&object, &mut complete);
            }
        });
    }
    analysis.errors.extend(ignore_errors);
    analysis.admission = admission.map(|d| d.finish(options));
    count_unlisted(&mut analysis, unlisted);
    analysis
}

/// Counts the skipped objects left out of the listing in one last entry.
fn count_unlisted(analysis: &mut Analysis, more: usize) {
    if more > 0 {
        let last = analysis
            .skipped
            .last()
            .map_or((0, 1), |s| (s.document, s.line));
        analysis.skipped.push(Skipped {
            kind: String::new(),
            api_version: String::new(),
            name: String::new(),
            document: last.0,
            line: last.1,
            reason: format!(
                "and {more} more objects that are not workloads, not listed (podsec lists the first {MAX_SKIPPED_LISTED})"
            ),
        });
        analysis.skipped.shrink_to_fit();
    }
}

/// An object's whole report, its head completed by `complete`.
fn whole(o: &parts::Object<'_, '_>, complete: &mut dyn FnMut(&mut ObjectReport)) -> ObjectReport {
    let mut findings = match o.keep {
        Keep::Findings { held } => {
            let mut findings = Findings::holding(held, MAX_FINDINGS_PER_CHECK, o.ignores);
            // Counted first, so that an object past the budget holds none of its findings with a
            // fix rather than the budget's worth before it is found past it (a list of 90,000
            // capability names held 13 MB so, 13 times its size).
            if held > 0 && o.fixes() > held {
                findings.past_the_budget();
            }
            findings
        }
        _ => Findings::new(o.max_findings, o.ignores),
    };
    // The effective contexts are resolved once for all rules when the report keeps them, else
    // each when a rule asks: a pod of 1,600 containers would otherwise hold 2.6 MB of contexts
    // that only a few rules read.
    let effective = (o.keep == Keep::All).then(|| crate::effective::resolve(o.pod, o.options));
    let pss = run_checks(
        o.doc,
        o.obj,
        o.pod,
        o.options,
        effective.as_deref(),
        true,
        &mut findings,
    );
    let (findings, suppressed) = findings.finish();
    let containers = effective.map_or_else(Vec::new, |effective| {
        o.pod
            .containers
            .iter()
            .zip(effective)
            .map(|(c, e)| container_report(c, e))
            .collect()
    });
    let mut report = ObjectReport {
        findings,
        containers,
        suppressed,
        ..head(o.obj, o.pod, o.options, pss, o.keep)
    };
    complete(&mut report);
    report
}

/// Every check of every area on one object, each finding pushed to `findings` as it is made, in
/// the order the report's ties keep: what the API server reads first (ingest), validation, Pod
/// Security Standards, hardening. `effective` is the effective context of each container, or
/// `None` to resolve each when a rule asks. Returns the Pod Security Standards verdict (its
/// `findings` empty: they went to `findings`), or an empty one without `verdict`.
fn run_checks(
    doc: &yaml::Document,
    obj: &manifest::Object<'_>,
    pod: &crate::pod::PodView<'_>,
    options: &Options,
    effective: Option<&[crate::effective::ContainerEffective]>,
    verdict: bool,
    findings: &mut Findings<'_>,
) -> crate::pss::PssResult {
    crate::ingest::diagnose_into(obj, pod, findings);
    crate::ingest::duplicates_into(doc, obj, findings);
    let ctx = crate::rule::Ctx {
        pod,
        effective,
        options,
    };
    crate::validation::check_into(&ctx, findings);
    // Admission sees the pod after the API server dropped the fields its version gates off.
    let created = pod.created_on(options.kube());
    let pss = crate::pss::evaluate_into(
        &created,
        options.level,
        policy_version(options),
        verdict,
        &mut |f| findings.push(f),
    );
    crate::hardening::check_into(&ctx, findings);
    pss
}

/// An object's report without its findings, containers and suppressed findings: what it is, the
/// verdict of Pod Security Admission, and the passing checks when `keep` keeps them.
fn head(
    obj: &manifest::Object<'_>,
    pod: &crate::pod::PodView<'_>,
    options: &Options,
    pss: crate::pss::PssResult,
    keep: Keep,
) -> ObjectReport {
    let admission_message = (!pss.allowed).then(|| {
        let label = format!("{}:{}", options.level.as_str(), options.version.label());
        if obj.kind == "Pod" && obj.prefix.is_empty() {
            format!(
                "pods \"{}\" is forbidden: violates PodSecurity \"{label}\": {}",
                obj.created_name(),
                pss.aggregate
            )
        } else {
            format!(
                "Warning: would violate PodSecurity \"{label}\": {}",
                pss.aggregate
            )
        }
    });
    ObjectReport {
        kind: obj.kind.clone(),
        api_version: obj.api_version.clone(),
        name: obj.name.clone(),
        generate_name: obj.generate_name().map(str::to_owned),
        namespace: obj.namespace.clone(),
        document: obj.document,
        line: obj.node.span().line,
        allowed: pss.allowed,
        admission_message,
        findings: Vec::new(),
        containers: Vec::new(),
        passes: if keep == Keep::All {
            pss.passes
        } else {
            Vec::new()
        },
        pod_path: pod.path.clone(),
        source: None,
        suppressed: Vec::new(),
        admission: None,
    }
}

/// The report of one container with its effective context.
fn container_report(
    c: &crate::pod::ContainerView<'_>,
    effective: crate::effective::ContainerEffective,
) -> ContainerReport {
    ContainerReport {
        name: c.name.to_string(),
        kind: c.kind.as_str(),
        line: c.node.span().line,
        path: c.path.clone(),
        effective,
    }
}

/// The policy version evaluated: `latest` on a cluster of a known minor means the newest policy that
/// cluster's library knows, which is at most its own minor (pss-checks.md §1.3).
#[must_use]
pub fn policy_version(options: &Options) -> Version {
    match (options.version, options.kube_minor) {
        (Version::Latest, Some(kube)) => Version::Minor(kube.min(crate::model::MAX_KNOWN_MINOR)),
        (v, _) => v,
    }
}

#[cfg(test)]
mod tests;
