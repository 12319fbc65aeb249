//! What the page shows, computed on the page or by the worker: an analysis and a hardened
//! rewrite, each with how long it took.

use std::rc::Rc;

use podsec::{Analysis, Hardened};

/// An analysis and how long it took.
#[derive(Debug, PartialEq)]
pub struct Derived {
    /// The analysis.
    pub analysis: Analysis,
    /// When it started (milliseconds since page load).
    pub started: f64,
    /// How long it took, in milliseconds.
    pub ms: f64,
    /// How long the page took to read a worker's answer back, in milliseconds (0 when computed
    /// on the page).
    pub decode_ms: f64,
    /// Whether the worker computed it.
    pub in_worker: bool,
}

/// A hardened rewrite and the text it rewrote (which, while the worker works on a newer text, is
/// not the editor's).
#[derive(Debug, PartialEq)]
pub struct HardenedFor {
    /// The text it rewrote.
    pub original: Rc<str>,
    /// The rewrite.
    pub hardened: Hardened,
    /// How long it took, in milliseconds.
    pub ms: f64,
}

/// An `Rc` compared by address: the same analysis or rewrite, not an equal one.
pub struct ByPtr<T>(pub Rc<T>);

impl<T> Clone for ByPtr<T> {
    fn clone(&self) -> Self {
        ByPtr(self.0.clone())
    }
}

impl<T> PartialEq for ByPtr<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
