//! Output for people (text, effective table) and for programs (the JSON contract).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use serde::Serialize;
use serde::ser::{SerializeSeq, SerializeStruct, Serializer};

use podsec::analysis::{Part, Summary};
use podsec::model::heading_name;
use podsec::{Analysis, FindingLevel, ObjectReport, Options};

use crate::Judged;

/// Text from the input (names, paths, messages quoting values) made safe for a terminal: control
/// characters, which could move the cursor or retitle the window, are written as `\u{..}`.
pub(crate) fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `KIND NAME (line N)`.
fn heading(o: &ObjectReport) -> String {
    format!(
        "{} {} (line {})",
        clean(&o.kind),
        clean(&heading_name(&o.name, o.generate_name.as_deref())),
        o.line
    )
}

/// Writes the JSON contract of `podsec check --format json`: the level and versions of the run,
/// each file (its path, level and version, its objects as they come, then its errors, skipped
/// objects and namespace admission), and last `allowed`, whether every object is admitted and every
/// file parsed (known only once every object has passed).
pub(crate) fn json<'a>(
    out: &mut impl Write,
    options: &Options,
    files: impl Iterator<Item = Judged<'a>>,
) -> serde_json::Result<()> {
    let report = Report {
        options,
        files: RefCell::new(Some(files)),
    };
    serde_json::to_writer_pretty(out, &report)
}

/// The report, serialised as it is read: each file's objects are written one by one, and
/// `allowed` after them.
struct Report<'o, I> {
    options: &'o Options,
    files: RefCell<Option<I>>,
}

impl<'a, I: Iterator<Item = Judged<'a>>> Serialize for Report<'_, I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let allowed = Cell::new(true);
        let mut report = serializer.serialize_struct("Report", 5)?;
        report.serialize_field("level", self.options.level.as_str())?;
        report.serialize_field(
            "version",
            &podsec::analysis::policy_version(self.options).evaluated_label(),
        )?;
        report.serialize_field("requestedVersion", &self.options.version.label())?;
        let files = Each(RefCell::new(self.files.take().into_iter().flatten().map(
            |file| FileReport {
                file: RefCell::new(Some(file)),
                allowed: &allowed,
            },
        )));
        report.serialize_field("files", &files)?;
        report.serialize_field("allowed", &allowed.get())?;
        report.end()
    }
}

/// A sequence serialised from an iterator, item by item (once: serialising takes the items).
struct Each<I>(RefCell<I>);

impl<T: Serialize, I: Iterator<Item = T>> Serialize for Each<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut items = self.0.borrow_mut();
        let mut seq = serializer.serialize_seq(None)?;
        for item in items.by_ref() {
            seq.serialize_element(&item)?;
        }
        seq.end()
    }
}

/// One file of the report; clears `allowed` when an object is denied or the file has errors.
struct FileReport<'a, 'c> {
    file: RefCell<Option<Judged<'a>>>,
    allowed: &'c Cell<bool>,
}

impl Serialize for FileReport<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(mut file) = self.file.take() else {
            return serializer.serialize_none();
        };
        let mut report = serializer.serialize_struct("FileReport", 7)?;
        report.serialize_field("path", &file.path)?;
        // The level and evaluated version this file was judged at (`.podsec.toml` overrides may
        // differ per path).
        report.serialize_field("level", file.options.level.as_str())?;
        report.serialize_field(
            "version",
            &podsec::analysis::policy_version(&file.options).evaluated_label(),
        )?;
        let parts = RefCell::new(file.by_ref().peekable());
        report.serialize_field(
            "objects",
            &Objects {
                parts: &parts,
                allowed: self.allowed,
            },
        )?;
        drop(parts);
        let analysis = file.finish();
        self.allowed
            .set(self.allowed.get() && analysis.errors.is_empty());
        report.serialize_field("errors", &analysis.errors)?;
        report.serialize_field("skipped", &analysis.skipped)?;
        // Namespace admission: namespaces, their policies and what they need (issue 17).
        if let Some(admission) = &analysis.admission {
            report.serialize_field("admission", admission)?;
        }
        report.end()
    }
}

