//! The address bar and the saved draft: the permalink of the text shown, the panel it names, and
//! the draft saved in local storage.

use std::cell::{Cell, RefCell};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::rc::Rc;

use podsec::permalink;

use crate::browser;
use crate::state::{Tab, join_fragment};

/// The link to the text shown, as far as it is known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum LinkState {
    /// Being made.
    #[default]
    Pending,
    /// Made: the fragment (without the panel).
    Ready(String),
    /// Not made, and why.
    Refused(String),
}

/// The page's link: its state, the panel the address bar names, and the last fragment written to
/// the address bar (so that the page tells its own fragments from links the user opens).
#[derive(Clone)]
pub struct Link {
    pub state: Rc<RefCell<LinkState>>,
    pub tab: Rc<RefCell<Tab>>,
    pub written: Rc<RefCell<String>>,
}

impl Link {
    /// Records what making the link gave, and shows it in the address bar.
    pub fn set(&self, made: Result<String, String>) {
        *self.state.borrow_mut() = match made {
            Ok(fragment) => LinkState::Ready(fragment),
            Err(why) => LinkState::Refused(why),
        };
        self.show();
    }

    /// Points the address bar at the link and the panel shown; a text too large for a link leaves
    /// the address bar bare, so that it never holds another text's link.
    pub fn show(&self) {
        let fragment = match &*self.state.borrow() {
            LinkState::Pending => return,
            LinkState::Ready(link) => join_fragment(link, *self.tab.borrow()),
            LinkState::Refused(_) => String::new(),
        };
        browser::replace_fragment(&fragment);
        *self.written.borrow_mut() = fragment;
    }
}

thread_local! {
    /// What the saved draft holds, as a [`fingerprint`]: leaving the page saves the editor's text
    /// only when the draft is behind it.
    static SAVED: Cell<Option<u64>> = const { Cell::new(None) };
}

/// A fingerprint of a draft: its text and options.
fn fingerprint(text: &str, options: &podsec::Options, include_unsafe: bool) -> u64 {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    options.hash(&mut h);
    include_unsafe.hash(&mut h);
    h.finish()
}

/// Saves the draft: the text and its options, in the browser's local storage.
pub fn save_draft(shared: &permalink::Shared) {
    save_encoded_draft(
        &permalink::encode(shared),
        &shared.text,
        &shared.options,
        shared.include_unsafe,
    );
}

/// Saves `encoded`, the encoding of a draft of `text` with these options, as the draft.
pub fn save_encoded_draft(
    encoded: &str,
    text: &str,
    options: &podsec::Options,
    include_unsafe: bool,
) {
    browser::save_draft(encoded);
    SAVED.set(Some(fingerprint(text, options, include_unsafe)));
}

/// Leaving the page: saves `shared` (the editor's text as it is, typed or not yet analysed) as
/// the draft if the draft is behind it, and marks, for this tab only, that the address bar's link
/// is older than the draft. A reload (or a return to the page) then opens the draft, not the
/// link: the last keystrokes before a reload are kept, though the link is made only once typing
/// settles. See [`left_draft_wins`].
pub fn leave(shared: &permalink::Shared) {
    let now = fingerprint(&shared.text, &shared.options, shared.include_unsafe);
    if SAVED.get() != Some(now) {
        save_draft(shared);
    }
    browser::mark_left(&left_mark(&browser::fragment(), now));
}

/// The mark [`leave`] sets: the address bar's fragment and the draft's fingerprint.
fn left_mark(fragment: &str, draft: u64) -> String {
    let mut h = DefaultHasher::new();
    fragment.hash(&mut h);
    format!("{:x} {draft:x}", h.finish())
}

/// Whether the page opens `draft` rather than the link in the address bar (`fragment`): when this
/// tab last left the page with that very fragment and that very draft (see [`leave`]). A link
/// opened in another tab, or a draft saved since by another tab, finds no such mark.
#[must_use]
pub fn left_draft_wins(fragment: &str, draft: &permalink::Shared, mark: Option<&str>) -> bool {
    let fp = fingerprint(&draft.text, &draft.options, draft.include_unsafe);
    mark == Some(left_mark(fragment, fp).as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(text: &str) -> permalink::Shared {
        permalink::Shared {
            text: text.to_string(),
            options: podsec::Options::default(),
            include_unsafe: false,
        }
    }

    #[test]
    fn the_draft_wins_only_where_this_tab_left_it() {
        let left = draft("kind: Pod\n# typed last\n");
        let mark = left_mark(
            "v1:abc~hardened",
            fingerprint(&left.text, &left.options, left.include_unsafe),
        );
        assert!(left_draft_wins("v1:abc~hardened", &left, Some(&mark)));
        // Another link in the address bar, no mark, or a draft saved since by another tab.
        assert!(!left_draft_wins("v1:abd~hardened", &left, Some(&mark)));
        assert!(!left_draft_wins("v1:abc", &left, Some(&mark)));
        assert!(!left_draft_wins("v1:abc~hardened", &left, None));
        assert!(!left_draft_wins(
            "v1:abc~hardened",
            &draft("kind: Pod\n"),
            Some(&mark)
        ));
        let mut other = left.clone();
        other.include_unsafe = true;
        assert!(!left_draft_wins("v1:abc~hardened", &other, Some(&mark)));
        other = left.clone();
        other.options.level = podsec::PssLevel::Baseline;
        assert!(!left_draft_wins("v1:abc~hardened", &other, Some(&mark)));
    }
}
