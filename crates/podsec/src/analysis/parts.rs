//! The analysis as a stream of parts: each object's report in pieces, so that a shell can write a
//! report of any size without holding it.
//!
//! Most objects are analysed whole, as [`super::analyze`] does, and then handed out in parts. An
//! object of more than [`Limits::containers`] containers is listed in bounded passes instead, so
//! that memory follows a fixed share of its findings, not all of them:
//!
//! 1. a tally: every check runs once, and each finding leaves only its place in the listing (level,
//!    line, column, push order) and its group (check and container); the Pod Security Standards
//!    verdict comes from the same run;
//! 2. the listing's budget applied to the places, as [`Findings::finish`] applies it to the
//!    findings: the first [`MAX_FINDINGS_PER_CHECK`](super::MAX_FINDINGS_PER_CHECK) of a group, a notice counting the rest, all
//!    sorted by level, line and column;
//! 3. passes: the checks run again once per chunk of the listing, each keeping only the findings of
//!    its chunk (known by their push order: the checks are deterministic), which are written out in
//!    order and dropped; then each container's effective context, resolved one at a time; then the
//!    suppressed findings, in the same way.
//!
//! A chunk holds findings of at least [`Limits::chunk`] bytes and at least 1/[`MAX_PASSES`] of
//! the listing's (each finding weighed as it is tallied), so there are at most 2 × [`MAX_PASSES`]
//! passes: linear time, with each pass holding an even share of the findings. The effective
//! contexts are never all held either: a rule that reads one resolves it when it asks. The parts
//! of an object are the same, field for field, whichever way it is listed (tested on every corpus
//! file and upstream fixture with no threshold and chunks of a finding or two).
//!
//! [`Findings::finish`]: crate::rule::Findings

use std::collections::HashMap;

use super::{ContainerReport, Keep, ObjectReport, container_report, head, run_checks};
use crate::model::{Finding, FindingLevel, Options};
use crate::rule::{Findings, Pass};
use crate::suppress::{Ignore, Suppressed};
use crate::yaml::Chunked;

/// One part of an object's report. An object is a [`Part::Head`], its findings, its containers,
/// its suppressed findings, then [`Part::End`]: the order of the report's JSON fields.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// The report without its `findings`, `containers` and `suppressed` (empty), which follow,
    /// and what decides whether Kubernetes runs the object.
    Head(Box<ObjectReport>, Summary),
    /// The next finding, in the report's order.
    Finding(Box<Finding>),
    /// The next container with its effective context.
    Container(Box<ContainerReport>),
    /// The next finding an inline ignore suppresses.
    Suppressed(Box<Suppressed>),
    /// The report is complete.
    End,
}

/// What an object's findings say about whether Kubernetes runs it, known before they are listed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// The first level among the listed findings that stops the object ([`FindingLevel::Rejected`]
    /// before [`FindingLevel::Refused`]), if one does.
    pub stopped_by: Option<FindingLevel>,
    /// Whether a Pod Security Standards finding is listed.
    pub pss_listed: bool,
    /// Whether a Pod Security Standards finding is suppressed.
    pub pss_suppressed: bool,
}

impl Summary {
    /// The summary of a whole report.
    #[must_use]
    pub fn of(report: &ObjectReport) -> Summary {
        let mut summary = Summary {
            pss_suppressed: report.suppressed.iter().any(|s| s.finding.pss),
            ..Summary::default()
        };
        for f in &report.findings {
            summary.listed(f.level, f.pss);
        }
        summary
    }

    fn listed(&mut self, level: FindingLevel, pss: bool) {
        self.pss_listed |= pss;
        if level.stops_object() {
            self.stopped_by = Some(self.stopped_by.map_or(level, |l| l.min(level)));
        }
    }

    /// Whether Kubernetes would not run the object whose head this is: Pod Security Admission
    /// denies it (unless every Pod Security Standards finding behind the denial is suppressed), a
    /// listed finding says the API server rejects it or the kubelet refuses it, or its namespace
    /// refuses it or its pods in `enforce` mode.
    #[must_use]
    pub fn stops(&self, head: &ObjectReport) -> bool {
        let denied = !head.allowed && (self.pss_listed || !self.pss_suppressed);
        denied || self.stopped_by.is_some() || refused_by_namespace(head)
    }
}