/// The parts of one file's reports.
type Parts<'p, 'a> = std::iter::Peekable<&'p mut Judged<'a>>;

/// A file's objects, each written as its parts come; clears `allowed` when one is denied.
struct Objects<'r, 'p, 'a> {
    parts: &'r RefCell<Parts<'p, 'a>>,
    allowed: &'r Cell<bool>,
}

impl Serialize for Objects<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        loop {
            let next = self.parts.borrow_mut().next();
            match next {
                Some(Part::Head(head, _)) => {
                    self.allowed.set(self.allowed.get() && head.allowed);
                    seq.serialize_element(&Object {
                        head: &head,
                        parts: self.parts,
                    })?;
                }
                Some(_) => {}
                None => break,
            }
        }
        seq.end()
    }
}

/// One object's report, written as [`ObjectReport`] serialises, its findings, containers and
/// suppressed findings taken from the parts that follow its head (the test
/// `json_objects_are_the_reports` holds the two to the same fields).
struct Object<'r, 'p, 'a> {
    head: &'r ObjectReport,
    parts: &'r RefCell<Parts<'p, 'a>>,
}

impl<'r, 'p, 'a> Object<'r, 'p, 'a> {
    /// The next parts while `take` takes them, as a sequence.
    fn run<T: Serialize>(
        &self,
        take: fn(&Part) -> bool,
        item: fn(Part) -> Option<T>,
    ) -> Run<'r, 'p, 'a, T> {
        Run {
            parts: self.parts,
            take,
            item,
        }
    }
}

/// A run of parts written as a sequence.
struct Run<'r, 'p, 'a, T> {
    parts: &'r RefCell<Parts<'p, 'a>>,
    take: fn(&Part) -> bool,
    item: fn(Part) -> Option<T>,
}

impl<T: Serialize> Serialize for Run<'_, '_, '_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        loop {
            let next = {
                let mut parts = self.parts.borrow_mut();
                parts.next_if(|p| (self.take)(p))
            };
            let Some(part) = next else { break };
            if let Some(item) = (self.item)(part) {
                seq.serialize_element(&item)?;
            }
        }
        seq.end()
    }
}

impl Serialize for Object<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let o = self.head;
        let mut report = serializer.serialize_struct("ObjectReport", 15)?;
        report.serialize_field("kind", &o.kind)?;
        report.serialize_field("apiVersion", &o.api_version)?;
        report.serialize_field("name", &o.name)?;
        if let Some(g) = &o.generate_name {
            report.serialize_field("generateName", g)?;
        }
        report.serialize_field("namespace", &o.namespace)?;
        report.serialize_field("document", &o.document)?;
        report.serialize_field("line", &o.line)?;
        report.serialize_field("allowed", &o.allowed)?;
        if let Some(m) = &o.admission_message {
            report.serialize_field("admission_message", m)?;
        }
        report.serialize_field(
            "findings",
            &self.run(
                |p| matches!(p, Part::Finding(_)),
                |p| match p {
                    Part::Finding(f) => Some(f),
                    _ => None,
                },
            ),
        )?;
        report.serialize_field(
            "containers",
            &self.run(
                |p| matches!(p, Part::Container(_)),
                |p| match p {
                    Part::Container(c) => Some(c),
                    _ => None,
                },
            ),
        )?;
        report.serialize_field("passes", &o.passes)?;
        report.serialize_field("pod_path", &o.pod_path)?;
        if let Some(s) = &o.source {
            report.serialize_field("source", s)?;
        }
        let suppressed = matches!(self.parts.borrow_mut().peek(), Some(Part::Suppressed(_)));
        if suppressed {
            report.serialize_field(
                "suppressed",
                &self.run(
                    |p| matches!(p, Part::Suppressed(_)),
                    |p| match p {
                        Part::Suppressed(s) => Some(s),
                        _ => None,
                    },
                ),
            )?;
        }
        if let Some(a) = &o.admission {
            report.serialize_field("admission", a)?;
        }
        // The object's end.
        let _ = self.parts.borrow_mut().next_if(|p| matches!(p, Part::End));
        report.end()
    }
}

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn level(&self, l: FindingLevel) -> String {
        let code = match l {
            FindingLevel::Rejected | FindingLevel::Refused => "1;31",
            FindingLevel::Baseline | FindingLevel::Restricted => "31",
            FindingLevel::Hardening => "36",
            FindingLevel::Warning => "33",
        };
        self.wrap(code, l.as_str())
    }
}

