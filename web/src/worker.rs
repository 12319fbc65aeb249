//! Work off the main thread: a dedicated Web Worker (the `podsec-worker` binary, built by Trunk
//! next to the page) runs `podsec::analyze` and `podsec::harden` on large texts, so typing never
//! waits for them.
//!
//! The protocol is plain strings in arrays, posted with `postMessage`: the page sends
//! `[seq, job, options as JSON, text, started]`; the worker answers `"ready"` once it listens, then
//! `[seq, job, result as JSON, milliseconds, started]` per request. Each job has its own sequence
//! numbers, and the page drops answers whose `seq` is not the latest it sent for that job (see
//! [`Latest`]).
//!
//! A worker that cannot start, fails to load its code, or dies is reported once through the
//! client's `on_failure`; the page then does the work itself, so nothing waits forever.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use podsec::{Analysis, HardenOptions, Hardened, Options};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// Texts up to this size are analysed on the main thread: for them, analysis plus render stays
/// well under a frame and a round trip through the worker would only add latency.
pub const SYNC_LIMIT: usize = 64 * 1024;

/// Texts up to this size are hardened on the main thread. Hardening re-reads the text after every
/// edit, so its cost grows with size times edits: a 39 KB manifest that sets every field takes
/// 0.25 s natively and several times that in the page's size-optimised build.
pub const HARDEN_SYNC_LIMIT: usize = 16 * 1024;

/// The script the page starts the worker from (Trunk's loader shim for `podsec-worker`).
const SCRIPT: &str = "podsec-worker_loader.js";

/// How long the worker may take to say it is ready before the page gives up on it. Loading and
/// compiling its code takes well under a second; a worker whose code fails to load never says
/// anything and raises no error on the page's side, so silence is the only sign.
const READY_TIMEOUT_MS: u32 = 5_000;

/// What the worker is asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    /// `podsec::analyze`, with `Options` as JSON.
    Analyze,
    /// `podsec::harden`, with `HardenOptions` as JSON.
    Harden,
    /// `podsec::permalink::encode`, with [`LinkOptions`] as JSON; answers the fragment itself.
    Link,
}

/// Everything a permalink holds besides the text.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkOptions {
    /// The analysis options.
    pub options: Options,
    /// Whether the hardened view includes unsafe edits.
    pub include_unsafe: bool,
}

impl Job {
    /// Both jobs.
    pub const ALL: [Job; 3] = [Job::Analyze, Job::Harden, Job::Link];

    /// Its name in messages.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Job::Analyze => "analyze",
            Job::Harden => "harden",
            Job::Link => "link",
        }
    }

    /// Parses [`Job::as_str`]'s spelling.
    #[must_use]
    pub fn parse(s: &str) -> Option<Job> {
        Job::ALL.into_iter().find(|j| j.as_str() == s)
    }

    /// Its position in [`Job::ALL`].
    #[must_use]
    pub fn index(self) -> usize {
        match self {
            Job::Analyze => 0,
            Job::Harden => 1,
            Job::Link => 2,
        }
    }
}

/// Runs one job: its options and text in, its result out (JSON, or the fragment of a link). What the worker does with a
/// request, kept apart from the message plumbing so it is tested natively.
#[must_use]
pub fn run(job: Job, options: &str, text: &str) -> String {
    match job {
        Job::Analyze => {
            let options: Options = serde_json::from_str(options).unwrap_or_default();
            serde_json::to_string(&podsec::analyze(text, &options)).unwrap_or_default()
        }
        Job::Harden => {
            let options: HardenOptions = serde_json::from_str(options).unwrap_or_default();
            serde_json::to_string(&podsec::harden(text, &options)).unwrap_or_default()
        }
        Job::Link => {
            let link: LinkOptions = serde_json::from_str(options).unwrap_or_default();
            podsec::permalink::encode(&podsec::permalink::Shared {
                text: text.to_string(),
                options: link.options,
                include_unsafe: link.include_unsafe,
            })
        }
    }
}

/// Which answer the page is waiting for: every request gets the next sequence number, and only
/// the answer to the newest request is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Latest {
    /// The newest request sent (0: none yet).
    pub sent: u32,
    /// The newest answer accepted (0: none yet).
    pub received: u32,
}

impl Latest {
    /// Records a new request and returns its sequence number.
    pub fn send(&mut self) -> u32 {
        self.sent = self.sent.wrapping_add(1).max(1);
        self.sent
    }

    /// Whether the answer to `seq` is current; if so, it is recorded as received.
    pub fn accept(&mut self, seq: u32) -> bool {
        if seq == self.sent {
            self.received = seq;
            true
        } else {
            false
        }
    }