/// Whether the object's namespace refuses it, or the pods its controller creates, in `enforce`
/// mode (or kubectl does not send it).
fn refused_by_namespace(o: &ObjectReport) -> bool {
    o.admission.as_ref().is_some_and(|a| {
        a.client_error.is_some()
            || a.request.refused()
            || a.pods.as_ref().is_some_and(|p| p.modes.refused())
    })
}

impl ObjectReport {
    /// Whether Kubernetes would not run the object (see [`Summary::stops`]).
    #[must_use]
    pub fn stops(&self) -> bool {
        Summary::of(self).stops(self)
    }
}

/// When an object is listed in bounded passes, and how large a pass is.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Objects of more containers than this are listed in bounded passes.
    pub containers: usize,
    /// The least a pass holds, in bytes of findings (see the module's docs).
    pub chunk: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            containers: 16,
            chunk: 128 * 1024,
        }
    }
}

/// At most this many passes list an object's findings (and as many its suppressed findings).
const MAX_PASSES: usize = 24;

/// A whole report in parts, as [`super::analyze_parts`] hands it out.
pub fn parts(mut report: ObjectReport) -> impl Iterator<Item = Part> {
    let summary = Summary::of(&report);
    let findings = std::mem::take(&mut report.findings);
    let containers = std::mem::take(&mut report.containers);
    let suppressed = std::mem::take(&mut report.suppressed);
    std::iter::once(Part::Head(Box::new(report), summary))
        .chain(findings.into_iter().map(|f| Part::Finding(Box::new(f))))
        .chain(containers.into_iter().map(|c| Part::Container(Box::new(c))))
        .chain(
            suppressed
                .into_iter()
                .map(|s| Part::Suppressed(Box::new(s))),
        )
        .chain(std::iter::once(Part::End))
}

/// Where a finding goes in the listing, and which group's budget it counts against (its check
/// and container). 24 bytes: a tally holds one per finding.
#[derive(Clone, Copy)]
struct Place {
    level: FindingLevel,
    pss: bool,
    check: u16,
    container: u32,
    line: u32,
    column: u32,
    seq: u32,
    /// For the notice that ends a group past the budget: how many findings it counts; else 0.
    more: u32,
    /// About how many bytes the finding holds (see [`weight`]).
    weight: u32,
}

impl Place {
    fn group(&self) -> (u16, u32) {
        (self.check, self.container)
    }

    /// The listing's order: level, line, column, notices after the findings at the same place,
    /// push order.
    fn order(&self) -> (FindingLevel, u32, u32, bool, u32) {
        (self.level, self.line, self.column, self.more > 0, self.seq)
    }
}

/// What a pass needs of an entry of the listing: the push order of its finding, and for a notice
/// how many findings it counts.
#[derive(Clone, Copy)]
struct Entry {
    seq: u32,
    more: u32,
    weight: u32,
}

impl Entry {
    fn of(p: &Place) -> Entry {
        Entry {
            seq: p.seq,
            more: p.more,
            weight: p.weight,
        }
    }
}