/// The text report. Objects print as they come, except that objects rendered from one template
/// (or base) print together, in the order the sources first appear, after the objects that name
/// no source: those are held as printed text until the file's objects are all read. Then the
/// file's read errors, namespaces and skipped objects, and last the summary of every file.
pub(crate) fn text<'a>(
    out: &mut impl Write,
    files: impl Iterator<Item = Judged<'a>>,
    color: bool,
) -> std::io::Result<()> {
    let paint = Paint(color);
    let mut count = Counts::default();
    for mut file in files {
        let label = format!(
            "{}:{}",
            file.options.level.as_str(),
            file.options.version.label()
        );
        let path = clean(&file.path).into_owned();
        writeln!(out, "{}", paint.wrap("1", &path))?;
        let mut sources: HashMap<String, usize> = HashMap::new();
        let mut grouped: Vec<(String, Vec<u8>)> = Vec::new();
        // Where the current object's lines go: `None` for the output, else a source's group.
        let mut target: Option<usize> = None;
        let mut head: Option<Box<ObjectReport>> = None;
        for part in file.by_ref() {
            if let Part::Head(h, _) = &part {
                target = h.source.as_ref().map(|s| {
                    *sources.entry(s.clone()).or_insert_with(|| {
                        grouped.push((s.clone(), Vec::new()));
                        grouped.len() - 1
                    })
                });
            }
            let to: &mut dyn Write = match target.and_then(|i| grouped.get_mut(i)) {
                Some((_, text)) => text,
                None => &mut *out,
            };
            match part {
                Part::Head(h, summary) => {
                    object(to, &paint, &label, &h, summary, &mut count)?;
                    head = Some(h);
                }
                Part::Finding(f) => finding(to, &paint, &path, &f, &mut count)?,
                Part::Suppressed(s) => suppressed(to, &paint, &path, &s, &mut count)?,
                Part::Container(_) => {}
                Part::End => {
                    if let Some(h) = head.take() {
                        object_admission(to, &paint, &path, &h)?;
                    }
                }
            }
        }
        for (source, text) in grouped {
            writeln!(
                out,
                "  {} {}",
                paint.wrap("2", "from"),
                paint.wrap("1", &clean(&source))
            )?;
            out.write_all(&text)?;
        }
        let a = file.finish();
        for e in &a.errors {
            count.errors += 1;
            parse_error(out, &paint, &path, e)?;
        }
        if let Some(report) = &a.admission {
            namespaces(out, &paint, &path, report)?;
        }
        for s in &a.skipped {
            writeln!(
                out,
                "  {} {} (line {}): skipped: {}",
                if s.kind.is_empty() {
                    Cow::Borrowed("document")
                } else {
                    clean(&s.kind)
                },
                clean(&s.name),
                s.line,
                clean(&s.reason)
            )?;
        }
    }
    let mut summary = format!(
        "{}, {} denied",
        counted(count.objects, "object", "objects"),
        count.denied
    );
    if count.stopped > 0 {
        let _ = write!(summary, ", {} rejected or refused", count.stopped);
    }
    let _ = write!(
        summary,
        ", {}",
        counted(count.findings, "finding", "findings")
    );
    if count.suppressed > 0 {
        let _ = write!(summary, ", {} suppressed", count.suppressed);
    }
    if count.errors > 0 {
        let _ = write!(summary, ", {}", counted(count.errors, "error", "errors"));
    }
    writeln!(out, "{summary}")?;
    Ok(())
}

/// `1 finding`, `2 findings`.
fn counted(n: usize, one: &str, more: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { more })
}

