//! Guided lessons: a track from running as non-root to Pod Security Admission, as data.
//!
//! Each [`Lesson`] has a title, an explanation, a starting manifest, goals, hints in the order they
//! unlock, and a "what you learned" with links to checks (registry IDs) and glossary entries
//! (field names). A goal is a function of the learner's [`Attempt`]: it reads the core's own
//! analysis (effective context, Pod Security Standards verdicts, findings) and the decoded objects,
//! never the text as text.
//!
//! [`check`] judges a text against a lesson and returns [`Progress`], plain data for the shells.
//! Every goal also needs the starting workloads to be there still, with the same containers running
//! the same image, command and args: emptying the text, deleting the workload or swapping the image
//! never passes.

/// A lesson's prose (explanation, what you learned): with the `learner-text` feature the text,
/// without it (the playground's wasm, which fetches it as `learner-text.json`, see
/// [`crate::docs::learner_text_json`]) empty, so the text never reaches that binary.
macro_rules! learner_text {
    ($text:expr) => {
        if cfg!(feature = "learner-text") {
            $text
        } else {
            ""
        }
    };
}

/// A lesson's hints, as [`learner_text!`] does: without the feature each is empty, so that their
/// number stays.
macro_rules! hints {
    ($($hint:expr),* $(,)?) => {
        if cfg!(feature = "learner-text") {
            &[$($hint),*]
        } else {
            &[$(hints!(@empty $hint)),*]
        }
    };
    (@empty $hint:expr) => {
        ""
    };
}

mod attempt;
mod capabilities;
mod containerd_vs_crio;
mod fs_group;
mod harden_deployment;
mod host_path;
mod inheritance;
mod privilege_escalation;
mod privileged_host;
mod pss_levels;
mod pss_versions;
mod read_only_root;
mod run_as_non_root;
mod seccomp;

use serde::{Deserialize, Serialize};

pub use attempt::{Attempt, Container, Workload};

/// Whether a goal holds, and why (in either case).
pub type Outcome = Result<String, String>;

/// One goal of a lesson.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Goal {
    /// What to achieve, in one sentence.
    pub text: &'static str,
    /// The test: `Ok(why it holds)` or `Err(why it does not)`.
    #[serde(skip)]
    pub test: fn(&Attempt) -> Outcome,
}

/// One lesson. Texts are Markdown, one sentence per line.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Lesson {
    /// A stable identifier (kebab-case), for links and saved progress.
    pub id: &'static str,
    /// The title.
    pub title: &'static str,
    /// What the lesson is about: the idea, before the exercise.
    pub explanation: &'static str,
    /// The manifest the learner starts from.
    pub start: &'static str,
    /// What to achieve; all must hold.
    pub goals: &'static [Goal],
    /// Hints, in the order they unlock (show the first `n` after `n` requests).
    pub hints: &'static [&'static str],
    /// What the learner should take away, shown on success.
    pub learned: &'static str,
    /// Check IDs of the registry ([`crate::check::find`]) this lesson is about.
    pub checks: &'static [&'static str],
    /// Glossary entries ([`crate::glossary::lookup`]) this lesson is about.
    pub glossary: &'static [&'static str],
}

/// Every lesson, in the order of the track (lesson N is `all()[N - 1]`).
pub const LESSONS: &[Lesson] = &[
    run_as_non_root::LESSON,
    privilege_escalation::LESSON,
    read_only_root::LESSON,
    capabilities::LESSON,
    seccomp::LESSON,
    fs_group::LESSON,
    inheritance::LESSON,
    privileged_host::LESSON,
    host_path::LESSON,
    pss_versions::LESSON,
    pss_levels::LESSON,
    containerd_vs_crio::LESSON,
    harden_deployment::LESSON,
];

/// Every lesson, in the order of the track.
#[must_use]
pub fn all() -> &'static [Lesson] {
    LESSONS
}

/// A lesson by its ID.
#[must_use]
pub fn find(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

/// A lesson by its 1-based number in the track.
#[must_use]
pub fn by_number(n: usize) -> Option<&'static Lesson> {
    n.checked_sub(1).and_then(|i| LESSONS.get(i))
}

/// The 1-based number of a lesson in the track.
#[must_use]
pub fn number(id: &str) -> Option<usize> {
    LESSONS.iter().position(|l| l.id == id).map(|i| i + 1)
}

/// The result of one goal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalResult {
    /// The goal, as the lesson states it.
    pub text: String,
    /// Whether it holds.
    pub met: bool,
    /// Why it holds or does not, from the analysis.
    pub why: String,
}

/// How far an attempt is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The lesson's ID.
    pub lesson: String,
    /// Whether every goal holds.
    pub done: bool,
    /// The first goal is always "keep the workload"; then the lesson's own goals, in order.
    pub goals: Vec<GoalResult>,
}

/// The goal every lesson has first.
pub const KEEP_GOAL: &str =
    "Keep the workload: the same objects and containers, running the same image, command and args";

/// Judges a text against a lesson by its ID; `None` when there is no such lesson.
#[must_use]
pub fn check(id: &str, text: &str) -> Option<Progress> {
    find(id).map(|l| l.check(text))
}

impl Lesson {
    /// Judges a text against this lesson.
    #[must_use]
    pub fn check(&self, text: &str) -> Progress {
        let attempt = Attempt::new(text);
        let keep = attempt.keeps(&Attempt::new(self.start));
        let mut goals = vec![GoalResult {
            text: KEEP_GOAL.to_string(),
            met: keep.is_ok(),
            why: match &keep {
                Ok(why) | Err(why) => why.clone(),
            },
        }];
        for goal in self.goals {
            let outcome = match &keep {
                Ok(_) => (goal.test)(&attempt),
                Err(_) => Err("not judged until the workload is back as it was".to_string()),
            };
            goals.push(GoalResult {
                text: goal.text.to_string(),
                met: outcome.is_ok(),
                why: match outcome {
                    Ok(why) | Err(why) => why,
                },
            });
        }
        Progress {
            lesson: self.id.to_string(),
            done: goals.iter().all(|g| g.met),
            goals,
        }
    }
}
