//! Work off the main thread: a dedicated module Web Worker runs `podsec::analyze` and
//! `podsec::harden` on large texts, so typing never waits for them. The worker runs the page's own
//! wasm: `web/assets/podsec-worker.js` imports the JavaScript and wasm files the page loaded (named
//! in its first message) and calls the `worker_serve` export, which is [`serve`].
//!
//! The protocol is arrays posted with `postMessage`: the page sends
//! `[seq, job, options, text, started]`; the worker answers `"ready"` once it listens, then
//! `[seq, job, result, milliseconds, started]` per request. The options cross in a link's encoding
//! (see [`LinkOptions::to_js`]), the results as structured data shaped like their JSON (see
//! [`to_js`]), the link as its string. Each job has its own sequence
//! numbers, and the page drops answers whose `seq` is not the latest it sent for that job (see
//! [`Latest`]).
//!
//! The worker runs one job at a time and cannot be interrupted, so the page feeds it through a
//! [`Queue`]: one job at a time, at most one request per job waiting (a newer one replaces it), the
//! analysis first, and a job whose answer is no longer wanted abandoned by restarting the worker.
//!
//! A worker that cannot start, fails to load its code, dies, or answers something the page cannot
//! read is reported once, with the reason, through the client's `on_failure`; the page then does
//! the work itself and says so, so nothing waits forever.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use podsec::{Analysis, Applicability, HardenOptions, Hardened, Options};
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::Closure;

/// Texts up to this size are analysed on the main thread: for them, analysis plus render stays
/// well under a frame and a round trip through the worker would only add latency.
pub const SYNC_LIMIT: usize = 64 * 1024;

/// Texts up to this size are hardened on the main thread. Hardening analyses the text again in
/// each of its rounds and judges every edit, so it costs several analyses: the 39 KB pod that sets
/// every field (`kubernetes-api/testdata__HEAD__core.v1.Pod.yaml`) takes 30-40 ms through the
/// native CLI with `--unsafe` (its check, under 10 ms), and some four times that in the page's
/// size-optimised build: too long between two keystrokes.
pub const HARDEN_SYNC_LIMIT: usize = 16 * 1024;

/// The script the page starts the worker from (`web/assets/podsec-worker.js`).
const SCRIPT: &str = "podsec-worker.js";

/// The worker's first message: the page's own hashed JavaScript and wasm files (from the
/// `modulepreload` and `preload` links Trunk writes into the page), which the worker loads.
fn load_message() -> Result<js_sys::Array, String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("there is no document")?;
    let href = |selector: &str| {
        document
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|l| l.get_attribute("href"))
            .ok_or_else(|| format!("the page has no `{selector}` link"))
    };
    let js = href("link[rel=modulepreload][href$='.js']")?;
    let wasm = href("link[href$='.wasm']")?;
    Ok(["load", js.as_str(), wasm.as_str()]
        .into_iter()
        .map(wasm_bindgen::JsValue::from)
        .collect())
}

/// How long the worker may take to say it is ready before the page gives up on it. Loading and
/// compiling its code takes well under a second; a worker whose code fails to load never says
/// anything and raises no error on the page's side, so silence is the only sign.
const READY_TIMEOUT_MS: u32 = 5_000;

/// What the worker is asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    /// `podsec::analyze`, with `Options`.
    Analyze,
    /// `podsec::harden`, with `HardenOptions`.
    Harden,
    /// `podsec::permalink::encode`, with [`LinkOptions`]; answers the fragment itself.
    Link,
}

/// Everything a permalink holds besides the text; what every job is asked with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkOptions {
    /// The analysis options.
    pub options: Options,
    /// Whether the hardened view includes unsafe edits.
    pub include_unsafe: bool,
}

impl LinkOptions {
    /// The options as they cross to the worker: a link to an empty text. Links are encoded and
    /// decoded on both sides anyway, so the wasm holds no serde code for the options; and the
    /// encoding is exact for whatever options the page holds, since its controls and the links it
    /// opens set nothing a link cannot carry.
    #[must_use]
    pub fn to_js(&self) -> JsValue {
        JsValue::from(self.encode())
    }

