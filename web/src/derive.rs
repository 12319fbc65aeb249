//! The page's derived state: the analysis and the hardened rewrite shown, computed on the page
//! for small texts and by the worker (through [`Offload`]) for large ones, never stored in the
//! model.

use std::cell::RefCell;
use std::rc::Rc;

use podsec::{Applicability, HardenOptions, permalink};
use yew::prelude::*;

use crate::address::save_draft;
use crate::browser;
use crate::offload::Offload;
use crate::results::{Derived, HardenedFor};
use crate::state::{Model, Tab};
use crate::worker::{HARDEN_SYNC_LIMIT, Job, SYNC_LIMIT};

/// Runs the page's own analysis or rewrite of a text, with a mark in local storage while it runs:
/// if it never returns (a crash, a tab killed for its memory), the next visit sees the mark and
/// does not run it again by itself (see `app::boot`).
fn guarded<T>(work: impl FnOnce() -> T) -> T {
    browser::set_analysing(true);
    let result = work();
    browser::set_analysing(false);
    result
}

/// The analysis to show: the page's own for a small text (the draft saved first), the worker's
/// for a large one (`offloaded`), else the last the page made while the worker works.
#[hook]
pub fn use_analysis(model: &Model, offload_state: &Offload, offloaded: bool) -> Rc<Derived> {
    let paused = model.paused;
    let last_ms = offload_state.last_ms.clone();
    let last_sync: Rc<RefCell<Option<Rc<Derived>>>> = use_mut_ref(|| None);
    let sync = {
        let last_ms = last_ms.clone();
        let last_sync = last_sync.clone();
        let include_unsafe = model.include_unsafe;
        use_memo(
            (model.text.clone(), model.options.clone(), offloaded, paused),
            move |(text, options, offloaded, paused)| {
                (!offloaded && !paused).then(|| {
                    // The draft is saved before the analysis, so that a text that stops the page
                    // is not lost, and is recognised on the next visit.
                    if text.len() <= SYNC_LIMIT {
                        save_draft(&permalink::Shared {
                            text: text.to_string(),
                            options: options.clone(),
                            include_unsafe,
                        });
                    }
                    let started = browser::now();
                    let analysis = guarded(|| podsec::analyze(text, options));
                    let ms = browser::now() - started;
                    *last_ms.borrow_mut() = ms;
                    let derived = Rc::new(Derived {
                        analysis,
                        started,
                        ms,
                        decode_ms: 0.0,
                        in_worker: false,
                    });
                    *last_sync.borrow_mut() = Some(derived.clone());
                    derived
                })
            },
        )
    };
    {
        let offload = offload_state.clone();
        use_effect_with(
            (model.text.clone(), model.options.clone(), offloaded),
            move |(text, options, offloaded)| {
                if *offloaded {
                    offload.analyze(text, options);
                } else {
                    offload.cancel(Job::Analyze);
                    if offload.analysis.is_some() {
                        offload.analysis.set(None);
                    }
                }
            },
        );
    }
    let shown = (*sync)
        .clone()
        .or_else(|| (*offload_state.analysis).clone())
        .or_else(|| last_sync.borrow().clone());
    match shown {
        Some(d) => d,
        None => Rc::new(Derived {
            analysis: podsec::analyze("", &model.options),
            started: browser::now(),
            ms: 0.0,
            decode_ms: 0.0,
            in_worker: false,
        }),
    }
}

/// The hardened rewrite to show, made only while its panel is showing: by the page for a text up
/// to [`HARDEN_SYNC_LIMIT`], by the worker for a larger one.
#[hook]
pub fn use_hardened(model: &Model, offload_state: &Offload) -> Option<Rc<HardenedFor>> {
    let paused = model.paused;
    let worker_ok = offload_state.worker_ok.clone();
    let harden_options = HardenOptions {
        analysis: model.options.clone(),
        threshold: if model.include_unsafe {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        },
    };
    let harden_key = (
        model.text.clone(),
        harden_options,
        model.tab == Tab::Hardened && !paused,
        model.text.len() > HARDEN_SYNC_LIMIT && *worker_ok,
    );
    let hardened_sync: Rc<Option<Rc<HardenedFor>>> =
        use_memo(harden_key.clone(), |(text, options, shown, offloaded)| {
            (*shown && !offloaded).then(|| {
                let started = browser::now();
                let hardened = guarded(|| podsec::harden(text, options));
                Rc::new(HardenedFor {
                    original: text.rc().clone(),
                    hardened,
                    ms: browser::now() - started,
                })
            })
        });
    {
        let offload = offload_state.clone();
        use_effect_with(harden_key, move |(text, options, shown, offloaded)| {
            if *shown && *offloaded {
                offload.harden(text, options);
            } else {
                offload.cancel(Job::Harden);
            }
        });
    }
    (*hardened_sync)
        .clone()
        .or_else(|| (*offload_state.hardened).clone())
}
