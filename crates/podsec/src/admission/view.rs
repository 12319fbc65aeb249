//! Namespace admission as the playground shows it: every namespace with its policy, and every
//! workload in it with what `kubectl apply` prints, what happens to its pods, and what the next
//! level up asks. All text is written here, so that a shell only lays it out (each line carries a
//! [`Tone`] for its colour) and decides nothing about Kubernetes.

use crate::analysis::{Analysis, ObjectReport};

use super::{
    AdmissionReport, Change, Decision, ModePolicy, Modes, NamespaceReport, NextLevel,
    ObjectAdmission, kubectl_lines, namespace_line,
};

/// How a line reads: what it means for the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Created, admitted, allowed.
    Ok,
    /// Admitted with a warning, or recorded in the audit log.
    Warning,
    /// Refused.
    Error,
    /// Neither: context, an exemption, a mode that does not apply.
    Note,
}

impl Tone {
    /// `ok`, `warning`, `error` or `note` (a class name for the shells).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Ok => "ok",
            Tone::Warning => "warning",
            Tone::Error => "error",
            Tone::Note => "note",
        }
    }
}

/// One line of text and how it reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// How it reads.
    pub tone: Tone,
    /// The text.
    pub text: String,
}

fn line(tone: Tone, text: impl Into<String>) -> Line {
    Line {
        tone,
        text: text.into(),
    }
}

/// Namespace admission over a whole text, ready to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdmissionView {
    /// The heading of the whole, e.g. `2 namespaces: 3 workloads admitted, 2 refused`.
    pub heading: String,
    /// Lines about the whole: the admission configuration's errors and exemptions, the user.
    pub notes: Vec<Line>,
    /// Every namespace, in name order.
    pub namespaces: Vec<NamespaceView>,
}

/// One namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamespaceView {
    /// The name.
    pub name: String,
    /// `Namespace payments`.
    pub heading: String,
    /// The line of its Namespace object, when the text holds one.
    pub line: Option<usize>,
    /// Where its policy comes from: its labels, or the admission configuration's defaults.
    pub about: String,
    /// Its policy, mode by mode (enforce, audit, warn).
    pub modes: Vec<ModeView>,
    /// What creating the Namespace prints, its label errors, its exemption.
    pub notes: Vec<Line>,
    /// The workloads sent to it, in text order.
    pub workloads: Vec<WorkloadView>,
    /// The strictest level every workload in it passes.
    pub strictest: String,
    /// What labelling it one level stricter asks.
    pub next: Option<NextView>,
}

/// One mode of a namespace's policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModeView {
    /// `enforce`, `audit` or `warn`.
    pub mode: &'static str,
    /// `restricted:v1.30`.
    pub policy: String,
    /// What it does, where it comes from, and the version evaluated.
    pub detail: String,
}

/// One workload in a namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkloadView {
    /// Its index in [`Analysis::objects`].
    pub index: usize,
    /// `Deployment ledger`.
    pub title: String,
    /// Its line in the text.
    pub line: usize,
    /// How the namespace was chosen, when the object does not name it.
    pub namespace_note: Option<String>,
    /// A one-line verdict: created, created with a warning and its pods refused, refused.
    pub verdict: Line,
    /// What `kubectl apply -f FILE` prints for it, in order.
    pub apply: Vec<Line>,
    /// Each mode's outcome for the object's own create request.
    pub modes: Vec<OutcomeView>,
    /// The pods its controller creates: who creates them, and each mode's outcome.
    pub pods: Vec<Line>,
    /// The event its controller records when `enforce` refuses its pods (`kubectl get events`).
    pub event: Option<String>,
    /// The audit annotations of its requests (`key=value`).
    pub annotations: Vec<String>,
    /// The strictest level it passes.
    pub strictest: String,
    /// What the next level up asks of it.
    pub next: Option<NextView>,
}

/// One mode's outcome for a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeView {
    /// `enforce`, `audit` or `warn`.
    pub mode: &'static str,
    /// `restricted:v1.30`.
    pub policy: String,
    /// The outcome in words, with the server's message when there is one.
    pub line: Line,
}

/// The next level up and the fields it asks to change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextView {
    /// `To label this namespace restricted (v1.30), change these 3 fields`.
    pub heading: String,
    /// The label to set, `pod-security.kubernetes.io/enforce=restricted` (`None` when the
    /// namespace carries it already).
    pub label: Option<String>,
    /// Every field, object by object.
    pub changes: Vec<Change>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The namespace admission of an analysis, ready to show; `None` when the analysis decided none
