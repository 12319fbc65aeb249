// Measurements of both editors, the plain textarea and the rich one (CodeMirror): keystroke to
// painted character in a 50-line pod, the 1.9 MB Argo CD install and the 3.5 MB KServe install,
// and a real paste (Ctrl+A then Ctrl+V) of the two installs to painted findings. Prints the
// figures (ARCHITECTURE.md records them); asserts only what the page shows, never a time. Pages
// are opened in the browser window's own size, not an emulated viewport: see WINDOW in harness.mjs.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, start } from './harness.mjs';
import { openFresh } from './playground-helpers.mjs';

const CORPUS = join(ROOT, '..', 'shared', 'corpus', 'files');
const ARGO = join(CORPUS, 'argo-cd', 'manifests__install.yaml');
const KSERVE = join(CORPUS, 'kubeflow-manifests', 'applications__kserve__kserve__kserve.yaml');

/** A pod of 50 lines. */
const POD = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: fifty', 'spec:', '  containers:',
  '    - name: app', '      image: nginx:1.27', '      securityContext:', '        privileged: true',
  '      env:', ...Array.from({ length: 19 }, (_, i) => [`        - name: VAR_${i}`, `          value: "${i}"`]).flat(), ''].join('\n');

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

/** Puts the caret at the end or the middle of the text, in either editor. */
async function caret(page, where) {
  await page.evaluate((w) => {
    const rich = globalThis.podsecEditor?.handle();
    if (rich) {
      const length = rich.view.state.doc.length;
      const at = w === 'end' ? length : Math.floor(length / 2);
      rich.view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
      rich.view.focus();
    } else {
      const area = document.querySelector('textarea#manifest');
      const at = w === 'end' ? area.value.length : Math.floor(area.value.length / 2);
      area.focus();
      area.setSelectionRange(at, at);
    }
  }, where);
}

/** Ctrl+A then Ctrl+V of `text`; resolves with the milliseconds from the keydown to painted findings. */
async function paste(page, text) {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.focus('#manifest');
  await page.keyboard.press('Control+A');
  await page.evaluate(() => {
    const status = document.querySelector('.status');
    const before = status.dataset.analyses;
    window.__done = new Promise((resolve) => {
      let down = 0;
      document.addEventListener('keydown', (e) => { down = e.timeStamp; }, { capture: true, once: true });
      const observer = new MutationObserver(() => {
        if (status.dataset.analyses !== before && status.getAttribute('aria-busy') === 'false') {
          observer.disconnect();
          requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - down), 0));
        }
      });
      observer.observe(status, { attributes: true });
    });
  });
  await page.keyboard.press('Control+V');
  return page.evaluate(() => window.__done);
}

/** Milliseconds between keystrokes: steady typing (about 100 to 250 ms between keys). */
const TYPIST_GAP_MS = 100;

/** Types five characters (end, middle, ...) and returns each keydown's time to the next paint. */
async function typing(page) {
  await page.evaluate(() => {
    window.__events = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'keydown') window.__events.push(e.duration);
    }).observe({ type: 'event', durationThreshold: 16, buffered: false });
  });
  const seen = [];
  for (const where of ['end', 'middle', 'end', 'middle', 'end']) {
    await caret(page, where);
    await page.evaluate(() => { window.__events.length = 0; });
    await page.keyboard.type('x');
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    // A steady typist's gap between keys: the pace being measured, not a wait for the page.
    await page.waitForTimeout(TYPIST_GAP_MS);
    // Event Timing reports only events of 16 ms or more: a missing entry is one frame or less.
    seen.push(await page.evaluate(() => Math.max(16, ...window.__events)));
  }
  await page.waitForFunction(() => document.querySelector('.status').getAttribute('aria-busy') === 'false');
  return seen.sort((a, b) => a - b);
}

for (const rich of [false, true]) {
  const name = rich ? 'rich editor' : 'plain textarea';
  test(`${name}: typing in a 50-line pod`, async () => {
    const { context, page, errors } = await openFresh(env, env.url, { rich, window: true });
    await page.fill('#manifest', POD);
    await page.waitForSelector('.finding[data-check="privileged"]');
    const ms = await typing(page);
    console.log(`${name}, 50-line pod: keydown to painted character ${ms.join(', ')} ms`);
    assert.deepEqual(errors.filter((e) => !/Applying inline style/.test(e)), []);
    await context.close();
  });

  for (const [label, file] of [['Argo CD install', ARGO], ['KServe install', KSERVE]]) {
    test(`${name}: paste and type in the ${label}`, { skip: !existsSync(file) && 'corpus not found' }, async () => {
      const { context, page, errors } = await openFresh(env, env.url, { rich, window: true });
      const text = readFileSync(file, 'utf8');
      const pasted = await paste(page, text);
      const length = await page.evaluate(() => (globalThis.podsecEditor?.text() ?? document.querySelector('textarea#manifest').value).length);
      assert.equal(length, text.length);
      assert.ok(await page.locator('#panel .object').count() > 0);
      const ms = await typing(page);
      console.log(`${name}, ${label} (${(text.length / 1e6).toFixed(2)} MB): Ctrl+V to painted findings ${pasted.toFixed(0)} ms; keydown to painted character ${ms.map((m) => m.toFixed(0)).join(', ')} ms`);
      assert.deepEqual(errors.filter((e) => !/Applying inline style/.test(e)), []);
      await context.close();
    });
  }
}