    fn encode(&self) -> String {
        podsec::permalink::encode(&podsec::permalink::Shared {
            text: String::new(),
            options: self.options.clone(),
            include_unsafe: self.include_unsafe,
        })
    }

    /// Reads [`LinkOptions::to_js`]'s string: the defaults if it is not one.
    fn decode(encoded: &str) -> LinkOptions {
        podsec::permalink::decode(encoded).map_or_else(
            |_| LinkOptions::default(),
            |shared| LinkOptions {
                options: shared.options,
                include_unsafe: shared.include_unsafe,
            },
        )
    }

    /// The rewrite's options: safe edits, and unsafe ones if asked for (manual fixes are never
    /// applied).
    fn harden(self) -> HardenOptions {
        HardenOptions {
            analysis: self.options,
            threshold: if self.include_unsafe {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            },
        }
    }
}

impl From<&HardenOptions> for LinkOptions {
    fn from(options: &HardenOptions) -> LinkOptions {
        LinkOptions {
            options: options.analysis.clone(),
            include_unsafe: options.threshold != Applicability::Safe,
        }
    }
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

/// How results cross from the worker to the page: as JavaScript values shaped like their JSON
/// (plain objects, `null` for nothing), which `postMessage` clones natively, so neither side needs
/// a JSON parser in the wasm. Integers go as `BigInt`: a YAML integer (a
/// `runAsUser`, say) may exceed the 2^53 a JavaScript number holds exactly.
const CROSSING: serde_wasm_bindgen::Serializer =
    serde_wasm_bindgen::Serializer::json_compatible().serialize_large_number_types_as_bigints(true);

/// `value` as a JavaScript value to post (`undefined` if it cannot be one, which the other side
/// rejects).
pub fn to_js<T: serde::Serialize + ?Sized>(value: &T) -> JsValue {
    value.serialize(&CROSSING).unwrap_or(JsValue::UNDEFINED)
}

/// Reads back a value made by [`to_js`]; `None` if it has another shape.
pub fn from_js<T: serde::de::DeserializeOwned>(value: JsValue) -> Option<T> {
    serde_wasm_bindgen::from_value(value).ok()
}

/// Runs one job: its options and text in, its result out (see [`to_js`]; a link is its string).
/// What the worker does with a request, kept apart from the message plumbing.
#[must_use]
pub fn run(job: Job, options: LinkOptions, text: &str) -> JsValue {
    match job {
        Job::Analyze => to_js(&podsec::analyze(text, &options.options)),
        Job::Harden => to_js(&podsec::harden(text, &options.harden())),
        Job::Link => link(options, text).into(),
    }
}

/// The answer to [`Job::Link`]: the fragment, or why no link was made after `REFUSED`.
#[must_use]
pub fn link(link: LinkOptions, text: &str) -> String {
    let made = podsec::permalink::link(&podsec::permalink::Shared {
        text: text.to_string(),
        options: link.options,
        include_unsafe: link.include_unsafe,
    });
    // A fragment never starts with `!`: it marks why no link was made.
    made.unwrap_or_else(|e| format!("{REFUSED}{e}"))
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

/// The worker's side: listens for requests and answers each. Called by `podsec-worker.js` through
/// the page's `worker_serve` export.
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
            let text = request.get(3).as_string().unwrap_or_default();
            let started = now(&reply);
            let options = LinkOptions::decode(&request.get(2).as_string().unwrap_or_default());
            let result = run(job, options, &text);
            let ms = now(&reply) - started;
            let answer = js_sys::Array::new();
            answer.push(&request.get(0));
            answer.push(&job.as_str().into());
            answer.push(&result);
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
    /// The answer to [`Job::Link`]: the fragment, or why no link was made.
    Link(Result<String, String>),
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

/// Marks the answer to [`Job::Link`] when no link was made: the reason follows.
const REFUSED: char = '!';

/// Reads an answer's result back.
fn decode(job: Job, result: JsValue) -> Option<Output> {
    match job {
        Job::Analyze => from_js(result).map(Output::Analysis),
        Job::Harden => from_js(result).map(Output::Hardened),
        Job::Link => result.as_string().map(|s| Output::Link(read_link(&s))),
    }
}

/// Reads [`link`]'s answer: the fragment, or why no link was made.
fn read_link(answer: &str) -> Result<String, String> {
    match answer.strip_prefix(REFUSED) {
        Some(why) => Err(why.to_string()),
        None => Ok(answer.to_string()),
    }
}

/// The order in which waiting jobs go to the worker: the analysis first (the user waits for it),
/// then the link (the address bar), then the rewrite.
const PRIORITY: [Job; 3] = [Job::Analyze, Job::Link, Job::Harden];

/// Which jobs wait for the worker and which one it runs: the page side's bookkeeping, kept apart
/// from the browser so it is tested natively.
///
/// The worker runs one job at a time and cannot be interrupted, so the page hands it one job at a
/// time: at most one request per job waits (a newer one replaces it), the analysis goes first,
/// and a job whose answer nobody wants any more (a newer request for the same job was made, or
/// the job was cancelled) is abandoned by restarting the worker once it has run for longer than
/// a restart costs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Queue<R> {
    /// The newest request per job (by [`Job::index`]), if it has not gone to the worker yet.
    waiting: [Option<(u32, R)>; 3],
    /// The newest sequence number per job whose answer is wanted (0: none).
    wanted: [u32; 3],
    /// The job the worker runs: which, its sequence number and when it was sent (milliseconds).
    running: Option<(Job, u32, f64)>,
}

/// What the page should do next with the worker.
#[derive(Debug, PartialEq)]
pub enum Step<R> {
    /// Nothing: the worker is busy with a wanted job, or there is nothing to send.
    Wait,
    /// Send this request now.
    Send(Job, u32, R),
    /// The running job is unwanted and something waits: restart the worker (after this many more
    /// milliseconds, if it has not answered by then).
    Restart(f64),
}

impl<R> Queue<R> {
    /// Records a request; it replaces any request of the same job still waiting.
    pub fn push(&mut self, job: Job, seq: u32, request: R) {
        let i = job.index();
        if let (Some(slot), Some(wanted)) = (self.waiting.get_mut(i), self.wanted.get_mut(i)) {
            *slot = Some((seq, request));
            *wanted = seq;
        }
    }