#[derive(Default)]
struct Counts {
    objects: usize,
    denied: usize,
    stopped: usize,
    findings: usize,
    suppressed: usize,
    errors: usize,
}

/// An object's heading, verdict and admission message.
fn object(
    out: &mut dyn Write,
    paint: &Paint,
    label: &str,
    o: &ObjectReport,
    summary: Summary,
    count: &mut Counts,
) -> std::io::Result<()> {
    count.objects += 1;
    let mut verdict = if o.allowed {
        paint.wrap("32", &format!("admitted at {label}"))
    } else {
        count.denied += 1;
        paint.wrap("1;31", &format!("denied at {label}"))
    };
    if let Some(level) = summary.stopped_by {
        count.stopped += 1;
        let by = match level {
            FindingLevel::Rejected => "but the API server rejects it",
            _ => "but the kubelet or runtime refuses it",
        };
        verdict = format!("{verdict}, {}", paint.wrap("1;31", by));
    }
    writeln!(out, "  {}: {verdict}", heading(o))?;
    if let Some(m) = &o.admission_message {
        writeln!(out, "    {}", paint.wrap("2", &clean(m)))?;
    }
    Ok(())
}

/// One finding, with its related places and its fix.
fn finding(
    out: &mut dyn Write,
    paint: &Paint,
    path: &str,
    f: &podsec::model::Finding,
    count: &mut Counts,
) -> std::io::Result<()> {
    count.findings += 1;
    writeln!(
        out,
        "    {}:{}:{} {} {} {}",
        path,
        f.line,
        f.column,
        paint.level(f.level),
        paint.wrap("1", f.check),
        clean(&f.message)
    )?;
    for r in &f.related {
        writeln!(
            out,
            "      {}:{}:{} {}",
            path,
            r.line,
            r.column,
            clean(&r.message)
        )?;
    }
    if let Some(fix) = &f.fix {
        writeln!(
            out,
            "      fix ({}): {}",
            fix.applicability.as_str(),
            clean(&fix.title)
        )?;
    }
    Ok(())
}

/// One finding an inline ignore suppresses.
fn suppressed(
    out: &mut dyn Write,
    paint: &Paint,
    path: &str,
    s: &podsec::suppress::Suppressed,
    count: &mut Counts,
) -> std::io::Result<()> {
    count.suppressed += 1;
    let f = &s.finding;
    writeln!(
        out,
        "    {}:{}:{} {} {} {} (ignored on line {}: {})",
        path,
        f.line,
        f.column,
        paint.wrap("2", "suppressed"),
        f.check,
        clean(&f.message),
        s.suppression.line,
        clean(&s.suppression.reason)
    )
}

/// What the object's namespace does with it: the lines `kubectl apply` prints, the pods its
/// controller creates, the audit annotations, and the strictest level it passes.
fn object_admission(
    out: &mut dyn Write,
    paint: &Paint,
    path: &str,
    o: &ObjectReport,
) -> std::io::Result<()> {
    use podsec::admission::Decision;
    let Some(a) = &o.admission else {
        return Ok(());
    };
    writeln!(
        out,
        "    {} {} ({}); kubectl apply prints:",
        paint.wrap("1", "namespace"),
        clean(&a.namespace),
        match a.namespace_from.as_str() {
            "metadata" => "metadata.namespace",
            "option" => "--namespace",
            _ => "no namespace given: default",
        }
    )?;
    for line in podsec::admission::kubectl_lines(o, path) {
        let code = if line.starts_with("Warning") {
            "33"
        } else if line.starts_with("Error") || line.starts_with("error") {
            "1;31"
        } else {
            "32"
        };
        writeln!(out, "      {}", paint.wrap(code, &clean(&line)))?;
    }
    if a.request.enforce.result == Decision::NotApplied
        && let Some(m) = &a.request.enforce.message
    {
        writeln!(out, "      {}", paint.wrap("2", &format!("({m})")))?;
    }
    for (k, v) in &a.request.annotations {
        writeln!(out, "      audit annotation {}={}", k, clean(v))?;
    }
    if let Some(p) = &a.pods {
        let verdict = match p.modes.enforce.result {
            Decision::Denied => paint.wrap(
                "1;31",
                &format!("refused by enforce {}", p.modes.enforce.policy),
            ),
            Decision::Exempt => paint.wrap("32", "exempt"),
            _ => paint.wrap(
                "32",
                &format!("admitted by enforce {}", p.modes.enforce.policy),
            ),
        };
        writeln!(
            out,
            "    its pods ({}, created by {}): {verdict}",
            clean(&p.pod_name),
            p.username
        )?;
        if let Some(e) = &p.event {
            writeln!(out, "      {}", paint.wrap("1;31", &clean(e)))?;
        }
        for (k, v) in &p.modes.annotations {
            writeln!(out, "      audit annotation {}={}", k, clean(v))?;
        }
    }
    let mut level = format!("strictest level it passes: {}", a.strictest_level.as_str());
    if let Some(n) = &a.next_level {
        let _ = write!(
            level,
            "; {} ({}) asks {} {}",
            n.level.as_str(),
            n.version,
            n.changes.len(),
            if n.changes.len() == 1 {
                "change"
            } else {
                "changes"
            }
        );
    }
    writeln!(out, "    {}", paint.wrap("2", &level))?;
    Ok(())
}

