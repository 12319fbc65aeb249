// End-to-end tests of the rich editor (CodeMirror, web/src/code.rs): colours from the core's
// tokenizer, squiggles at the finding's token, hover docs, Apply and undo, completion by keyboard,
// and the text flowing to the analysis, the draft and back.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { open, start } from './harness.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const POD = `---
apiVersion: v1
kind: Pod
metadata:
  name: demo # a comment
  labels: &labels
    app: demo
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 1000
  containers:
    - name: app
      image: nginx
      securityContext:
        privileged: true
        allowPrivilegeEscalation: false
`;

/**
 * Waits until the completion list has been open for CodeMirror's interaction delay (75 ms: keys
 * pressed sooner go to the text, so that a fast typist's Enter is never taken by a list they have
 * not seen yet).
 */
async function listReady(page) {
  await page.evaluate(() => new Promise((resolve) => {
    const opened = performance.now();
    const tick = () => (performance.now() - opened >= 80 ? resolve() : requestAnimationFrame(tick));
    tick();
  }));
}

/** Opens the site with the rich editor and waits until CodeMirror shows its text. */
async function openRich(width = 1280) {
  const { page, log } = await open(env, { rich: true });
  await page.setViewportSize({ width, height: 900 });
  return { page, log };
}

/** The number of analyses the page has shown so far. */
function analyses(page) {
  return page.evaluate(() => document.querySelector('.status').dataset.analyses);
}

/** Replaces the editor's text by `text` and waits for its analysis. */
async function setText(page, text) {
  const before = await analyses(page);
  await page.fill('#manifest', text);
  await page.waitForFunction((b) => document.querySelector('.status').dataset.analyses !== b, before);
}

/** CodeMirror's whole text (the view is virtual: only what is on screen is in the DOM). */
function editorText(page) {
  return page.evaluate(() => globalThis.podsecEditor.text());
}

/** The relative luminance contrast of two `rgb(...)` colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test('tokens are coloured by kind, at AA contrast in both themes', async () => {
  const { page, log } = await openRich();
  await setText(page, `${POD}    volumes: *labels\n...\n`);
  for (const theme of ['light', 'dark']) {
    await page.selectOption('#theme', theme);
    const seen = await page.evaluate(() => {
      const bg = getComputedStyle(document.querySelector('.cm-editor')).backgroundColor;
      const out = {};
      for (const el of document.querySelectorAll('.cm-content [class^="tk-"]')) {
        const kind = el.className.split(' ')[0];
        (out[kind] ??= []).push({ text: el.textContent, color: getComputedStyle(el).color, bg });
      }
      return out;
    });
    const texts = (kind) => (seen[`tk-${kind}`] ?? []).map((t) => t.text);
    assert.ok(texts('key').includes('apiVersion') && texts('key').includes('privileged'), String(texts('key')));
    assert.ok(texts('string').includes('nginx'));
    assert.ok(texts('number').includes('1000'));
    assert.ok(texts('bool').includes('true') && texts('bool').includes('false'));
    assert.ok(texts('comment').includes('# a comment'));
    assert.ok(texts('anchor').includes('&labels'));
    assert.ok(texts('alias').includes('*labels'));
    assert.deepEqual(texts('marker'), ['---', '...']);
    for (const [kind, list] of Object.entries(seen)) {
      for (const t of list) {
        const ratio = contrast(t.color, t.bg);
        assert.ok(ratio >= 4.5, `${theme}: ${kind} "${t.text}" ${t.color} on ${t.bg} is ${ratio.toFixed(2)}:1`);
      }
    }
  }
  // Chrome's editing engine, replacing the whole content (Playwright's fill selects all and
  // inserts), tries to write a style attribute, which the CSP blocks harmlessly; nothing of the
  // editor's own is blocked: its module loads, and its styles sit in a constructed stylesheet.
  assert.deepEqual(log.violations.filter((v) => v !== 'style-src-attr blocked inline'), []);
  assert.deepEqual(log.errors.filter((e) => !/Applying inline style violates/.test(e)), []);
  assert.ok(await page.evaluate(() => document.adoptedStyleSheets.length > 0));
  await page.close();
});

test('a finding is underlined at its token, coloured by level, with the inherited line marked', async () => {
  const { page } = await openRich();
  await setText(page, POD);
  const marks = await page.evaluate(() => [...document.querySelectorAll('.cm-lintRange')].map((el) => {
    const line = el.closest('.cm-line');
    const r = el.getBoundingClientRect();
    // The width of one character of the line, measured on its first text node.
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    const first = walker.nextNode();
    range.setStart(first, 0);
    range.setEnd(first, 1);
    const char = range.getBoundingClientRect().width;
    return {
      text: el.textContent,
      classes: el.className,
      column: Math.round((r.left - line.getBoundingClientRect().left - parseFloat(getComputedStyle(line).paddingLeft)) / char),
      lineText: line.textContent,
      color: getComputedStyle(el).textDecorationColor,
    };
  }));
  const privileged = marks.find((m) => m.classes.includes('sq-baseline'));
  assert.ok(privileged, JSON.stringify(marks));
  // The value `true` of `privileged: true`, at its column, not the whole line.
  assert.equal(privileged.lineText.trim(), 'privileged: true');
  assert.equal(privileged.column, privileged.lineText.indexOf(privileged.text));
  assert.ok(['privileged', 'true'].includes(privileged.text), privileged.text);
  const restricted = marks.filter((m) => m.classes.includes('sq-restricted'));
  assert.ok(restricted.length > 0);
  assert.notEqual(privileged.color, restricted[0].color, 'levels have their own colours');
  await page.close();
});

test('the parse error is underlined at its column', async () => {
  const { page } = await openRich();
  await setText(page, 'apiVersion: v1\nkind: Pod\nmetadata: {name: x\n');
  const mark = await page.waitForSelector('.cm-lintRange.sq-error');
  assert.ok((await mark.textContent()).length <= 4);
  await page.close();
});

test('hovering a key shows its glossary entry; hovering a squiggle shows the finding and its fix', async () => {
  const { page } = await openRich();
  await setText(page, POD);
  await page.locator('.cm-content .tk-key', { hasText: 'runAsNonRoot' }).hover();
  const tip = await page.waitForSelector('.cm-tooltip .hover-tip');
  assert.match(await tip.textContent(), /runAsNonRoot/);
  await page.mouse.move(0, 0);
  await page.waitForSelector('.cm-tooltip .hover-tip', { state: 'detached' });
  await page.locator('.cm-lintRange.sq-baseline').first().hover();
  await page.waitForSelector('.cm-tooltip .finding-tip');
  const text = await page.textContent('.cm-tooltip-lint');
  assert.match(text, /privileged/i);
  assert.match(text, /Fix: /);
  await page.close();
});

test('Apply in a squiggle fixes just that finding; Ctrl+Z restores the text', async () => {
  const { page } = await openRich();
  await setText(page, POD);
  const before = await analyses(page);
  await page.locator('.cm-lintRange.sq-restricted').first().hover();
  await page.locator('.cm-tooltip .cm-diagnosticAction', { hasText: 'Apply' }).first().click();
  await page.waitForFunction((b) => document.querySelector('.status').dataset.analyses !== b, before);
  const fixed = await editorText(page);
  assert.notEqual(fixed, POD);
  // A minimal edit: every line of the original is still there, in order.
  const kept = POD.split('\n').filter((l) => fixed.split('\n').includes(l));
  assert.deepEqual(kept, POD.split('\n'));
  await page.focus('#manifest');
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => globalThis.podsecEditor.text().includes('privileged: true'));
  assert.equal(await editorText(page), POD);
  await page.close();
});

test('completion inside securityContext works by keyboard and is announced', async () => {
  const { page } = await openRich();
  await setText(page, POD);
  await page.locator('.cm-line', { hasText: 'allowPrivilegeEscalation' }).click();
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('readOnlyRoot');
  const chosen = await page.waitForSelector('.cm-tooltip-autocomplete [role="option"][aria-selected="true"]');
  assert.match(await chosen.textContent(), /readOnlyRootFilesystem/);
  // The editor points assistive technology at the chosen option.
  assert.ok(await page.getAttribute('#manifest', 'aria-activedescendant'));
  await listReady(page);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => globalThis.podsecEditor.text().includes('readOnlyRootFilesystem'));
  await page.keyboard.type(': ');
  await page.keyboard.press('Control+Space');
  const values = await page.waitForSelector('.cm-tooltip-autocomplete [role="listbox"]');
  assert.match(await values.textContent(), /true/);
  await listReady(page);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /readOnlyRootFilesystem: (true|false)\n/.test(globalThis.podsecEditor.text()));
  await page.close();
});

test('typing reaches the analysis and the draft; F8 goes to a finding', async () => {
  const { page } = await openRich();
  await setText(page, POD);
  await page.locator('.cm-line', { hasText: 'image: nginx' }).click();
  await page.keyboard.press('End');
  const before = await analyses(page);
  await page.keyboard.type(':1.27');
  await page.waitForFunction((b) => document.querySelector('.status').dataset.analyses !== b, before);
  await page.keyboard.press('F8');
  const said = await page.textContent('#editor-problem');
  assert.match(said, /^Line \d+ \(\d of \d marked\)/);
  // The draft keeps the text over a reload.
  await page.reload();
  await page.waitForSelector('.cm-content#manifest');
  assert.match(await editorText(page), /image: nginx:1.27/);
  await page.close();
});

test('"Apply all safe fixes" rewrites the text in one edit that one Ctrl+Z undoes', async () => {
  const { page } = await openRich();
  await setText(page, POD);
  const findings = await page.locator('#panel .finding').count();
  const before = await analyses(page);
  await page.click('button.apply-all');
  await page.waitForFunction((b) => document.querySelector('.status').dataset.analyses !== b, before);
  assert.match(await page.textContent('#editor-problem'), /Applied every safe fix/);
  const fixed = await editorText(page);
  assert.match(fixed, /seccompProfile/);
  assert.ok(await page.locator('#panel .finding').count() < findings);
  await page.focus('#manifest');
  await page.keyboard.press('Control+z');
  await page.waitForFunction((t) => globalThis.podsecEditor.text() === t, POD);
});

test('Apply in the findings panel fixes that finding only, in either editor; Ctrl+Z restores', async () => {
  for (const rich of [true, false]) {
    const { page } = await open(env, { rich });
    await page.setViewportSize({ width: 1280, height: 900 });
    await setText(page, POD);
    const read = () => page.evaluate(() => globalThis.podsecEditor?.text() ?? document.querySelector('textarea#manifest').value);
    const before = await analyses(page);
    const card = page.locator('#panel .finding', { has: page.locator('button.apply') }).first();
    const check = await card.getAttribute('data-check');
    await card.locator('button.apply').click();
    await page.waitForFunction((b) => document.querySelector('.status').dataset.analyses !== b, before);
    const fixed = await read();
    assert.notEqual(fixed, POD, `${check} (${rich ? 'rich' : 'plain'})`);
    // Just that fix: the finding is gone, and at most the one line it changes differs.
    assert.equal(await page.locator(`#panel .finding[data-check="${check}"]`).count(), 0, check);
    const lost = POD.split('\n').filter((l) => !fixed.split('\n').includes(l));
    assert.ok(lost.length <= 1, String(lost));
    await page.focus('#manifest');
    await page.keyboard.press('Control+z');
    await page.waitForFunction(async (t) => (globalThis.podsecEditor?.text() ?? document.querySelector('textarea#manifest').value) === t, POD);
    await page.close();
  }
});

test('moving the caret by keyboard onto a key shows its docs and says them', async () => {
  const { page } = await openRich();
  await setText(page, POD);
  await page.locator('.cm-line', { hasText: 'runAsUser' }).click();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Home');
  const tip = await page.waitForSelector('.hover-tip');
  assert.match(await tip.textContent(), /runAsNonRoot/);
  await page.waitForFunction(() => /runAsNonRoot/.test(document.querySelector('.cm-announced')?.textContent ?? ''));
  // Typing hides it.
  await page.keyboard.type(' ');
  await page.waitForSelector('.hover-tip', { state: 'detached' });
  await page.close();
});

test('Tab indents with two spaces; Esc then Tab leaves the editor', async () => {
  const { page } = await openRich();
  await setText(page, POD);
  await page.locator('.cm-line', { hasText: 'image: nginx' }).click();
  await page.keyboard.press('End');
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => globalThis.podsecEditor.text().includes('image: nginx  \n'));
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => document.activeElement?.id !== 'manifest');
  assert.match(await editorText(page), /image: nginx {2}\n/);
  await page.close();
});