    /// Drops a waiting request of `job` and stops wanting its answer.
    pub fn cancel(&mut self, job: Job) {
        let i = job.index();
        if let (Some(slot), Some(wanted)) = (self.waiting.get_mut(i), self.wanted.get_mut(i)) {
            *slot = None;
            *wanted = 0;
        }
    }

    /// The worker answered `job`'s `seq`; returns whether the answer is still wanted.
    pub fn answered(&mut self, job: Job, seq: u32) -> bool {
        if self.running.is_some_and(|(j, s, _)| j == job && s == seq) {
            self.running = None;
        }
        self.wanted.get(job.index()) == Some(&seq)
    }

    /// The worker was restarted: whatever it ran is gone.
    pub fn restarted(&mut self) {
        self.running = None;
    }

    /// Whether a request waits for the worker.
    #[must_use]
    pub fn has_waiting(&self) -> bool {
        self.waiting.iter().any(Option::is_some)
    }

    /// The next step at time `now`, for a worker that is `ready` and restarts in about
    /// `restart_ms`.
    pub fn next(&mut self, ready: bool, now: f64, restart_ms: f64) -> Step<R> {
        if let Some((job, seq, since)) = self.running {
            let wanted = self.wanted.get(job.index()) == Some(&seq);
            if wanted || !self.has_waiting() {
                return Step::Wait;
            }
            return Step::Restart((restart_ms - (now - since)).max(0.0));
        }
        if !ready {
            return Step::Wait;
        }
        for job in PRIORITY {
            if let Some((seq, request)) = self.waiting.get_mut(job.index()).and_then(Option::take) {
                self.running = Some((job, seq, now));
                return Step::Send(job, seq, request);
            }
        }
        Step::Wait
    }
}

/// The page's side: a worker started on first use and fed by a [`Queue`].
pub struct Client {
    inner: Rc<Inner>,
}

struct Inner {
    state: RefCell<ClientState>,
    on_answer: Box<dyn Fn(Answer)>,
    on_failure: Box<dyn Fn(String)>,
}

#[derive(Default)]
struct ClientState {
    worker: Option<web_sys::Worker>,
    /// The worker's handlers, kept alive as long as it.
    handlers: Option<Handlers>,
    ready: bool,
    failed: bool,
    queue: Queue<js_sys::Array>,
    /// When the current worker was started, and how long the last start took to say it is ready.
    started: f64,
    restart_ms: f64,
    /// How many times the worker was restarted to abandon an unwanted job.
    restarts: u32,
    /// Gives up on a worker that never says it is ready.
    watchdog: Option<Timeout>,
    /// Looks at the running job again once a restart would pay off.
    recheck: Option<Timeout>,
}

struct Handlers {
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

/// A restart is assumed to cost this much until one has been measured.
const DEFAULT_RESTART_MS: f64 = 300.0;

impl Inner {
    /// Marks the client failed and tells the page why, once.
    fn fail(&self, why: String) {
        {
            let mut state = self.state.borrow_mut();
            if state.failed {
                return;
            }
            state.failed = true;
            state.queue = Queue::default();
            state.watchdog = None;
            state.recheck = None;
            if let Some(worker) = state.worker.take() {
                worker.terminate();
            }
        }
        (self.on_failure)(why);
    }