/// Every namespace: its policy per mode, what creating it prints, and what labelling it one level
/// stricter asks.
fn namespaces(
    out: &mut impl Write,
    paint: &Paint,
    path: &str,
    report: &podsec::admission::AdmissionReport,
) -> std::io::Result<()> {
    for e in &report.config_errors {
        writeln!(
            out,
            "  {} admission configuration: {}",
            paint.wrap("1;31", "error"),
            clean(e)
        )?;
    }
    for n in &report.namespaces {
        let at = n
            .line
            .map_or_else(|| "not in the input".to_string(), |l| format!("line {l}"));
        writeln!(
            out,
            "  {} {} ({at}){}",
            paint.wrap("1", "Namespace"),
            clean(&n.name),
            if n.exempt {
                ", exempt by the admission configuration"
            } else {
                ""
            }
        )?;
        let modes: Vec<String> = n
            .modes
            .iter()
            .into_iter()
            .map(|(m, p)| {
                format!(
                    "{} {} ({}, evaluated {})",
                    m.as_str(),
                    p.policy,
                    p.from,
                    p.evaluated
                )
            })
            .collect();
        writeln!(out, "    {}", modes.join(", "))?;
        if let Some(line) = podsec::admission::namespace_line(n) {
            let code = if n.create_error.is_some() {
                "1;31"
            } else {
                "32"
            };
            writeln!(
                out,
                "    kubectl apply prints: {}",
                paint.wrap(code, &clean(&line))
            )?;
        }
        writeln!(
            out,
            "    {} {}; the strictest level they all pass: {}",
            n.objects,
            if n.objects == 1 { "object" } else { "objects" },
            n.strictest_level.as_str()
        )?;
        if let Some(next) = &n.next_level
            && !next.changes.is_empty()
        {
            writeln!(
                out,
                "    to label this namespace {} ({}), change these {} {}:",
                next.level.as_str(),
                next.version,
                next.changes.len(),
                if next.changes.len() == 1 {
                    "field"
                } else {
                    "fields"
                }
            )?;
            for c in &next.changes {
                writeln!(
                    out,
                    "      {path}:{}:{} {} {} {}",
                    c.line,
                    c.column,
                    clean(&c.object),
                    paint.wrap("1", c.check),
                    clean(&c.message)
                )?;
            }
        }
    }
    Ok(())
}