/// About how many bytes a finding holds, itself and on the heap (each allocation counted at the
/// allocator's smallest block or more): what a pass holding it costs. Fixes weigh most: a finding
/// that mounts an emptyDir carries three patches.
fn weight(f: &Finding) -> usize {
    fn text(len: usize) -> usize {
        if len == 0 { 0 } else { len.max(24) + 8 }
    }
    fn path(p: &crate::fix::FieldPath) -> usize {
        text(p.0.len() * std::mem::size_of::<crate::fix::Seg>())
            + p.0
                .iter()
                .map(|s| match s {
                    crate::fix::Seg::Key(std::borrow::Cow::Owned(k)) => text(k.len()),
                    _ => 0,
                })
                .sum::<usize>()
    }
    fn value(v: &crate::fix::PatchValue) -> usize {
        use crate::fix::PatchValue;
        match v {
            PatchValue::Bool(_) | PatchValue::Int(_) => 0,
            PatchValue::Str(s) => text(s.len()),
            PatchValue::List(items) => {
                text(items.len() * std::mem::size_of::<PatchValue>())
                    + items.iter().map(value).sum::<usize>()
            }
            PatchValue::Map(entries) => {
                text(entries.len() * std::mem::size_of::<(String, PatchValue)>())
                    + entries
                        .iter()
                        .map(|(k, v)| text(k.len()) + value(v))
                        .sum::<usize>()
            }
        }
    }
    let fix = f.fix.as_ref().map_or(0, |fix| {
        use crate::fix::Patch;
        text(fix.title.len())
            + fix.note.as_ref().map_or(0, |n| match n {
                std::borrow::Cow::Owned(n) => text(n.len()),
                std::borrow::Cow::Borrowed(_) => 0,
            })
            + text(fix.patches.len() * std::mem::size_of::<Patch>())
            + fix
                .patches
                .iter()
                .map(|p| match p {
                    Patch::Set { path: p, value: v } | Patch::Ensure { path: p, item: v } => {
                        path(p) + value(v)
                    }
                    Patch::RemoveItem { path: p, item } => path(p) + text(item.len()),
                    Patch::Remove { path: p } => path(p),
                })
                .sum::<usize>()
    });
    std::mem::size_of::<Finding>()
        + text(f.message.len())
        + f.container.as_ref().map_or(0, |c| text(c.len()))
        + text(f.path.len())
        + text(f.related.len() * std::mem::size_of::<crate::model::Related>())
        + f.related
            .iter()
            .map(|r| text(r.message.len()))
            .sum::<usize>()
        + fix
}

/// A count as the tally stores it (a text of at most 32 MiB never reaches `u32::MAX`).
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The tally: the place of every finding, none held.
struct Tally<'p> {
    /// In chunks: no room for as many again, and no copy as they grow.
    listed: Chunked<Place>,
    suppressed: Chunked<Place>,
    checks: HashMap<&'static str, u16>,
    /// The pod's container names, sorted, each with its group's number (a name written twice is
    /// one group, as the listing's budget counts it).
    names: Vec<(&'p str, u32)>,
    /// Names of findings that are no container's of the pod (none, as the rules are written).
    others: HashMap<String, u32>,
}

impl<'p> Tally<'p> {
    fn new(pod: &'p crate::pod::PodView<'_>) -> Tally<'p> {
        let mut names: Vec<&'p str> = pod.containers.iter().map(|c| c.name).collect();
        crate::order::sort(&mut names);
        names.dedup();
        Tally {
            listed: Chunked::default(),
            suppressed: Chunked::default(),
            checks: HashMap::new(),
            names: names.into_iter().zip(0..).collect(),
            others: HashMap::new(),
        }
    }

    fn container(&mut self, name: &str) -> u32 {
        match self.names.binary_search_by(|(n, _)| (*n).cmp(name)) {
            Ok(i) => self.names.get(i).map_or(u32::MAX, |(_, id)| *id),
            Err(_) => {
                let next = small(self.names.len() + self.others.len());
                *self.others.entry(name.to_string()).or_insert(next)
            }
        }
    }
}

impl Pass for Tally<'_> {
    fn take(&mut self, seq: usize, finding: Finding, ignore: Option<&Ignore>) {
        let weight = small(weight(&finding));
        let next = u16::try_from(self.checks.len()).unwrap_or(u16::MAX);
        let check = *self.checks.entry(finding.check).or_insert(next);
        let container = match &finding.container {
            Some(name) => self.container(name),
            None => u32::MAX,
        };
        let place = Place {
            level: finding.level,
            pss: finding.pss,
            check,
            container,
            line: small(finding.line),
            column: small(finding.column),
            seq: small(seq),
            more: 0,
            weight,
        };
        if ignore.is_some() {
            self.suppressed.push(place);
        } else {
            self.listed.push(place);
        }
    }
}