    /// Whether an answer is still awaited.
    #[must_use]
    pub fn pending(&self) -> bool {
        self.received != self.sent
    }
}

/// The worker's side: listens for requests and answers each. Called by the `podsec-worker`
/// binary.
pub fn serve() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply = scope.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let request = js_sys::Array::from(&e.data());
            let job = request.get(1).as_string();
            let Some(job) = job.as_deref().and_then(Job::parse) else {
                return;
            };
            let options = request.get(2).as_string().unwrap_or_default();
            let text = request.get(3).as_string().unwrap_or_default();
            let started = now(&reply);
            let json = run(job, &options, &text);
            let ms = now(&reply) - started;
            let answer = js_sys::Array::new();
            answer.push(&request.get(0));
            answer.push(&job.as_str().into());
            answer.push(&json.into());
            answer.push(&ms.into());
            answer.push(&request.get(4));
            let _ = reply.post_message(&answer);
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&"ready".into());
}

fn now(scope: &web_sys::DedicatedWorkerGlobalScope) -> f64 {
    js_sys::Reflect::get(scope, &"performance".into())
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map_or(0.0, |p| p.now())
}

/// What the worker computed.
#[derive(Debug)]
pub enum Output {
    /// The answer to [`Job::Analyze`].
    Analysis(Analysis),
    /// The answer to [`Job::Harden`].
    Hardened(Hardened),
    /// The answer to [`Job::Link`]: the fragment.
    Link(String),
}

/// An answer from the worker.
#[derive(Debug)]
pub struct Answer {
    /// The request's sequence number (per job).
    pub seq: u32,
    /// The result.
    pub output: Output,
    /// How long the worker took, in milliseconds.
    pub ms: f64,
    /// How long the page took to read the result back, in milliseconds.
    pub decode_ms: f64,
    /// When the page sent the request (its own clock, milliseconds since page load).
    pub started: f64,
}

/// Reads an answer's result back.
fn decode(job: Job, json: &str) -> Option<Output> {
    match job {
        Job::Analyze => serde_json::from_str(json).ok().map(Output::Analysis),
        Job::Harden => serde_json::from_str(json).ok().map(Output::Hardened),
        Job::Link => Some(Output::Link(json.to_string())),
    }
}

