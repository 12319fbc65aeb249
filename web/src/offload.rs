//! The page's side of the Web Worker (see `worker` for the protocol): the newest request and
//! whether it is in flight, per job; the latest answers; and whether the worker still works.

use std::cell::RefCell;
use std::ops::{Index, IndexMut};
use std::rc::Rc;

use podsec::{HardenOptions, permalink};
use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::address::{Link, save_draft, save_encoded_draft};
use crate::browser;
use crate::results::{Derived, HardenedFor};
use crate::state::Text;
use crate::worker::{Answer, Client, Job, Latest, LinkOptions, Output};

/// One `T` per job, indexed by the job.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PerJob<T> {
    analyze: T,
    harden: T,
    link: T,
}

impl<T> Index<Job> for PerJob<T> {
    type Output = T;

    fn index(&self, job: Job) -> &T {
        match job {
            Job::Analyze => &self.analyze,
            Job::Harden => &self.harden,
            Job::Link => &self.link,
        }
    }
}

impl<T> IndexMut<Job> for PerJob<T> {
    fn index_mut(&mut self, job: Job) -> &mut T {
        match job {
            Job::Analyze => &mut self.analyze,
            Job::Harden => &mut self.harden,
            Job::Link => &mut self.link,
        }
    }
}

/// A request's sequence number and the text it was about.
type Requested = (u32, Rc<str>);

/// The page's handles on work done by the worker: the client, the newest request per job, the
/// latest answers, whether each job is in flight, and whether the worker still works.
#[derive(Clone)]
pub struct Offload {
    client: Rc<RefCell<Option<Client>>>,
    latest: Rc<RefCell<PerJob<Latest>>>,
    /// The newest analysis the worker answered, until the text is small enough for the page.
    pub analysis: UseStateHandle<Option<Rc<Derived>>>,
    /// The newest rewrite the worker answered.
    pub hardened: UseStateHandle<Option<Rc<HardenedFor>>>,
    /// Whether each job is in flight (a link's never shows).
    pub busy: PerJob<UseStateHandle<bool>>,
    /// Whether the worker still works (else the page does everything).
    pub worker_ok: UseStateHandle<bool>,
    /// Why the worker stopped working, once it has.
    pub worker_error: UseStateHandle<Option<String>>,
    /// How long the newest analysis took, on the page or in the worker (the debounce grows with
    /// it).
    pub last_ms: Rc<RefCell<f64>>,
    link: Link,
    /// The sequence number and text of the newest rewrite requested.
    hardening: Rc<RefCell<Option<Requested>>>,
    /// The state of the newest link requested, whose answer is saved as the draft.
    linking: Rc<RefCell<Option<(Text, LinkOptions)>>>,
}

impl Offload {
    /// Makes any answer in flight for `job` stale and stops waiting for it.
    pub fn cancel(&self, job: Job) {
        let mut latest = self.latest.borrow_mut();
        let seq = latest[job].send();
        latest[job].accept(seq);
        if job != Job::Link {
            self.busy[job].set(false);
        }
        if let Some(client) = self.client.borrow().as_ref() {
            client.cancel(job);
        }
    }

    /// Sends `job` to the worker, starting it on first use, and returns its sequence number. If
    /// the worker cannot be started, the page does the work itself from the next render on.
    pub fn request(&self, job: Job, text: &JsValue, options: &JsValue) -> Option<u32> {
        if self.client.borrow().is_none() {
            let on_answer = {
                let this = self.clone();
                move |answer: Answer| this.receive(answer)
            };
            let on_failure = {
                let this = self.clone();
                move |why: String| {
                    for job in Job::ALL {
                        this.busy[job].set(false);
                    }
                    this.worker_error.set(Some(why));
                    this.worker_ok.set(false);
                }
            };
            match Client::start(on_answer, on_failure) {
                Ok(c) => *self.client.borrow_mut() = Some(c),
                Err(why) => {
                    // No worker (a locked-down browser): work here after all.
                    self.worker_error
                        .set(Some(format!("it could not be started ({why})")));
                    self.worker_ok.set(false);
                    return None;
                }
            }
        }
        let seq = self.latest.borrow_mut()[job].send();
        let client = self.client.borrow();
        let c = client.as_ref()?;
        // Nothing shows that a link is being made: its state would only render the page again.
        if job != Job::Link {
            self.busy[job].set(true);
        }
        c.request(job, seq, text, options, browser::now());
        Some(seq)
    }