/// The listing of `places` under the budget of `cap` findings per group, as
/// [`Findings::finish`](crate::rule::Findings) lists findings: in each group the first `cap` in
/// the listing's order, then a notice made of the next one, counting the rest.
fn budget(mut places: Vec<Place>, cap: usize) -> Vec<Place> {
    crate::order::sort_by(&mut places, |a, b| {
        (a.group(), a.order()).cmp(&(b.group(), b.order()))
    });
    let runs: Vec<usize> = places
        .chunk_by(|a, b| a.group() == b.group())
        .map(<[Place]>::len)
        .collect();
    let mut runs = runs.into_iter();
    let mut run = (0, 0);
    places.retain_mut(|p| {
        if run.0 == run.1 {
            run = (0, runs.next().unwrap_or(0));
        }
        let i = run.0;
        run.0 += 1;
        if i == cap {
            p.more = small(run.1 - cap);
        }
        i <= cap
    });
    crate::order::sort_by(&mut places, |a, b| a.order().cmp(&b.order()));
    places.shrink_to_fit();
    places
}

/// One pass: keeps the findings of a chunk of the listing, by push order.
struct Select<'w, 'i> {
    /// `(seq, slot)`, sorted by `seq`.
    wanted: &'w [(u32, usize)],
    found: Vec<Option<(Finding, Option<&'i Ignore>)>>,
    ignores: &'i [Ignore],
}

impl Pass for Select<'_, '_> {
    fn take(&mut self, seq: usize, finding: Finding, ignore: Option<&Ignore>) {
        if let Ok(i) = self.wanted.binary_search_by_key(&small(seq), |(s, _)| *s)
            && let Some((_, slot)) = self.wanted.get(i)
            && let Some(entry) = self.found.get_mut(*slot)
        {
            // The ignore is found again in the text's own list, which outlives the pass.
            let ignore = ignore.and_then(|by| self.ignores.iter().find(|i| std::ptr::eq(*i, by)));
            *entry = Some((finding, ignore));
        }
    }
}

/// One workload object as the analysis reads it: its document, its pod, the options, the text's
/// inline ignores, and what its report keeps.
pub(crate) struct Object<'r, 'd> {
    pub(crate) doc: &'r crate::yaml::Document,
    pub(crate) obj: &'r crate::manifest::Object<'d>,
    pub(crate) pod: &'r crate::pod::PodView<'d>,
    pub(crate) options: &'r Options,
    pub(crate) ignores: &'r [Ignore],
    /// What the report keeps besides findings and verdict.
    pub(crate) keep: Keep,
    /// How many findings of one check per container are listed (see [`MAX_FINDINGS_PER_CHECK`](super::MAX_FINDINGS_PER_CHECK)).
    pub(crate) max_findings: usize,
}

impl Object<'_, '_> {
    /// Runs every check, handing each finding to `pass`; the Pod Security Standards verdict when
    /// `verdict` asks for it.
    fn run(&self, verdict: bool, pass: &mut dyn Pass) -> crate::pss::PssResult {
        let mut sink = Findings::passing_to(self.ignores, pass);
        run_checks(
            self.doc,
            self.obj,
            self.pod,
            self.options,
            None,
            verdict,
            &mut sink,
        )
    }

    /// How many findings with a fix the object has that no inline ignore covers: one run of the
    /// checks that holds none of them.
    pub(crate) fn fixes(&self) -> usize {
        struct Count(usize);
        impl Pass for Count {
            fn take(&mut self, _: usize, finding: Finding, ignore: Option<&Ignore>) {
                if ignore.is_none() && finding.fix.is_some() {
                    self.0 += 1;
                }
            }
        }
        let mut count = Count(0);
        self.run(false, &mut count);
        count.0
    }

