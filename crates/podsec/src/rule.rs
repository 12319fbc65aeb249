//! What every rule of every area is made of: its registry entry ([`Check`] with [`Docs`]), the
//! context a rule reads ([`Ctx`]), [`Ctx::report`], which makes a finding of a check, and the sink
//! every finding goes through ([`Findings`]), which keeps the listing's budget as findings come.
//!
//! This module sits below the areas (`ingest`, `validation`, `pss`, `hardening`) and imports none
//! of them; the registry ([`crate::check`]) sits above them and joins their lists.

use std::borrow::Cow;
use std::collections::{BinaryHeap, HashMap};

use serde::Serialize;

use crate::effective::ContainerEffective;
use crate::fix::FixAvailability;
use crate::model::{EffectiveValue, Finding, FindingLevel, Options};
use crate::pod::{ContainerView, PodView};
use crate::suppress::{Ignore, Suppressed, Suppression};
use crate::yaml::Span;

/// The learner-facing documentation of a check. Text is Markdown, one sentence per line.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Docs {
    /// What the check looks for.
    pub what: &'static str,
    /// Why it matters: what an attacker gains, the blast radius.
    pub why: &'static str,
    /// A manifest (YAML) that triggers the check.
    pub example: &'static str,
    /// The same manifest written so that the check does not trigger.
    pub use_instead: &'static str,
    /// How safe the fix is, and how it may break a workload.
    pub fix_safety: &'static str,
    /// Policy history (PSS versions where it applies, overrides); empty for non-PSS checks unless
    /// Kubernetes versions matter.
    pub policy: &'static str,
    /// References (URLs or document names).
    pub references: &'static [&'static str],
}

impl Docs {
    /// The docs of a build without learner text (see the `docs!` macro).
    pub const NONE: Docs = Docs {
        what: "",
        why: "",
        example: "",
        use_instead: "",
        fix_safety: "",
        policy: "",
        references: &[],
    };
}

/// A check's [`Docs`], written as the struct itself: `docs: crate::rule::docs!(Docs { what: "...",
/// ... })` (a struct literal in parentheses, which rustfmt formats like any code: in a
/// brace-delimited macro it re-indents the lines inside the strings). Without the `learner-text` feature (the playground's build, which fetches the docs as
/// `learner-text.json`, see [`crate::docs::learner_text_json`]) it is [`Docs::NONE`]: the constant
/// is evaluated at compile time and the texts of the branch not taken never reach the binary.
macro_rules! docs {
    ($docs:expr) => {
        if cfg!(feature = "learner-text") {
            $docs
        } else {
            $crate::rule::Docs::NONE
        }
    };
}
pub(crate) use docs;

/// One check.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Check {
    /// The ID: upstream's for PSS checks, kebab-case naming the flagged pattern for ours.
    pub id: &'static str,
    /// The level of its findings.
    pub level: FindingLevel,
    /// One line saying what it flags.
    pub summary: &'static str,
    /// Whether it runs by default (hardening rules may be off by default; all others are on).
    pub default_on: bool,
    /// Whether its findings carry fixes.
    pub fix: FixAvailability,
    /// Documentation.
    pub docs: Docs,
}

/// What every validation and hardening rule sees.
pub(crate) struct Ctx<'p, 'a> {
    /// The pod.
    pub(crate) pod: &'p PodView<'a>,
    /// The effective context of each container, in the pod's container order (may be shorter);
    /// `None` when each is resolved as a rule asks for it, so that a bounded listing never holds
    /// the contexts of every container (see [`crate::analysis::analyze_parts`]).
    pub(crate) effective: Option<&'p [ContainerEffective]>,
    /// The options.
    pub(crate) options: &'p Options,
}

impl<'p, 'a> Ctx<'p, 'a> {
    /// A finding of `check` about `container` (or the pod) at `at`, for the rule to give a fix or
    /// related places and push.
    pub(crate) fn report(
        &self,
        check: &Check,
        message: impl Into<String>,
        container: Option<&str>,
        at: Span,
        path: impl Into<String>,
    ) -> Finding {
        check.finding(message, container, at, path)
    }

