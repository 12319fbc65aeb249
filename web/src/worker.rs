//! Analysis off the main thread: a dedicated Web Worker (the `podsec-worker` binary, built by Trunk
//! next to the page) runs `podsec::analyze` on large texts, so typing never waits for it.
//!
//! The protocol is plain strings in arrays, posted with `postMessage`:
//! the page sends `[seq, options as JSON, text]`; the worker answers `"ready"` once it listens, then
//! `[seq, analysis as JSON, milliseconds]` per request. The page drops answers whose `seq` is not
//! the latest it sent (see [`Latest`]).

use std::cell::RefCell;
use std::rc::Rc;

use podsec::{Analysis, Options};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// Texts up to this size are analysed on the main thread: for them, analysis plus render stays well
/// under a frame and a round trip through the worker would only add latency.
pub const SYNC_LIMIT: usize = 64 * 1024;

/// The script the page starts the worker from (Trunk's loader shim for `podsec-worker`).
const SCRIPT: &str = "podsec-worker_loader.js";

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

/// The worker's side: listens for requests and answers each with its analysis. Called by the
/// `podsec-worker` binary.
pub fn serve() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply = scope.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let request = js_sys::Array::from(&e.data());
            let seq = request.get(0);
            let options = request.get(1).as_string().unwrap_or_default();
            let text = request.get(2).as_string().unwrap_or_default();
            let started = now(&reply);
            let options: Options = serde_json::from_str(&options).unwrap_or_default();
            let analysis = podsec::analyze(&text, &options);
            let json = serde_json::to_string(&analysis).unwrap_or_default();
            let ms = now(&reply) - started;
            let answer = js_sys::Array::of4(&seq, &json.into(), &ms.into(), &request.get(3));
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

/// An answer from the worker.
#[derive(Debug)]
pub struct Answer {
    /// The request's sequence number.
    pub seq: u32,
    /// The analysis.
    pub analysis: Analysis,
    /// How long the worker took, in milliseconds.
    pub ms: f64,
    /// When the page sent the request (its own clock, milliseconds since page load).
    pub started: f64,
}

/// The page's side: a worker started on first use, with at most one request waiting for it to be
/// ready (newer requests replace older ones).
pub struct Client {
    worker: web_sys::Worker,
    state: Rc<RefCell<ClientState>>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

#[derive(Default)]
struct ClientState {
    ready: bool,
    queued: Option<js_sys::Array>,
}

impl Client {
    /// Starts the worker; `on_answer` receives every answer (stale ones included).
    ///
    /// # Errors
    /// When the browser refuses to start it.
    pub fn start(on_answer: impl Fn(Answer) + 'static) -> Result<Client, String> {
        let worker = web_sys::Worker::new(SCRIPT).map_err(|e| format!("{e:?}"))?;
        let state = Rc::new(RefCell::new(ClientState::default()));
        let on_message = {
            let state = state.clone();
            let worker = worker.clone();
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let data = e.data();
                if data.as_string().as_deref() == Some("ready") {
                    let mut state = state.borrow_mut();
                    state.ready = true;
                    if let Some(request) = state.queued.take() {
                        let _ = worker.post_message(&request);
                    }
                    return;
                }
                let answer = js_sys::Array::from(&data);
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let seq = answer.get(0).as_f64().unwrap_or(0.0) as u32;
                let json = answer.get(1).as_string().unwrap_or_default();
                let ms = answer.get(2).as_f64().unwrap_or(0.0);
                let started = answer.get(3).as_f64().unwrap_or(0.0);
                if let Ok(analysis) = serde_json::from_str::<Analysis>(&json) {
                    on_answer(Answer {
                        seq,
                        analysis,
                        ms,
                        started,
                    });
                }
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Ok(Client {
            worker,
            state,
            _on_message: on_message,
        })
    }

    /// Asks for the analysis of `text` under `options`; `started` comes back with the answer.
    pub fn request(&self, seq: u32, text: &str, options: &Options, started: f64) {
        let options = serde_json::to_string(options).unwrap_or_default();
        let request =
            js_sys::Array::of4(&seq.into(), &options.into(), &text.into(), &started.into());
        let mut state = self.state.borrow_mut();
        if state.ready {
            let _ = self.worker.post_message(&request);
        } else {
            state.queued = Some(request);
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
}