    /// The entries of `listing` in chunks, each found by one run of the checks and handed to
    /// `emit` in order. A chunk weighs (see [`weight`]) at least `least` bytes and at least
    /// 1/[`MAX_PASSES`] of the whole listing, so that the passes are at most about
    /// [`MAX_PASSES`] and each holds an even share.
    fn chunks<'s>(
        &'s self,
        listing: &[Entry],
        least: usize,
        mut emit: impl FnMut(&Entry, Finding, Option<&'s Ignore>),
    ) {
        let total: usize = listing.iter().map(|e| e.weight as usize).sum();
        let most = least.max(total.div_ceil(MAX_PASSES)).max(1);
        let mut rest = listing;
        while !rest.is_empty() {
            let mut held = 0;
            let end = rest
                .iter()
                .position(|e| {
                    held += e.weight as usize;
                    held > most
                })
                .unwrap_or(rest.len())
                .max(1);
            let (part, after) = rest.split_at(end);
            rest = after;
            let mut wanted: Vec<(u32, usize)> = part
                .iter()
                .enumerate()
                .map(|(slot, l)| (l.seq, slot))
                .collect();
            wanted.sort_unstable();
            let mut select = Select {
                wanted: &wanted,
                found: std::iter::repeat_with(|| None).take(part.len()).collect(),
                ignores: self.ignores,
            };
            self.run(false, &mut select);
            for (l, found) in part.iter().zip(select.found) {
                if let Some((finding, ignore)) = found {
                    emit(l, finding, ignore);
                }
            }
        }
    }

    /// Lists the object in bounded passes (see the module's docs). `head` completes the head
    /// (its `source` and namespace `admission`) before it is handed out.
    pub(crate) fn list(
        &self,
        limits: Limits,
        complete: &mut dyn FnMut(&mut ObjectReport),
        emit: &mut dyn FnMut(Part),
    ) {
        let (report, summary, listing, suppressed) = self.tally(complete);
        // What the passes need of each place: 12 bytes instead of 28.
        let compact = |places: Vec<Place>| {
            let mut entries: Vec<Entry> = places.iter().map(Entry::of).collect();
            entries.shrink_to_fit();
            entries
        };
        let listing = compact(listing);
        let suppressed = compact(suppressed);
        let cap = self.max_findings;
        emit(Part::Head(Box::new(report), summary));
        self.chunks(&listing, limits.chunk, |p, finding, _| {
            let finding = match p.more {
                0 => finding,
                more => crate::rule::notice(finding, more as usize, cap),
            };
            emit(Part::Finding(Box::new(finding)));
        });
        if self.keep == Keep::All {
            for c in &self.pod.containers {
                let effective = crate::effective::resolve_container(self.pod, c, self.options);
                emit(Part::Container(Box::new(container_report(c, effective))));
            }
        }
        self.chunks(&suppressed, limits.chunk, |_, finding, ignore| {
            if let Some(by) = ignore {
                emit(Part::Suppressed(Box::new(crate::rule::suppressed(
                    finding, by,
                ))));
            }
        });
        emit(Part::End);
    }

    /// The object's head, completed by `complete`, and what decides whether Kubernetes runs it,
    /// from one run of the checks that holds no finding: what [`Object::list`] hands out first.
    pub(crate) fn head(
        &self,
        complete: &mut dyn FnMut(&mut ObjectReport),
    ) -> (ObjectReport, Summary) {
        let (report, summary, _, _) = self.tally(complete);
        (report, summary)
    }

    /// The tally (see the module's docs): the head, its summary, and the places of the listing and
    /// of the suppressed findings, in their order.
    fn tally(
        &self,
        complete: &mut dyn FnMut(&mut ObjectReport),
    ) -> (ObjectReport, Summary, Vec<Place>, Vec<Place>) {
        let mut tally = Tally::new(self.pod);
        let pss = self.run(true, &mut tally);
        let Tally {
            listed, suppressed, ..
        } = tally;
        let cap = self.max_findings;
        let listing = budget(listed.into_vec(), cap);
        let mut suppressed = suppressed.into_vec();
        crate::order::sort_by(&mut suppressed, |a, b| a.order().cmp(&b.order()));
        let mut summary = Summary {
            pss_suppressed: suppressed.iter().any(|p| p.pss),
            ..Summary::default()
        };
        for p in &listing {
            summary.listed(p.level, p.pss);
        }
        let mut report = head(self.obj, self.pod, self.options, pss, self.keep);
        complete(&mut report);
        (report, summary, listing, suppressed)
    }
}
