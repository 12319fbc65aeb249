//! The podsec playground: a Yew app that runs `podsec::analyze` in the browser as the user types.
//!
//! `state` holds the inputs and a pure `update`; `app` derives everything else and renders it with
//! `editor` and `panels` (docs through `markdown`); `browser` wraps the few browser services used.

pub mod address;
pub mod app;
pub mod browser;
pub mod code;
pub mod derive;
pub mod disclosure;
pub mod editor;
pub mod learner;
pub mod lessons;
pub mod markdown;
pub mod namespaces;
pub mod offload;
pub mod panels;
pub mod results;
pub mod state;
pub mod worker;
