//! The podsec playground: a Yew app that runs `podsec::analyze` in the browser as the user types.
//!
//! `state` holds the inputs and a pure `update`; `app` derives everything else and renders it.

pub mod app;
pub mod state;