/// (no Namespace in the text, no admission configuration, no namespace given). `file` is the name
/// `kubectl apply -f` is given, as its messages quote it.
#[must_use]
pub fn view(analysis: &Analysis, file: &str) -> Option<AdmissionView> {
    let report = analysis.admission.as_ref()?;
    let namespaces: Vec<NamespaceView> = report
        .namespaces
        .iter()
        .map(|n| namespace_view(n, report, analysis, file))
        .collect();
    let workloads: Vec<&WorkloadView> = namespaces.iter().flat_map(|n| &n.workloads).collect();
    let refused = workloads
        .iter()
        .filter(|w| w.verdict.tone == Tone::Error)
        .count();
    let heading = format!(
        "Namespace admission: {}, {}, {refused} refused",
        plural(namespaces.len(), "namespace", "namespaces"),
        plural(workloads.len(), "workload", "workloads"),
    );
    Some(AdmissionView {
        heading,
        notes: notes(report),
        namespaces,
    })
}

/// The configuration's errors and exemptions.
fn notes(report: &AdmissionReport) -> Vec<Line> {
    let mut out: Vec<Line> = report
        .config_errors
        .iter()
        .map(|e| {
            line(
                Tone::Error,
                format!("Admission configuration not used: {e}"),
            )
        })
        .collect();
    let e = &report.exemptions;
    for (what, list) in [
        ("users", &e.usernames),
        ("runtime classes", &e.runtime_classes),
        ("namespaces", &e.namespaces),
    ] {
        if !list.is_empty() {
            out.push(line(
                Tone::Note,
                format!(
                    "The admission configuration exempts {what}: {}",
                    list.join(", ")
                ),
            ));
        }
    }
    out
}

fn mode_view(mode: super::Mode, p: &ModePolicy, labelled_ns: bool) -> ModeView {
    let what = match mode {
        super::Mode::Enforce => "refuses pods that violate it",
        super::Mode::Audit => "records violations in the audit log",
        super::Mode::Warn => "warns the client of violations",
    };
    let from = match (p.from.as_str(), labelled_ns) {
        ("label", _) => "set by its label",
        (_, true) => "not labelled: the admission configuration's default",
        (_, false) => "the admission configuration's default",
    };
    let evaluated = if p.policy.ends_with(&p.evaluated) {
        String::new()
    } else {
        format!(", evaluated as {}", p.evaluated)
    };
    ModeView {
        mode: mode.as_str(),
        policy: p.policy.clone(),
        detail: format!("{what}; {from}{evaluated}"),
    }
}

fn namespace_view(
    n: &NamespaceReport,
    report: &AdmissionReport,
    analysis: &Analysis,
    file: &str,
) -> NamespaceView {
    let about = match n.line {
        Some(l) => format!("Namespace object at line {l}: its labels over the admission configuration's defaults."),
        None => "No Namespace object in the text: the admission configuration's defaults apply (privileged in every mode unless a configuration says otherwise).".to_string(),
    };
    let modes = n
        .modes
        .iter()
        .into_iter()
        .map(|(m, p)| mode_view(m, p, n.line.is_some()))
        .collect();
    let mut notes = Vec::new();
    if let Some(l) = namespace_line(n) {
        let tone = if n.create_error.is_some() {
            Tone::Error
        } else {
            Tone::Ok
        };
        notes.push(line(tone, format!("kubectl apply prints: {l}")));
    }
    if !n.label_errors.is_empty() {
        notes.push(line(
            Tone::Error,
            "Labels that do not parse: enforce fails closed (restricted), audit and warn fail open (privileged), a bad version is latest; every request carries the audit annotation pod-security.kubernetes.io/error",
        ));
    }
    if n.exempt {
        notes.push(line(
            Tone::Note,
            "Exempt by the admission configuration: nothing in it is checked",
        ));
    }
    if n.name == report.default_namespace && n.line.is_none() {
        notes.push(line(
            Tone::Note,
            format!(
                "Objects that name no namespace go here (kubectl apply --namespace {})",
                n.name
            ),
        ));
    }
    let workloads: Vec<WorkloadView> = analysis
        .objects
        .iter()
        .enumerate()
        .filter_map(|(i, o)| {
            let a = o.admission.as_ref()?;
            (a.namespace == n.name).then(|| workload_view(i, o, a, file))
        })
        .collect();
    let strictest = match workloads.len() {
        0 => "No workloads go to this namespace".to_string(),
        1 => format!(
            "The strictest level its workload passes: {}",
            n.strictest_level.as_str()
        ),
        k => format!(
            "The strictest level all {k} of its workloads pass: {}",
            n.strictest_level.as_str()
        ),
    };
    let enforced = n.modes.enforce.policy.split(':').next().unwrap_or_default();
    let next = n
        .next_level
        .as_ref()
        .filter(|_| !workloads.is_empty())
        .map(|next| {
            if next.level.as_str() == enforced {
                // It carries that label already: the changes are what its pods need to be admitted.
                NextView {
                    label: None,
                    ..next_view(next, "It enforces", ": for every pod to be admitted")
                }
            } else {
                next_view(next, "To label this namespace", "")
            }
        });
    NamespaceView {
        name: n.name.clone(),
        heading: format!("Namespace {}", n.name),
        line: n.line,
        about,
        modes,
        notes,
        workloads,
        strictest,
        next,
    }
}