pub(crate) fn effective(
    out: &mut impl Write,
    path: &str,
    a: &Analysis,
    color: bool,
) -> std::io::Result<()> {
    let paint = Paint(color);
    let path = clean(path);
    writeln!(out, "{}", paint.wrap("1", &path))?;
    for e in &a.errors {
        parse_error(out, &paint, &path, e)?;
    }
    for o in &a.objects {
        writeln!(out, "  {}", heading(o))?;
        for c in &o.containers {
            writeln!(out, "    {} {:?} (line {})", c.kind, c.name, c.line)?;
            for (field, v) in c.effective.fields() {
                let value = serde_json::to_string(&v.value).unwrap_or_default();
                let line = v
                    .line
                    .map_or_else(|| "-".to_string(), |l| format!("line {l}"));
                let note = v
                    .note
                    .as_deref()
                    .map_or_else(String::new, |n| format!("  ({})", clean(n)));
                writeln!(
                    out,
                    "      {field:<26} {value:<40} {:<10} {line}{}",
                    v.source.as_str(),
                    paint.wrap("2", &note)
                )?;
            }
        }
    }
    Ok(())
}

/// The report of `podsec harden` on standard error, one line per fix offered: applied, or not
/// applied and why, a document's applied fixes first; then, for each object that something still
/// stops after the rewrite, each finding that stops it and why the rewrite left it. Built a part
/// of the rewrite at a time (see [`podsec::harden::harden_parts`]) as the lines it prints, so
/// that the edits themselves are not held.
#[derive(Default)]
pub(crate) struct HardenReport {
    /// The lines of the fixes so far, but for the current document's fixes not applied.
    fixes: String,
    /// The current document's fixes not applied, which follow its applied ones.
    not_applied: String,
    /// The document of the fixes last added.
    document: Option<usize>,
    /// The lines of the objects still stopped.
    stopped: String,
    /// The first object stopped with each set of blocking findings and reasons (lines left out):
    /// a later object stopped exactly so is named in one line that points at it, so that a `List`
    /// of many alike pods does not repeat the same explanations.
    first_stopped: HashMap<String, String>,
}

impl HardenReport {
    /// Adds the fixes and verdicts of a part of the rewrite.
    pub(crate) fn add(&mut self, path: &str, part: &podsec::Hardened) {
        use std::fmt::Write as _;
        for e in &part.edits {
            if self.document != Some(e.object.document) {
                self.fixes.push_str(&std::mem::take(&mut self.not_applied));
                self.document = Some(e.object.document);
            }
            let mark = match (&e.skipped, e.applied) {
                (_, true) => Cow::Borrowed("applied"),
                (Some(why), false) => Cow::Owned(format!("not applied: {}", clean(why))),
                (None, false) => Cow::Borrowed("not applied"),
            };
            let lines = if e.applied {
                &mut self.fixes
            } else {
                &mut self.not_applied
            };
            let _ = writeln!(
                lines,
                "{path}: [{}] {} ({mark})",
                e.grade.as_str(),
                clean(&e.title)
            );
        }
        let out = &mut self.stopped;
        for v in part.objects.iter().filter(|v| !v.blocking.is_empty()) {
            let object = format!(
                "{} {} (line {})",
                clean(&v.object.kind),
                clean(&heading_name(
                    &v.object.name,
                    v.object.generate_name.as_deref()
                )),
                v.line
            );
            // Its blocking findings and reasons, lines left out, each field led by its length so
            // that no two different sets read the same.
            let mut reasons = String::new();
            for b in &v.blocking {
                let container = b.container.as_deref().unwrap_or("");
                for field in [b.level.as_str(), b.check, container, &b.message, &b.why] {
                    let _ = write!(reasons, "{}:{field}", field.len());
                }
            }
            if let Some(first) = self.first_stopped.get(&reasons) {
                let _ = writeln!(
                    out,
                    "{path}: {object} is still stopped after the rewrite, for the same findings and reasons as {first}"
                );
                continue;
            }
            self.first_stopped.insert(reasons, object.clone());
            let _ = writeln!(out, "{path}: {object} is still stopped after the rewrite:");
            for b in &v.blocking {
                let by = match b.level {
                    FindingLevel::Rejected => "the API server rejects it",
                    FindingLevel::Refused => "the kubelet or runtime refuses it",
                    _ => "Pod Security Admission denies it",
                };
                let container = b
                    .container
                    .as_deref()
                    .map_or(String::new(), |c| format!(", container {}", clean(c)));
                let _ = writeln!(
                    out,
                    "{path}:   {} {} (line {}{container}): {by}: {}",
                    b.level.as_str(),
                    clean(b.check),
                    b.line,
                    clean(&b.message)
                );
                let _ = writeln!(out, "{path}:     left because {}", clean(&b.why));
            }
        }
    }

