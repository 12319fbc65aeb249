// Shared set-up for the end-to-end tests: Debian's Chromium through playwright-core, and dist/.
//
// playwright-core never downloads a browser; we point it at /usr/bin/chromium.

import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './server.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = join(ROOT, 'dist');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * The browser window's size. Pages opened without an emulated viewport (`viewport: null`) get it,
 * less the window's frame: 1280 by 813 CSS pixels. The timing tests use such pages: with
 * Playwright's emulated viewport (a device-metrics override), headless Chromium's display now and
 * then skips drawing a frame the page has produced (a trace shows `Display::DrawAndSwap` with
 * "Draw skipped"), so Event Timing counts a keystroke until some later frame is shown: one
 * keystroke in five after a paste of the Argo CD install read 176-552 ms, while the page had
 * produced its frame in 20-40 ms. In the window's own size the same keystrokes read 16-40 ms.
 */
export const WINDOW = { width: 1280, height: 900 };

const ARGS = [
  `--window-size=${WINDOW.width},${WINDOW.height}`,
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Starts the static server and a headless Chromium (with a fresh temporary profile).
 * Resolves to `{ url, browser, close }`.
 */
export async function start() {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(`${DIST}/index.html is missing: run \`cargo xtask dist\` first`);
  }
  const site = await serve(DIST);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  return {
    url: site.url,
    browser,
    close: async () => {
      await browser.close();
      await site.close();
    },
  };
}

/**
 * Makes pages of `target` (a page or a context) start with the plain textarea editor, the
 * playground's fallback, which the tests written before the rich editor drive (`textarea#manifest`).
 * The rich editor (CodeMirror) has tests of its own (editor-rich.test.mjs).
 */
export async function plainEditor(target) {
  await target.addInitScript(() => localStorage.setItem('podsec-plain-editor', '1'));
}

/**
 * Opens the site in a new page and records what happens: every request URL, console errors,
 * uncaught exceptions and Content-Security-Policy violations. The page has the plain editor unless
 * `rich` is set.
 */
export async function open(env, { rich = false } = {}) {
  const page = await env.browser.newPage();
  if (!rich) await plainEditor(page);
  const log = { requests: [], errors: [], violations: [] };
  page.on('request', (request) => log.requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') log.errors.push(message.text());
  });
  page.on('pageerror', (error) => log.errors.push(String(error)));
  await page.exposeFunction('__reportViolation', (text) => log.violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__reportViolation(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
    });
  });
  await page.goto(env.url);
  // The app is up once it has rendered its editor.
  await page.waitForSelector(rich ? '.cm-content#manifest' : 'textarea#manifest');
  return { page, log };
}