    /// Does what the queue says next.
    fn pump(self: &Rc<Self>) {
        let step = {
            let mut state = self.state.borrow_mut();
            if state.failed {
                return;
            }
            let ready = state.ready;
            let restart_ms = state.restart_ms;
            state.queue.next(ready, crate::browser::now(), restart_ms)
        };
        match step {
            Step::Wait => {}
            Step::Send(_, _, request) => {
                let state = self.state.borrow();
                if let Some(worker) = &state.worker {
                    let _ = worker.post_message(&request);
                }
            }
            Step::Restart(after) if after <= 0.0 => {
                self.state.borrow_mut().restarts += 1;
                if let Err(why) = self.launch() {
                    self.fail(why);
                }
            }
            Step::Restart(after) => {
                let weak = Rc::downgrade(self);
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let ms = after.ceil() as u32;
                let timeout = Timeout::new(ms, move || {
                    if let Some(inner) = weak.upgrade() {
                        inner.pump();
                    }
                });
                self.state.borrow_mut().recheck = Some(timeout);
            }
        }
    }

    /// Starts a worker (terminating the previous one): requests wait until it says it is ready.
    fn launch(self: &Rc<Self>) -> Result<(), String> {
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let load = load_message()?;
        let worker =
            web_sys::Worker::new_with_options(SCRIPT, &options).map_err(|e| format!("{e:?}"))?;
        // Queued until the worker's script has run and listens.
        worker.post_message(&load).map_err(|e| format!("{e:?}"))?;
        let on_message = {
            let weak = Rc::downgrade(self);
            let me = worker.clone();
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                if let Some(inner) = weak.upgrade() {
                    inner.receive(&me, &e.data());
                }
            })
        };
        let on_error = {
            let weak = Rc::downgrade(self);
            Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
                e.prevent_default();
                let why = e
                    .dyn_ref::<web_sys::ErrorEvent>()
                    .map(web_sys::ErrorEvent::message)
                    .filter(|m| !m.is_empty())
                    .unwrap_or_else(|| format!("it raised an error ({})", e.type_()));
                if let Some(inner) = weak.upgrade() {
                    inner.fail(why);
                }
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        worker.set_onmessageerror(Some(on_error.as_ref().unchecked_ref()));
        let watchdog = {
            let weak = Rc::downgrade(self);
            Timeout::new(READY_TIMEOUT_MS, move || {
                if let Some(inner) = weak.upgrade()
                    && !inner.state.borrow().ready
                {
                    inner.fail("it did not start".to_string());
                }
            })
        };
        let mut state = self.state.borrow_mut();
        if let Some(old) = state.worker.replace(worker) {
            old.terminate();
        }
        state.handlers = Some(Handlers {
            _on_message: on_message,
            _on_error: on_error,
        });
        state.ready = false;
        state.started = crate::browser::now();
        state.queue.restarted();
        state.recheck = None;
        state.watchdog = Some(watchdog);
        Ok(())
    }