fn next_view(next: &NextLevel, lead: &str, after: &str) -> NextView {
    NextView {
        heading: format!(
            "{lead} {} ({}){after}, change {}",
            next.level.as_str(),
            next.version,
            match next.changes.len() {
                1 => "this field".to_string(),
                n => format!("these {n} fields"),
            }
        ),
        label: Some(next.label.clone()),
        changes: next.changes.clone(),
    }
}

/// One mode's outcome in words.
fn outcome(mode: super::Mode, modes: &Modes) -> OutcomeView {
    let o = modes.of(mode);
    let (tone, word) = match o.result {
        Decision::Allowed => (Tone::Ok, "allowed"),
        Decision::Denied => (Tone::Error, "refused"),
        Decision::Warning => (Tone::Warning, "warning"),
        Decision::Violation => (Tone::Warning, "violation recorded"),
        Decision::NotApplied => (Tone::Note, "not applied"),
        Decision::NotEvaluated => (Tone::Note, "not evaluated"),
        Decision::Exempt => (Tone::Note, "exempt"),
    };
    let text = match &o.message {
        Some(m) => format!("{word}: {m}"),
        None => word.to_string(),
    };
    OutcomeView {
        mode: mode.as_str(),
        policy: o.policy.clone(),
        line: line(tone, text),
    }
}