    /// One field of the effective context of a container, by its position in `pod.containers`:
    /// from the contexts resolved for the report when there are, else resolved alone.
    pub(crate) fn effective_field(
        &self,
        i: usize,
        field: crate::effective::Field,
    ) -> Option<Cow<'p, EffectiveValue>> {
        match self.effective {
            Some(all) => all.get(i).map(|e| Cow::Borrowed(field.of(e))),
            None => self.pod.containers.get(i).map(|c| {
                Cow::Owned(crate::effective::resolve_field(
                    self.pod,
                    c,
                    self.options,
                    field,
                ))
            }),
        }
    }

    /// Every container with its position.
    pub(crate) fn containers(&self) -> impl Iterator<Item = (usize, &ContainerView<'a>)> {
        self.pod.containers.iter().enumerate()
    }
}

/// Appends every finding an area's rules push for this pod to `out`, uncapped: the body of the
/// areas' public `check` (validation, hardening), which take the pod's parts instead of a [`Ctx`].
pub(crate) fn check_area(
    pod: &PodView<'_>,
    effective: &[ContainerEffective],
    options: &Options,
    out: &mut Vec<Finding>,
    area: fn(&Ctx<'_, '_>, &mut Findings<'_>),
) {
    let ctx = Ctx {
        pod,
        effective: Some(effective),
        options,
    };
    out.extend(Findings::collect(|sink| area(&ctx, sink)));
}

/// A validation or hardening rule: its registry entry and the function that finds what it flags.
pub(crate) struct Rule {
    /// The registry entry.
    pub(crate) check: &'static Check,
    /// Appends the rule's findings.
    pub(crate) run: fn(&Ctx<'_, '_>, &mut Findings<'_>),
}

/// Where the findings of one object go, in the order rules push them.
///
/// A listing keeps at most `cap` findings of one check per container: the first ones in the order
/// the report lists them (level, line, column, then push order), and the next one becomes a notice
/// counting the rest. Only those are held (a bounded max-heap per check and container), so a
/// million-entry capability list costs a counter, not a million findings. Findings an inline
/// ignore covers are set apart first, as [`crate::suppress`] does, and never count.
pub(crate) struct Findings<'i> {
    cap: usize,
    ignores: &'i [Ignore],
    seq: usize,
    /// Every finding kept when there is no cap.
    all: Vec<Finding>,
    groups: Vec<Group>,
    by_key: HashMap<(&'static str, Option<String>), usize>,
    suppressed: Vec<(usize, Suppressed)>,
    /// In a pass of a bounded listing, what takes each finding instead of this sink.
    pass: Option<&'i mut dyn Pass>,
    /// With no cap: at most this many findings are held; past it none is, and `over` counts them
    /// all in one notice (see [`over_budget`]).
    held: usize,
    over: usize,
    /// The first finding past `held` (or the first of all, when the object is known to be past it),
    /// which the notice is made of.
    first_over: Option<Finding>,
    /// Whether the object is known to be past `held` before its first finding (see
    /// [`Findings::past_the_budget`]).
    past: bool,
    /// With no cap: how many findings without a fix are held per check and container, as a
    /// listing holds them (a rewrite reads them only to judge its edits and to say what still
    /// stops an object); `usize::MAX` to hold them all with the others.
    fixless_cap: usize,
    /// The push order of each finding of `all`, when findings without a fix are listed apart.
    all_seq: Vec<usize>,
}

/// What a pass of a bounded listing (see [`crate::analysis::analyze_parts`]) does with each
/// finding of an object, in place of [`Findings`] holding it.
pub(crate) trait Pass {
    /// One finding, with its push order among the object's findings and the inline ignore that
    /// covers it, if one does.
    fn take(&mut self, seq: usize, finding: Finding, ignore: Option<&Ignore>);
}

/// The findings held for one check and container.
struct Group {
    /// How many were pushed.
    count: usize,
    /// The `cap + 1` first in listing order.
    held: BinaryHeap<Held>,
}

/// Where a finding goes in the listing: level, line, column, whether it is a notice (after the
/// findings at the same place), push order.
type Place = (FindingLevel, usize, usize, bool, usize);

/// A finding with its place in the listing.
struct Held {
    order: (FindingLevel, usize, usize, usize),
    finding: Finding,
}

impl PartialEq for Held {
    fn eq(&self, other: &Self) -> bool {
        self.order == other.order
    }
}
impl Eq for Held {}
impl PartialOrd for Held {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Held {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.order.cmp(&other.order)
    }
}

impl<'i> Findings<'i> {
    /// Keeps everything (what the hardening engine reads: each finding may carry a fix).
    pub(crate) fn all() -> Findings<'static> {
        Findings::new(usize::MAX, &[])
    }

    /// Keeps at most `cap` findings of one check per container, and sets apart what `ignores`
    /// cover.
    pub(crate) fn new(cap: usize, ignores: &'i [Ignore]) -> Findings<'i> {
        Findings {
            cap,
            ignores,
            seq: 0,
            all: Vec::new(),
            groups: Vec::new(),
            by_key: HashMap::new(),
            suppressed: Vec::new(),
            pass: None,
            held: usize::MAX,
            over: 0,
            first_over: None,
            past: false,
            fixless_cap: usize::MAX,
            all_seq: Vec::new(),
        }
    }

    /// Keeps every finding with a fix up to `held` of them (what one rewrite fixes in one object,
    /// see [`crate::analysis::MAX_FINDINGS_HARDENED`]), the rest counted in one notice; and those
    /// without a fix as a listing of `fixless_cap` per check and container does.
    pub(crate) fn holding(held: usize, fixless_cap: usize, ignores: &'i [Ignore]) -> Findings<'i> {
        Findings {
            held,
            fixless_cap,
            ..Findings::new(usize::MAX, ignores)
        }
    }

    /// Holds none of the findings with a fix: the object is known to have more than the budget
    /// of [`Findings::holding`], and the notice counts them all.
    pub(crate) fn past_the_budget(&mut self) {
        self.past = true;
    }

    /// Every finding goes to `pass` with its push order and covering ignore; nothing is held.
    pub(crate) fn passing_to(ignores: &'i [Ignore], pass: &'i mut dyn Pass) -> Findings<'i> {
        Findings {
            pass: Some(pass),
            ..Findings::new(usize::MAX, ignores)
        }
    }

    /// Takes one finding.
    pub(crate) fn push(&mut self, finding: Finding) {
        let seq = self.seq;
        self.seq += 1;
        let ignore = self.ignores.iter().find(|i| {
            i.checks.iter().any(|c| c == finding.check)
                && (i.covers.0..=i.covers.1).contains(&finding.line)
        });
        if let Some(pass) = &mut self.pass {
            pass.take(seq, finding, ignore);
            return;
        }
        if let Some(by) = ignore {
            self.suppressed.push((seq, suppressed(finding, by)));
            return;
        }
        let mut cap = self.cap;
        if cap == usize::MAX {
            if finding.fix.is_some() || self.fixless_cap == usize::MAX {
                if self.over == 0 && !self.past && self.all.len() < self.held {
                    self.all.push(finding);
                    if self.fixless_cap != usize::MAX {
                        self.all_seq.push(seq);
                    }
                } else if self.over == 0 {
                    // Past the budget the object is left as it is: what was held goes, and the
                    // notice counts every finding with a fix.
                    self.over = self.all.len() + 1;
                    self.all = Vec::new();
                    self.all_seq = Vec::new();
                    self.first_over = Some(finding);
                } else {
                    self.over += 1;
                }
                return;
            }
            cap = self.fixless_cap;
        }
        let key = (finding.check, finding.container.clone());
        let next = self.groups.len();
        let g = *self.by_key.entry(key).or_insert(next);
        if g == next {
            // Most groups hold one finding: a heap grown by its first push would reserve room
            // for four (a pod of 1,600 containers held 7.8 MB of such room).
            self.groups.push(Group {
                count: 0,
                held: BinaryHeap::with_capacity(1),
            });
        }
        let Some(group) = self.groups.get_mut(g) else {
            return;
        };
        group.count += 1;
        group.held.push(Held {
            order: (finding.level, finding.line, finding.column, seq),
            finding,
        });
        if group.held.len() > cap.saturating_add(1) {
            group.held.pop();
        }
    }

    /// Every finding `push_to` pushes, in push order (for the public stage functions, which
    /// append to a plain list).
    pub(crate) fn collect(push_to: impl FnOnce(&mut Findings<'_>)) -> Vec<Finding> {
        let mut sink = Findings::all();
        push_to(&mut sink);
        sink.all
    }

    /// The listing, sorted by level, line and column (push order among equals), each run past the
    /// cap ending in one notice that counts the rest; and the findings set apart, in the same order.
    pub(crate) fn finish(self) -> (Vec<Finding>, Vec<Suppressed>) {
        let cap = self.cap;
        let key = |f: &Finding, notice: bool, seq: usize| (f.level, f.line, f.column, notice, seq);
        let mut suppressed = self.suppressed;
        crate::order::sort_by(&mut suppressed, |(i, a), (j, b)| {
            key(&a.finding, false, *i).cmp(&key(&b.finding, false, *j))
        });
        let mut set_apart: Vec<Suppressed> = Vec::with_capacity(suppressed.len());
        set_apart.extend(suppressed.into_iter().map(|(_, s)| s));
        if cap == usize::MAX && self.groups.is_empty() {
            // Every finding is kept, in push order: sorted where it is (a stable sort leaves
            // equals in push order), never copied (a pod of 1,600 containers held its 8,000
            // findings three times over while they moved into a sorted list).
            let mut findings = self.all;
            if let Some(first) = self.first_over {
                findings.push(over_budget(first, self.over, self.held));
            }
            crate::order::sort_by(&mut findings, |a, b| {
                (a.level, a.line, a.column).cmp(&(b.level, b.line, b.column))
            });
            findings.shrink_to_fit();
            return (findings, set_apart);
        }
        let mut listed: Vec<(Place, Finding)> = Vec::new();
        // With no cap, the groups hold the findings without a fix (see `fixless_cap`), listed
        // among the others.
        let cap = if cap == usize::MAX {
            listed.extend(
                self.all
                    .into_iter()
                    .zip(self.all_seq)
                    .map(|(f, seq)| (key(&f, false, seq), f)),
            );
            if let Some(first) = self.first_over {
                let notice = over_budget(first, self.over, self.held);
                listed.push((key(&notice, true, self.seq), notice));
            }
            self.fixless_cap
        } else {
            cap
        };
        for group in self.groups {
            let mut held = group.held;
            if group.count > cap
                && let Some(Held { order, finding }) = held.pop()
            {
                let finding = notice(finding, group.count - cap, cap);
                listed.push((key(&finding, true, order.3), finding));
            }
            listed.extend(
                held.into_iter()
                    .map(|h| (key(&h.finding, false, h.order.3), h.finding)),
            );
        }
        crate::order::sort_by(&mut listed, |a, b| a.0.cmp(&b.0));
        // Collected into a list of its own size: `collect` would reuse the sorting buffer, which
        // is larger per element and grew by doubling (2.3 KB more per pod of a `List`, kept for
        // as long as the analysis is).
        let mut findings: Vec<Finding> = Vec::with_capacity(listed.len());
        findings.extend(listed.into_iter().map(|(_, f)| f));
        (findings, set_apart)
    }
}

/// A finding set apart by an inline ignore.
pub(crate) fn suppressed(finding: Finding, by: &Ignore) -> Suppressed {
    Suppressed {
        finding,
        suppression: Suppression {
            reason: by.reason.clone(),
            line: by.line,
        },
    }
}

/// The notice that ends a run of findings of one check past the listing's cap, made of the first
/// finding left out: `more` findings are not listed.
pub(crate) fn notice(mut finding: Finding, more: usize, cap: usize) -> Finding {
    finding.fix = None;
    finding.related = Vec::new();
    finding.message = format!(
        "and {more} more findings of this check here, not listed (podsec lists the first {cap})"
    );
    finding
}

/// How the notice of [`over_budget`] goes on after its count.
const OVER_BUDGET: &str = " findings in this object";

/// The notice that stands for the findings with a fix of an object past the budget of one rewrite,
/// made of the first finding past it (the object's first, when it was counted before any was held:
/// see [`Findings::past_the_budget`]): the object has `more` of them, none is held, and none of
/// their fixes is offered.
pub(crate) fn over_budget(mut finding: Finding, more: usize, held: usize) -> Finding {
    finding.fix = None;
    finding.related = Vec::new();
    finding.message = if held == 0 {
        format!(
            "{more}{OVER_BUDGET} not read: the rewrite of the text already holds the {} edits one rewrite makes (harden the rest of the text on its own)",
            crate::analysis::MAX_FINDINGS_HARDENED
        )
    } else {
        format!(
            "{more}{OVER_BUDGET}, more than the {held} that one rewrite reads of an object (fix it by hand, or split it)"
        )
    };
    finding
}

/// How many findings the notice of [`over_budget`] stands for, if `f` is one.
pub(crate) fn over_budget_count(f: &Finding) -> Option<usize> {
    if !is_over_budget(f) {
        return None;
    }
    let end = f.message.find(|c: char| !c.is_ascii_digit())?;
    f.message.get(..end)?.parse().ok()
}

/// Whether a finding is the notice of [`over_budget`].
pub(crate) fn is_over_budget(f: &Finding) -> bool {
    f.fix.is_none()
        && f.message.starts_with(|c: char| c.is_ascii_digit())
        && f.message
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .starts_with(OVER_BUDGET)
}

impl Check {
    /// A finding of this check.
    pub(crate) fn finding(
        &self,
        message: impl Into<String>,
        container: Option<&str>,
        at: Span,
        path: impl Into<String>,
    ) -> Finding {
        Finding::new(self.id, self.level, message, container, at, path)
    }
}

/// Go's `%q` for a string: double quotes with Go escapes.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => {
                let n = c as u32;
                if n > 0xffff {
                    out.push_str(&format!("\\U{n:08x}"));
                } else {
                    out.push_str(&format!("\\u{n:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::{Findings, go_quote, is_over_budget};
    use crate::model::{Finding, FindingLevel};
    use crate::yaml::Span;

    /// A finding of `check` at `line`.
    fn at_line(check: &'static str, level: FindingLevel, line: usize) -> Finding {
        let at = Span {
            line,
            col: 1,
            ..Span::default()
        };
        Finding::new(check, level, "m", None, at, "p")
    }

    /// A sink told at once that the object is past its budget holds nothing: the notice is made of
    /// the first finding pushed and counts them all.
    #[test]
    fn a_sink_known_past_its_budget_holds_nothing() {
        let mut sink = Findings::holding(3, usize::MAX, &[]);
        sink.past_the_budget();
        for line in [9, 3, 7, 1, 5] {
            sink.push(at_line("x", FindingLevel::Hardening, line));
        }
        let (listed, _) = sink.finish();
        assert_eq!(listed.len(), 1);
        assert!(is_over_budget(&listed[0]));
        assert_eq!(listed[0].line, 9);
        assert_eq!(super::over_budget_count(&listed[0]), Some(5));
    }

    /// A sink holding three findings with a fix, given five, holds none: one notice made of the
    /// fourth counts all five; only the notice reads as one.
    #[test]
    fn past_a_held_budget_one_notice_counts_every_finding_with_a_fix() {
        let mut sink = Findings::holding(3, usize::MAX, &[]);
        for line in [9, 3, 7, 1, 5] {
            sink.push(at_line("x", FindingLevel::Hardening, line));
        }
        let (listed, _) = sink.finish();
        let lines: Vec<usize> = listed.iter().map(|f| f.line).collect();
        assert_eq!(lines, [1], "the notice, at the first one past the budget");
        let notices: Vec<&Finding> = listed.iter().filter(|f| is_over_budget(f)).collect();
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].line, 1);
        assert_eq!(super::over_budget_count(notices[0]), Some(5));
        assert!(
            notices[0]
                .message
                .starts_with("5 findings in this object, more than the 3")
        );
        let mut sink = Findings::holding(0, usize::MAX, &[]);
        sink.push(at_line("x", FindingLevel::Hardening, 1));
        let (listed, _) = sink.finish();
        assert!(
            listed.len() == 1
                && listed[0]
                    .message
                    .starts_with("1 findings in this object not read")
        );
        // Findings without a fix listed apart, two per check and container: the first two by
        // line and a notice counting the other three, among the findings with a fix, all held.
        let mut sink = Findings::holding(usize::MAX, 2, &[]);
        for line in [8, 2, 6, 4, 10] {
            sink.push(at_line("x", FindingLevel::Rejected, line));
        }
        for line in [9, 1, 5] {
            let mut f = at_line("y", FindingLevel::Hardening, line);
            f.fix = Some(crate::fix::Fix::safe("t", Vec::new()));
            sink.push(f);
        }
        let (listed, _) = sink.finish();
        let seen: Vec<(&str, usize)> = listed.iter().map(|f| (f.check, f.line)).collect();
        assert_eq!(
            seen,
            [("x", 2), ("x", 4), ("x", 6), ("y", 1), ("y", 5), ("y", 9)]
        );
        assert!(
            listed[2]
                .message
                .starts_with("and 3 more findings of this check here")
        );
        assert!(!is_over_budget(&listed[2]));
        // A finding that merely starts alike is not a notice.
        let like = Finding::new(
            "x",
            FindingLevel::Hardening,
            "and 2 more findings",
            None,
            Span::default(),
            "p",
        );
        assert!(!is_over_budget(&like));
    }

    #[test]
    fn go_quote_escapes_like_go() {
        assert_eq!(go_quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(go_quote("\u{1}"), "\"\\x01\"");
    }
}