    /// Starts the worker if it is not running yet, so that a large text just pasted does not
    /// wait for it to load once the edit settles.
    pub fn warm(&self) {
        if self.client.borrow().is_none() && *self.worker_ok {
            // The smallest request starts it; its answer is not wanted.
            self.request(
                Job::Link,
                &JsValue::from_str(""),
                &LinkOptions::default().to_js(),
            );
            self.cancel(Job::Link);
        }
    }

    /// Sends the analysis of `text` to the worker.
    pub fn analyze(&self, text: &Text, options: &podsec::Options) {
        let options = LinkOptions {
            options: options.clone(),
            include_unsafe: false,
        };
        self.request(
            Job::Analyze,
            &crate::code::js_text(text.rc()),
            &options.to_js(),
        );
    }

    /// Sends the hardening of `text` to the worker, remembering the text for the answer.
    pub fn harden(&self, text: &Text, options: &HardenOptions) {
        let options = LinkOptions::from(options).to_js();
        if let Some(seq) = self.request(Job::Harden, &crate::code::js_text(text.rc()), &options) {
            *self.hardening.borrow_mut() = Some((seq, text.rc().clone()));
        }
    }

    /// Sends the encoding of the shared state to the worker.
    pub fn link(&self, text: &Text, options: LinkOptions) {
        let js = options.to_js();
        *self.linking.borrow_mut() = Some((text.clone(), options));
        self.request(Job::Link, &crate::code::js_text(text.rc()), &js);
    }

    /// Shows an answer if it is the newest for its job.
    pub fn receive(&self, answer: Answer) {
        match answer.output {
            Output::Analysis(analysis) => {
                if !self.latest.borrow_mut()[Job::Analyze].accept(answer.seq) {
                    return;
                }
                *self.last_ms.borrow_mut() = answer.ms;
                self.busy[Job::Analyze].set(false);
                self.analysis.set(Some(Rc::new(Derived {
                    analysis,
                    started: answer.started,
                    ms: answer.ms,
                    decode_ms: answer.decode_ms,
                    in_worker: true,
                })));
            }
            Output::Link(made) => {
                if !self.latest.borrow_mut()[Job::Link].accept(answer.seq) {
                    return;
                }
                // The link is the draft's encoding too: saving it spares the page compressing a
                // large text itself, which would block typing. A text too large for a link is
                // encoded here after all.
                let linking = self.linking.borrow_mut().take();
                match (&made, linking) {
                    (Ok(fragment), Some((text, options))) => save_encoded_draft(
                        fragment,
                        &text,
                        &options.options,
                        options.include_unsafe,
                    ),
                    (Err(_), Some((text, options))) => save_draft(&permalink::Shared {
                        text: text.to_string(),
                        options: options.options,
                        include_unsafe: options.include_unsafe,
                    }),
                    (Ok(fragment), None) => browser::save_draft(fragment),
                    (Err(_), None) => {}
                }
                self.link.set(made);
            }
            Output::Hardened(hardened) => {
                if !self.latest.borrow_mut()[Job::Harden].accept(answer.seq) {
                    return;
                }
                let Some((seq, original)) = self.hardening.borrow_mut().take() else {
                    return;
                };
                if seq != answer.seq {
                    return;
                }
                self.busy[Job::Harden].set(false);
                self.hardened.set(Some(Rc::new(HardenedFor {
                    original,
                    hardened,
                    ms: answer.ms,
                })));
            }
        }
    }
}

/// The page's handles on the worker, kept across renders. `last_ms` is shared with the page's own
/// analyses (the debounce grows with it) and `link` with the address bar.
#[hook]
pub fn use_offload(link: Link, last_ms: Rc<RefCell<f64>>) -> Offload {
    Offload {
        client: use_mut_ref(|| None),
        latest: use_mut_ref(PerJob::default),
        analysis: use_state(|| None),
        hardened: use_state(|| None),
        busy: PerJob {
            analyze: use_state_eq(|| false),
            harden: use_state_eq(|| false),
            link: use_state_eq(|| false),
        },
        worker_ok: use_state_eq(|| true),
        worker_error: use_state_eq(|| None),
        last_ms,
        link,
        hardening: use_mut_ref(|| None),
        linking: use_mut_ref(|| None),
    }
}