fn workload_view(index: usize, o: &ObjectReport, a: &ObjectAdmission, file: &str) -> WorkloadView {
    let apply = kubectl_lines(o, file)
        .into_iter()
        .map(|l| {
            let tone = if l.starts_with("Warning") {
                Tone::Warning
            } else if l.starts_with("Error") || l.starts_with("error") {
                Tone::Error
            } else {
                Tone::Ok
            };
            line(tone, l)
        })
        .collect();
    let name = crate::model::heading_name(&o.name, o.generate_name.as_deref());
    let namespace_note = match a.namespace_from.as_str() {
        "option" => Some(format!(
            "It names no namespace: sent to {} (the request's namespace)",
            a.namespace
        )),
        "default" => Some(format!(
            "It names no namespace: sent to {} (kubectl's default)",
            a.namespace
        )),
        _ => None,
    };
    let warned = a.request.warn.result == Decision::Warning;
    let pods_refused = a.pods.as_ref().is_some_and(|p| p.modes.refused());
    let verdict = if let Some(e) = &a.client_error {
        line(Tone::Error, format!("Not sent: kubectl refuses it ({e})"))
    } else if a.request.refused() {
        line(
            Tone::Error,
            format!("Refused by enforce {}", a.request.enforce.policy),
        )
    } else if pods_refused {
        line(
            Tone::Error,
            format!(
                "The {} is created{}, but enforce {} refuses every pod it creates",
                o.kind,
                if warned { " with a warning" } else { "" },
                a.pods
                    .as_ref()
                    .map_or(String::new(), |p| p.modes.enforce.policy.clone())
            ),
        )
    } else if a.request.enforce.result == Decision::Exempt {
        line(Tone::Note, "Created: exempt from every check")
    } else if warned {
        line(Tone::Warning, "Created, with a warning")
    } else {
        line(Tone::Ok, "Created without a warning")
    };
    let modes = super::Mode::ALL
        .into_iter()
        .map(|m| outcome(m, &a.request))
        .collect();
    let mut pods = Vec::new();
    let mut annotations: Vec<String> = a
        .request
        .annotations
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if let Some(p) = &a.pods {
        pods.push(line(
            Tone::Note,
            format!(
                "Its pods ({}) are created by {}, as {}",
                p.pod_name, p.controller, p.username
            ),
        ));
        for m in super::Mode::ALL {
            let out = outcome(m, &p.modes);
            pods.push(line(
                out.line.tone,
                format!("{} {}: {}", out.mode, out.policy, out.line.text),
            ));
        }
        annotations.extend(
            p.modes
                .annotations
                .iter()
                .map(|(k, v)| format!("{k}={v} (on its pods)")),
        );
    }
    let strictest = format!("Passes {}", a.strictest_level.as_str());
    let next = a.next_level.as_ref().map(|n| next_view(n, "To pass", ""));
    WorkloadView {
        index,
        title: format!("{} {name}", o.kind),
        line: o.line,
        namespace_note,
        verdict,
        apply,
        modes,
        pods,
        event: a.pods.as_ref().and_then(|p| p.event.clone()),
        annotations,
        strictest,
        next,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Options;

    fn example() -> AdmissionView {
        let text = crate::examples::find("two-namespaces").map_or("", |e| e.yaml);
        let a = crate::analyze(text, &Options::default());
        assert!(a.errors.is_empty(), "{:?}", a.errors);
        view(&a, "manifest.yaml").unwrap()
    }

    fn workload<'v>(v: &'v AdmissionView, title: &str) -> &'v WorkloadView {
        v.namespaces
            .iter()
            .flat_map(|n| &n.workloads)
            .find(|w| w.title == title)
            .unwrap()
    }

    fn texts(lines: &[Line]) -> Vec<&str> {
        lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn no_namespace_means_no_view() {
        let a = crate::analyze(crate::examples::SEED.yaml, &Options::default());
        assert_eq!(view(&a, "manifest.yaml"), None);
    }

    #[test]
    fn the_example_shows_both_namespaces_and_their_policies() {
        let v = example();
        assert_eq!(
            v.heading,
            "Namespace admission: 2 namespaces, 6 workloads, 3 refused"
        );
        let names: Vec<&str> = v.namespaces.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["payments", "tools"]);
        let payments = &v.namespaces[0];
        let modes: Vec<(&str, &str)> = payments
            .modes
            .iter()
            .map(|m| (m.mode, m.policy.as_str()))
            .collect();
        assert_eq!(
            modes,
            [
                ("enforce", "restricted:v1.30"),
                ("audit", "privileged:latest"),
                ("warn", "restricted:latest")
            ]
        );
        assert_eq!(
            payments.modes[2].detail,
            format!(
                "warns the client of violations; set by its label, evaluated as v1.{}",
                crate::model::MAX_KNOWN_MINOR
            )
        );
        assert_eq!(
            texts(&payments.notes),
            ["kubectl apply prints: namespace/payments created"]
        );
        assert_eq!(
            payments.strictest,
            "The strictest level all 3 of its workloads pass: baseline"
        );
        // tools holds a pod that shares the host's PIDs: one field keeps it below baseline.
        let tools = &v.namespaces[1];
        assert_eq!(
            tools.strictest,
            "The strictest level all 3 of its workloads pass: privileged"
        );
        let next = tools.next.as_ref().unwrap();
        assert_eq!(
            next.heading,
            format!(
                "It enforces baseline (v1.{}): for every pod to be admitted, change this field",
                crate::model::MAX_KNOWN_MINOR
            )
        );
        assert_eq!(next.label, None);
        // payments enforces restricted already: its changes are what its pods need.
        let enforced = payments.next.as_ref().unwrap();
        assert_eq!(
            enforced.heading,
            "It enforces restricted (v1.30): for every pod to be admitted, change these 8 fields"
        );
        assert_eq!(enforced.label, None);
        let changes: Vec<(&str, &str)> = next
            .changes
            .iter()
            .map(|c| (c.object.as_str(), c.path.as_str()))
            .collect();
        assert_eq!(changes, [("Pod/node-inspector", "spec.hostPID")]);
    }

    #[test]
    fn each_workload_shows_what_kubectl_apply_prints() {
        let v = example();
        let pod = workload(&v, "Pod debug-shell");
        assert_eq!(pod.verdict.tone, Tone::Error);
        assert_eq!(pod.apply.len(), 1);
        assert!(
            pod.apply[0].text.starts_with(
                "Error from server (Forbidden): error when creating \"manifest.yaml\": pods \"debug-shell\" is forbidden: violates PodSecurity \"restricted:v1.30\": "
            ),
            "{}",
            pod.apply[0].text
        );
        assert_eq!(pod.apply[0].tone, Tone::Error);

        let ledger = workload(&v, "Deployment ledger");
        assert_eq!(
            ledger.verdict.text,
            "The Deployment is created with a warning, but enforce restricted:v1.30 refuses every pod it creates"
        );
        let apply = texts(&ledger.apply);
        assert!(
            apply[0].starts_with("Warning: would violate PodSecurity \"restricted:latest\": "),
            "{apply:?}"
        );
        assert_eq!(apply[1], "deployment.apps/ledger created");
        assert_eq!(ledger.modes[0].line.tone, Tone::Note);
        let event = ledger.event.as_deref().unwrap_or_default();
        assert!(
            event.starts_with("Warning  FailedCreate  replicaset-controller  Error creating: pods \"ledger-<hash>-<random>\" is forbidden: violates PodSecurity \"restricted:v1.30\": "),
            "{event}"
        );
        assert_eq!(
            ledger.pods.first().map(|l| l.text.as_str()),
            Some(
                "Its pods (ledger-<hash>-<random>) are created by replicaset-controller, as system:serviceaccount:kube-system:replicaset-controller"
            )
        );
        assert_eq!(ledger.pods.get(1).map(|l| l.tone), Some(Tone::Error));

        let checkout = workload(&v, "Deployment checkout");
        assert_eq!(texts(&checkout.apply), ["deployment.apps/checkout created"]);
        assert_eq!(checkout.verdict.tone, Tone::Ok);
        assert_eq!(checkout.strictest, "Passes restricted");
        assert_eq!(checkout.next, None);

        let runner = workload(&v, "Deployment ci-runner");
        assert_eq!(runner.verdict.text, "Created, with a warning");
        assert!(
            runner
                .annotations
                .iter()
                .any(|a| a.starts_with("pod-security.kubernetes.io/audit-violations=would violate PodSecurity \"restricted:latest\"")),
            "{:?}",
            runner.annotations
        );
        assert_eq!(runner.strictest, "Passes baseline");
        let next = runner.next.as_ref().unwrap();
        assert!(
            next.heading.starts_with("To pass restricted (v1."),
            "{}",
            next.heading
        );
        assert!(!next.changes.is_empty());

        let inspector = workload(&v, "Pod node-inspector");
        assert!(
            inspector.apply[0].text.contains(
                "violates PodSecurity \"baseline:latest\": host namespaces (hostPID=true)"
            ),
            "{}",
            inspector.apply[0].text
        );
        let job = workload(&v, "Job report-builder");
        assert_eq!(texts(&job.apply), ["job.batch/report-builder created"]);
    }

    #[test]
    fn a_workload_without_a_namespace_object_says_the_defaults_apply() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n";
        let options = Options {
            namespace: Some("team".into()),
            admission_config: Some(
                "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: baseline\nexemptions:\n  usernames: [alice]\n".into(),
            ),
            ..Options::default()
        };
        let a = crate::analyze(text, &options);
        let v = view(&a, "manifest.yaml").unwrap();
        let n = &v.namespaces[0];
        assert_eq!(n.line, None);
        assert!(
            n.about.starts_with("No Namespace object in the text"),
            "{}",
            n.about
        );
        assert_eq!(n.modes[0].policy, "baseline:latest");
        assert_eq!(
            texts(&v.notes),
            ["The admission configuration exempts users: alice"]
        );
        let w = &n.workloads[0];
        assert_eq!(
            w.namespace_note.as_deref(),
            Some("It names no namespace: sent to team (the request's namespace)")
        );
        assert_eq!(texts(&w.apply), ["pod/p created"]);
        // It passes baseline, which the namespace enforces: the next step is a new label.
        let next = n.next.as_ref().unwrap();
        assert_eq!(
            next.heading,
            format!(
                "To label this namespace restricted (v1.{}), change these {} fields",
                crate::model::MAX_KNOWN_MINOR,
                next.changes.len()
            )
        );
        assert!(next.changes.len() > 1, "{:?}", next.changes);
        assert_eq!(
            next.label.as_deref(),
            Some("pod-security.kubernetes.io/enforce=restricted")
        );
        // The exempt user's request is not checked at all.
        let exempt = crate::analyze(
            text,
            &Options {
                username: Some("alice".into()),
                ..options
            },
        );
        let v = view(&exempt, "manifest.yaml").unwrap();
        assert_eq!(
            v.namespaces[0].workloads[0].verdict.text,
            "Created: exempt from every check"
        );
    }
}