    /// A message from `from` (answers from a worker since replaced are ignored).
    fn receive(self: &Rc<Self>, from: &web_sys::Worker, data: &wasm_bindgen::JsValue) {
        {
            let mut state = self.state.borrow_mut();
            if state.failed || state.worker.as_ref() != Some(from) {
                return;
            }
            if data.as_string().as_deref() == Some("ready") {
                state.ready = true;
                state.watchdog = None;
                state.restart_ms = crate::browser::now() - state.started;
            }
        }
        if data.is_array() {
            let answer = js_sys::Array::from(data);
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let seq = answer.get(0).as_f64().unwrap_or(0.0) as u32;
            let Some(job) = answer.get(1).as_string().as_deref().and_then(Job::parse) else {
                self.fail("it answered something the page does not understand".to_string());
                return;
            };
            let wanted = self.state.borrow_mut().queue.answered(job, seq);
            if wanted {
                let decoding = crate::browser::now();
                let Some(output) = decode(job, answer.get(2)) else {
                    self.fail(format!(
                        "its answer to the {} job could not be read",
                        job.as_str()
                    ));
                    return;
                };
                (self.on_answer)(Answer {
                    seq,
                    output,
                    ms: answer.get(3).as_f64().unwrap_or(0.0),
                    decode_ms: crate::browser::now() - decoding,
                    started: answer.get(4).as_f64().unwrap_or(0.0),
                });
            }
        }
        self.pump();
    }
}

impl Client {
    /// Starts the worker. `on_answer` receives the answers still wanted; `on_failure` is called
    /// once, with the reason, if the worker cannot do its work (it failed to load, never became
    /// ready, raised an error, or answered something unreadable), after which requests are
    /// ignored.
    ///
    /// # Errors
    /// When the browser refuses to start it.
    pub fn start(
        on_answer: impl Fn(Answer) + 'static,
        on_failure: impl Fn(String) + 'static,
    ) -> Result<Client, String> {
        let inner = Rc::new(Inner {
            state: RefCell::new(ClientState {
                restart_ms: DEFAULT_RESTART_MS,
                ..ClientState::default()
            }),
            on_answer: Box::new(on_answer),
            on_failure: Box::new(on_failure),
        });
        inner.launch()?;
        Ok(Client { inner })
    }

    /// Whether the worker has failed (see [`Client::start`]).
    #[must_use]
    pub fn failed(&self) -> bool {
        self.inner.state.borrow().failed
    }

    /// How many times the worker was restarted to abandon an unwanted job.
    #[must_use]
    pub fn restarts(&self) -> u32 {
        self.inner.state.borrow().restarts
    }

    /// Asks for `job` on `text` under `options` (made by [`LinkOptions::to_js`]); `started` comes
    /// back with the answer. A request of the same job still waiting is replaced.
    pub fn request(&self, job: Job, seq: u32, text: &JsValue, options: &JsValue, started: f64) {
        let request = js_sys::Array::new();
        request.push(&seq.into());
        request.push(&job.as_str().into());
        request.push(options);
        request.push(text);
        request.push(&started.into());
        {
            let mut state = self.inner.state.borrow_mut();
            if state.failed {
                return;
            }
            state.queue.push(job, seq, request);
        }
        self.inner.pump();
    }

