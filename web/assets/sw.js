// The podsec service worker: the site works offline after the first visit.
//
// The page registers `sw.js?v=<hashed wasm name>`, so every deployment (new hashed asset names)
// installs a new worker with a cache of its own; once it activates, the caches of older versions
// are deleted. Pages load network-first (a new deployment is picked up as soon as it is online)
// and fall back to the cache; hashed assets are immutable and served cache-first. Only same-origin
// GET requests are handled; the app makes no others.

const VERSION = new URL(self.location.href).searchParams.get('v') || 'dev';
const PREFIX = 'podsec-';
const CACHE = PREFIX + VERSION;
// The analysis worker's script (it runs the page's own wasm, which the page links), the rich
// editor's module (codemirror.js, loaded after the first result) and the learner's texts
// (learner-text.json, fetched when docs are first shown) are named at run time (Trunk does not hash
// them or link them from the page), so they are listed here: the site works offline after the
// first visit even where those were never used.
const EXTRA = [
  'manifest.json', 'icons/icon.svg', 'icons/icon-192.png', 'icons/icon-512.png',
  'podsec-worker.js', 'codemirror.js', 'learner-text.json',
];

/**
 * Same-origin URLs the page at `./` refers to through `href` and `src` attributes, plus EXTRA,
 * without duplicates (`Cache.addAll` refuses them).
 */
function assetsOf(html) {
  const urls = new Set();
  const found = [...html.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((m) => m[1]);
  for (const href of [...found, ...EXTRA]) {
    const url = new URL(href, self.registration.scope);
    if (url.origin === self.location.origin) urls.add(url.pathname);
  }
  return [...urls];
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const page = await fetch('./', { cache: 'no-store' });
    if (!page.ok) throw new Error(`cannot fetch the page: ${page.status}`);
    const html = await page.clone().text();
    await cache.put('./', page);
    await cache.addAll(assetsOf(html));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith((async () => {
      try {
        return await fetch(request);
      } catch (error) {
        const cache = await caches.open(CACHE);
        return (await cache.match('./')) ?? Response.error();
      }
    })());
    return;
  }
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(request, { ignoreSearch: true });
    if (hit) return hit;
    const response = await fetch(request);
    if (response.ok && !url.pathname.endsWith('/sw.js')) await cache.put(request, response.clone());
    return response;
  })());
});