/// The page's side: a worker started on first use, with at most one request per job waiting for
/// it to be ready (newer requests replace older ones).
pub struct Client {
    worker: web_sys::Worker,
    state: Rc<RefCell<ClientState>>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

#[derive(Default)]
struct ClientState {
    ready: bool,
    failed: bool,
    queued: [Option<js_sys::Array>; 3],
    /// Gives up on a worker that never says it is ready.
    watchdog: Option<Timeout>,
}

/// Marks the client failed and tells the page, once.
fn fail(state: &Rc<RefCell<ClientState>>, on_failure: &Rc<dyn Fn()>) {
    {
        let mut state = state.borrow_mut();
        if state.failed {
            return;
        }
        state.failed = true;
        state.queued = [None, None, None];
        state.watchdog = None;
    }
    on_failure();
}

impl Client {
    /// Starts the worker. `on_answer` receives every answer (stale ones included); `on_failure` is
    /// called once if the worker cannot do its work (it failed to load, never became ready, or
    /// raised an error), after which requests are ignored.
    ///
    /// # Errors
    /// When the browser refuses to start it.
    pub fn start(
        on_answer: impl Fn(Answer) + 'static,
        on_failure: impl Fn() + 'static,
    ) -> Result<Client, String> {
        let worker = web_sys::Worker::new(SCRIPT).map_err(|e| format!("{e:?}"))?;
        let state = Rc::new(RefCell::new(ClientState::default()));
        let on_failure: Rc<dyn Fn()> = Rc::new(on_failure);
        let on_message = {
            let state = state.clone();
            let worker = worker.clone();
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let data = e.data();
                if data.as_string().as_deref() == Some("ready") {
                    let mut state = state.borrow_mut();
                    state.ready = true;
                    state.watchdog = None;
                    for request in state.queued.iter_mut().filter_map(Option::take) {
                        let _ = worker.post_message(&request);
                    }
                    return;
                }
                let answer = js_sys::Array::from(&data);
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let seq = answer.get(0).as_f64().unwrap_or(0.0) as u32;
                let Some(job) = answer.get(1).as_string().as_deref().and_then(Job::parse) else {
                    return;
                };
                let json = answer.get(2).as_string().unwrap_or_default();
                let ms = answer.get(3).as_f64().unwrap_or(0.0);
                let started = answer.get(4).as_f64().unwrap_or(0.0);
                let decoding = crate::browser::now();
                if let Some(output) = decode(job, &json) {
                    on_answer(Answer {
                        seq,
                        output,
                        ms,
                        decode_ms: crate::browser::now() - decoding,
                        started,
                    });
                }
            })
        };
        let on_error = {
            let state = state.clone();
            let on_failure = on_failure.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
                e.prevent_default();
                fail(&state, &on_failure);
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        worker.set_onmessageerror(Some(on_error.as_ref().unchecked_ref()));
        let watchdog = {
            let state = state.clone();
            Timeout::new(READY_TIMEOUT_MS, move || {
                if !state.borrow().ready {
                    fail(&state, &on_failure);
                }
            })
        };
        state.borrow_mut().watchdog = Some(watchdog);
        Ok(Client {
            worker,
            state,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Whether the worker has failed (see [`Client::start`]).
    #[must_use]
    pub fn failed(&self) -> bool {
        self.state.borrow().failed
    }

    /// Asks for `job` on `text` under `options` (as JSON); `started` comes back with the answer.
    pub fn request(&self, job: Job, seq: u32, text: &str, options: &str, started: f64) {
        let request = js_sys::Array::new();
        request.push(&seq.into());
        request.push(&job.as_str().into());
        request.push(&options.into());
        request.push(&text.into());
        request.push(&started.into());
        let mut state = self.state.borrow_mut();
        if state.failed {
            return;
        }
        if state.ready {
            let _ = self.worker.post_message(&request);
        } else if let Some(slot) = state.queued.get_mut(job.index()) {
            *slot = Some(request);
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use podsec::{Applicability, PssLevel};

    #[test]
    fn only_the_newest_answer_is_accepted() {
        let mut latest = Latest::default();
        assert!(!latest.pending());
        let first = latest.send();
        let second = latest.send();
        assert!(latest.pending());
        assert!(!latest.accept(first));
        assert!(latest.pending());
        assert!(latest.accept(second));
        assert!(!latest.pending());
    }

    #[test]
    fn jobs_parse_their_own_names() {
        for job in Job::ALL {
            assert_eq!(Job::parse(job.as_str()), Some(job));
        }
        assert_eq!(Job::parse("lint"), None);
    }

    #[test]
    fn a_job_run_in_the_worker_reads_back_as_what_the_page_would_compute() {
        let text = podsec::examples::SEED.yaml;
        let options = Options {
            level: PssLevel::Baseline,
            ..Options::default()
        };
        let json = run(
            Job::Analyze,
            &serde_json::to_string(&options).unwrap(),
            text,
        );
        let Some(Output::Analysis(analysis)) = decode(Job::Analyze, &json) else {
            panic!("not an analysis: {json}");
        };
        let here = podsec::analyze(text, &options);
        assert_eq!(analysis.level, PssLevel::Baseline);
        assert_eq!(analysis.objects.len(), here.objects.len());
        assert_eq!(
            analysis.objects[0].findings.len(),
            here.objects[0].findings.len()
        );

        let options = HardenOptions {
            analysis: options,
            threshold: Applicability::Unsafe,
        };
        let json = run(Job::Harden, &serde_json::to_string(&options).unwrap(), text);
        let Some(Output::Hardened(hardened)) = decode(Job::Harden, &json) else {
            panic!("not a rewrite: {json}");
        };
        assert_eq!(hardened, podsec::harden(text, &options));
        assert!(hardened.changed);
    }

    #[test]
    fn a_link_made_in_the_worker_opens_to_the_same_state() {
        let link = LinkOptions {
            options: Options {
                level: PssLevel::Baseline,
                ..Options::default()
            },
            include_unsafe: true,
        };
        let text = podsec::examples::SEED.yaml;
        let json = run(Job::Link, &serde_json::to_string(&link).unwrap(), text);
        let Some(Output::Link(fragment)) = decode(Job::Link, &json) else {
            panic!("not a link: {json}");
        };
        let shared = podsec::permalink::decode(&fragment).unwrap();
        assert_eq!(shared.text, text);
        assert_eq!(shared.options, link.options);
        assert!(shared.include_unsafe);
    }

    #[test]
    fn an_answer_of_the_wrong_shape_is_dropped() {
        let json = run(Job::Analyze, "{}", "kind: Pod\n");
        assert!(decode(Job::Harden, &json).is_none());
        assert!(decode(Job::Analyze, "not json").is_none());
    }
}
