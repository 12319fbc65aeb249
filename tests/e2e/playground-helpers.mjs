// Helpers shared by the playground and permalink end-to-end tests.

import { plainEditor } from './harness.mjs';

/**
 * A fresh context (own storage, clipboard allowed) with the site open and the errors recorded, in
 * the plain editor unless `rich` is set. The page is `width` pixels wide, emulated; with `window`
 * set, it is instead the browser window's own size (see WINDOW in harness.mjs), which timing needs:
 * under an emulated viewport, headless Chromium sometimes draws a frame without showing it.
 */
export async function openFresh(env, url = env.url, { rich = false, width = 1280, window = false } = {}) {
  const context = await env.browser.newContext({
    permissions: ['clipboard-read', 'clipboard-write'],
    viewport: window ? null : { width, height: 900 },
  });
  if (!rich) await plainEditor(context);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(url);
  await page.waitForSelector(rich ? '.cm-content#manifest' : 'textarea#manifest');
  return { context, page, errors };
}

/** Loads a gallery example and waits until the analysis shows it. */
export async function loadExample(page, id) {
  // Start from a different text, so that loading always changes something.
  await setText(page, `# before ${id}\n`);
  const before = await page.evaluate(() => document.querySelector('.status').dataset.analyses);
  await page.selectOption('#example', id);
  await page.waitForFunction(
    (b) => document.querySelector('.status').dataset.analyses !== b,
    before,
  );
}

/** Replaces the editor's text (one input event) and waits for the new analysis. */
export async function setText(page, text) {
  const before = await page.evaluate(() => document.querySelector('.status').dataset.analyses);
  await page.fill('#manifest', text);
  await page.waitForFunction(
    (b) => document.querySelector('.status').dataset.analyses !== b,
    before,
  );
}

/** Resolves once the page is controlled by the service worker. */
export async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 15000 });
}

/** Pastes `text` (one input event) and waits until its analysis is shown and nothing is pending. */
export async function pasteAndSettle(page, text, timeout = 30000) {
  const before = await page.evaluate(() => document.querySelector('.status').dataset.analyses);
  await page.evaluate((t) => {
    const area = document.querySelector('textarea#manifest');
    area.value = t;
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
  await page.waitForFunction((b) => {
    const status = document.querySelector('.status');
    return status.dataset.analyses !== b && status.getAttribute('aria-busy') === 'false';
  }, before, { timeout });
}
