//! The address bar and the saved draft: the permalink of the text shown, the panel it names, and
//! the draft saved in local storage.

use std::cell::RefCell;
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

/// Saves the draft: the text and its options, in the browser's local storage.
pub fn save_draft(shared: &permalink::Shared) {
    browser::save_draft(&permalink::encode(shared));
}