    /// Stops wanting `job`'s answer: a waiting request is dropped, and a running one may be
    /// abandoned.
    pub fn cancel(&self, job: Job) {
        self.inner.state.borrow_mut().queue.cancel(job);
        self.inner.pump();
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let mut state = self.inner.state.borrow_mut();
        state.watchdog = None;
        state.recheck = None;
        if let Some(worker) = state.worker.take() {
            worker.terminate();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use podsec::PssLevel;

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

    /// A link's options that differ from the defaults.
    pub(super) fn baseline_unsafe() -> LinkOptions {
        LinkOptions {
            options: Options {
                level: PssLevel::Baseline,
                ..Options::default()
            },
            include_unsafe: true,
        }
    }

    #[test]
    fn a_link_made_in_the_worker_opens_to_the_same_state() {
        let options = baseline_unsafe();
        let text = podsec::examples::SEED.yaml;
        let answer = link(options.clone(), text);
        let Ok(fragment) = read_link(&answer) else {
            panic!("not a link: {answer}");
        };
        let shared = podsec::permalink::decode(&fragment).unwrap();
        assert_eq!(shared.text, text);
        assert_eq!(shared.options, options.options);
        assert!(shared.include_unsafe);
    }

    #[test]
    fn options_cross_unchanged() {
        let mut link = baseline_unsafe();
        link.options.kube_minor = Some(30);
        link.options.namespace = Some("team a".to_string());
        link.options.username = Some("system:serviceaccount:ci:deployer".to_string());
        link.options.admission_config =
            Some("apiVersion: v1\nkind: PodSecurityConfiguration\n  # 100% = &\n".to_string());
        assert_eq!(LinkOptions::decode(&link.encode()), link);
        assert_eq!(LinkOptions::decode("not a link"), LinkOptions::default());
        for threshold in [Applicability::Safe, Applicability::Unsafe] {
            let options = HardenOptions {
                analysis: link.options.clone(),
                threshold,
            };
            assert_eq!(LinkOptions::from(&options).harden(), options);
        }
    }

    #[test]
    fn one_job_at_a_time_the_analysis_first_and_newer_requests_replace_waiting_ones() {
        let mut q = Queue::default();
        assert_eq!(q.next(false, 0.0, 100.0), Step::Wait);
        q.push(Job::Harden, 1, "h1");
        q.push(Job::Link, 1, "l1");
        q.push(Job::Analyze, 1, "a1");
        q.push(Job::Analyze, 2, "a2");
        // Not ready: nothing goes out.
        assert_eq!(q.next(false, 0.0, 100.0), Step::Wait);
        assert_eq!(q.next(true, 0.0, 100.0), Step::Send(Job::Analyze, 2, "a2"));
        // One job at a time.
        assert_eq!(q.next(true, 1.0, 100.0), Step::Wait);
        assert!(q.answered(Job::Analyze, 2));
        assert_eq!(q.next(true, 2.0, 100.0), Step::Send(Job::Link, 1, "l1"));
        assert!(q.answered(Job::Link, 1));
        assert_eq!(q.next(true, 3.0, 100.0), Step::Send(Job::Harden, 1, "h1"));
        assert!(q.answered(Job::Harden, 1));
        assert_eq!(q.next(true, 4.0, 100.0), Step::Wait);
        // The replaced request never went out, and an answer to it would not be wanted.
        assert!(!q.answered(Job::Analyze, 1));
    }

    #[test]
    fn a_wanted_running_job_is_waited_for() {
        let mut q = Queue::default();
        q.push(Job::Harden, 1, "h1");
        assert_eq!(q.next(true, 0.0, 100.0), Step::Send(Job::Harden, 1, "h1"));
        q.push(Job::Analyze, 1, "a1");
        assert_eq!(q.next(true, 5_000.0, 100.0), Step::Wait);
        assert!(q.answered(Job::Harden, 1));
        assert_eq!(
            q.next(true, 5_001.0, 100.0),
            Step::Send(Job::Analyze, 1, "a1")
        );
    }

    #[test]
    fn an_unwanted_running_job_is_abandoned_once_a_restart_pays_off() {
        let mut q = Queue::default();
        q.push(Job::Harden, 1, "h1");
        assert_eq!(q.next(true, 0.0, 100.0), Step::Send(Job::Harden, 1, "h1"));
        // The text changed: a new analysis and a new rewrite are asked for.
        q.push(Job::Analyze, 1, "a1");
        q.push(Job::Harden, 2, "h2");
        assert_eq!(q.next(true, 30.0, 100.0), Step::Restart(70.0));
        assert_eq!(q.next(true, 100.0, 100.0), Step::Restart(0.0));
        q.restarted();
        // The new worker is not ready yet; once it is, the analysis goes first.
        assert_eq!(q.next(false, 101.0, 100.0), Step::Wait);
        assert_eq!(
            q.next(true, 150.0, 100.0),
            Step::Send(Job::Analyze, 1, "a1")
        );
        assert!(q.answered(Job::Analyze, 1));
        assert_eq!(q.next(true, 160.0, 100.0), Step::Send(Job::Harden, 2, "h2"));
        // An answer from the abandoned job would not be wanted.
        assert!(!q.answered(Job::Harden, 1));
    }

    #[test]
    fn a_cancelled_job_is_not_sent_and_its_running_answer_is_not_wanted() {
        let mut q = Queue::default();
        q.push(Job::Harden, 1, "h1");
        assert_eq!(q.next(true, 0.0, 100.0), Step::Send(Job::Harden, 1, "h1"));
        q.push(Job::Harden, 2, "h2");
        q.cancel(Job::Harden);
        // Nothing waits, so the unwanted job is left to finish.
        assert!(!q.has_waiting());
        assert_eq!(q.next(true, 1_000.0, 100.0), Step::Wait);
        q.push(Job::Analyze, 1, "a1");
        assert_eq!(q.next(true, 1_000.0, 100.0), Step::Restart(0.0));
        assert!(!q.answered(Job::Harden, 1));
        assert_eq!(
            q.next(true, 1_001.0, 100.0),
            Step::Send(Job::Analyze, 1, "a1")
        );
    }

    #[test]
    fn a_text_too_large_for_a_link_gets_the_reason_instead() {
        let text = "a".repeat(podsec::permalink::MAX_PAYLOAD);
        let answer = link(LinkOptions::default(), &text);
        let Err(why) = read_link(&answer) else {
            panic!("a link was made: {} characters", answer.len());
        };
        assert!(
            why.starts_with("this text is too large to share as a link (8.4 MB; the limit is"),
            "{why}"
        );
    }
}

/// The crossing itself, which needs JavaScript: `cargo xtask test wasm-test`.
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use super::*;
    use podsec::PssLevel;
    use wasm_bindgen_test::wasm_bindgen_test;

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    /// What the page read back when the answer crossed as JSON text.
    fn through_json<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) -> T {
        serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap()
    }

