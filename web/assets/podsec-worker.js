// The playground's Web Worker (a module worker; see web/src/worker.rs). It runs the page's own
// build: the page's first message names the JavaScript and wasm files it loaded itself
// (`["load", js, wasm]`), so the browser (and the service worker's cache) serves them once for
// both. The wasm's start function renders the app only where there is a window; here it does
// nothing, and `worker_serve` listens for the page's requests and says "ready".

/** A same-origin URL, or an error. */
function own(href) {
  const url = new URL(String(href ?? ''), self.location.href);
  if (url.origin !== self.location.origin) {
    throw new Error(`podsec-worker.js: ${url.href} is not on this site`);
  }
  return url.href;
}

self.addEventListener('message', async (event) => {
  const [what, js, wasm] = Array.isArray(event.data) ? event.data : [];
  if (what !== 'load') throw new Error('podsec-worker.js: the first message must name the files to load');
  const bindings = await import(own(js));
  await bindings.default({ module_or_path: own(wasm) });
  bindings.worker_serve();
}, { once: true });