    /// Writes the report.
    pub(crate) fn write(&self, out: &mut impl Write) -> std::io::Result<()> {
        out.write_all(self.fixes.as_bytes())?;
        out.write_all(self.not_applied.as_bytes())?;
        out.write_all(self.stopped.as_bytes())?;
        out.flush()
    }
}

/// `error PATH:LINE:COLUMN: MESSAGE`, and its help on the next line when there is one.
fn parse_error(
    out: &mut impl Write,
    paint: &Paint,
    path: &str,
    e: &podsec::ParseError,
) -> std::io::Result<()> {
    writeln!(
        out,
        "  {} {}:{}:{}: {}",
        paint.wrap("1;31", "error"),
        path,
        e.line,
        e.column,
        clean(&e.message)
    )?;
    if let Some(help) = &e.help {
        writeln!(out, "    {} {}", paint.wrap("1", "help:"), clean(help))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::HardenReport;

    /// The report of each part's lines, and the report of the whole rewrite at once.
    fn both(text: &str) -> (String, String) {
        let options = podsec::HardenOptions::default();
        let mut parts = HardenReport::default();
        podsec::harden::harden_parts(text, &options, &mut |part| match part {
            podsec::harden::Part::Piece(h) => parts.add("f.yaml", &h),
            podsec::harden::Part::Restart => parts = HardenReport::default(),
        });
        let mut whole = HardenReport::default();
        whole.add("f.yaml", &podsec::harden(text, &options));
        let print = |r: &HardenReport| {
            let mut out = Vec::new();
            r.write(&mut out).expect("writes to memory");
            String::from_utf8(out).expect("UTF-8")
        };
        (print(&parts), print(&whole))
    }

    /// Built part by part, the report lists what the whole rewrite lists in its order: a `List`'s
    /// applied fixes of every item before the fixes not applied, document after document, and a
    /// `List` whose item does not read alone (its parts void, then the whole text's).
    #[test]
    fn a_report_built_part_by_part_is_the_whole_report() {
        let pod = |name: &str, extra: &str| {
            format!(
                "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: {name}\n  spec:\n    containers:\n    - name: app\n      image: app:1.0\n{extra}"
            )
        };
        let privileged = "      securityContext:\n        privileged: true\n";
        let list = format!(
            "apiVersion: v1\nkind: List\nitems:\n{}{}{}",
            pod("a", privileged),
            pod("b", ""),
            pod("c", privileged)
        );
        let stream = format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: d\nspec:\n  containers:\n  - name: app\n    image: app:1.0\n    securityContext:\n      privileged: true\n---\n{list}"
        );
        let anchored = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\n  spec:\n    containers:\n    - name: app\n      image: &img app:1.0\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: b\n  spec:\n    containers:\n    - name: app\n      image: *img\n";
        for text in [list.as_str(), stream.as_str(), anchored] {
            let (parts, whole) = both(text);
            assert!(parts.contains("(applied)"), "{parts}");
            assert_eq!(parts, whole, "{text}");
        }
        // Pods a and c are stopped alike: c's reasons are not repeated, but c is named.
        let (list_report, _) = both(&list);
        assert!(
            list_report.contains("f.yaml: Pod c (line 30) is still stopped after the rewrite, for the same findings and reasons as Pod a (line 4)\n"),
            "{list_report}"
        );
        // a and b, stopped differently, each have their reasons.
        assert_eq!(
            list_report
                .matches("is still stopped after the rewrite:\n")
                .count(),
            2,
            "{list_report}"
        );
        let applied = list_report.rfind("(applied)");
        let not_applied = list_report.find("(not applied");
        assert!(
            matches!((applied, not_applied), (Some(a), Some(n)) if a < n),
            "{list_report}"
        );
    }
}