    /// A pod with an integer beyond 2^53 (kept exactly) and findings with fixes.
    const LARGE_ID: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: big
spec:
  securityContext:
    runAsUser: 9007199254740993
  containers:
    - name: app
      image: app:1
      securityContext:
        privileged: true
";

    #[wasm_bindgen_test]
    fn a_job_run_in_the_worker_reads_back_as_the_json_crossing_did() {
        for text in [podsec::examples::SEED.yaml, LARGE_ID] {
            let link = super::tests::baseline_unsafe();
            let result = run(Job::Analyze, link.clone(), text);
            let Some(Output::Analysis(analysis)) = decode(Job::Analyze, result) else {
                panic!("not an analysis");
            };
            let here = podsec::analyze(text, &link.options);
            assert_eq!(analysis.level, PssLevel::Baseline);
            assert!(!analysis.objects[0].findings.is_empty());
            assert_eq!(analysis, through_json(&here));

            let options = HardenOptions {
                analysis: link.options.clone(),
                threshold: Applicability::Unsafe,
            };
            let result = run(Job::Harden, link, text);
            let Some(Output::Hardened(hardened)) = decode(Job::Harden, result) else {
                panic!("not a rewrite");
            };
            assert_eq!(hardened, podsec::harden(text, &options));
            assert!(hardened.changed);
        }
    }

    #[wasm_bindgen_test]
    fn an_answer_of_the_wrong_shape_is_dropped() {
        let result = run(Job::Analyze, LinkOptions::default(), "kind: Pod\n");
        assert!(decode(Job::Harden, result.clone()).is_none());
        assert!(decode(Job::Link, result).is_none());
        assert!(decode(Job::Analyze, JsValue::from_str("not an analysis")).is_none());
        assert!(decode(Job::Analyze, JsValue::UNDEFINED).is_none());
    }
}
