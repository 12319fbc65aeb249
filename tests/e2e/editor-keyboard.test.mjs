// End-to-end tests of the editor's findings by keyboard: F8 and Shift+F8 in the textarea, the
// live region, and the gutter's markers as buttons with a popup, in Debian's headless Chromium.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './harness.mjs';
import { loadExample, openFresh, setText } from './playground-helpers.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

/** The marked lines, in order. */
async function markedLines(page) {
  return page.locator('.gutter .mark').evaluateAll((ms) => ms.map((m) => Number(m.dataset.line)));
}

/** Where the editor's caret is: focus, the selection's line and text. */
async function caret(page) {
  return page.evaluate(() => {
    const a = document.querySelector('textarea#manifest');
    return {
      focused: document.activeElement === a,
      line: a.value.slice(0, a.selectionStart).split('\n').length,
      selected: a.value.slice(a.selectionStart, a.selectionEnd),
    };
  });
}

/** The messages the findings panel lists for `line`. */
async function messagesOn(page, line) {
  return page.locator(`.finding[data-line="${line}"] > .finding-head .message`).allTextContents();
}

async function announced(page) {
  return (await page.locator('#editor-problem').textContent()).trim();
}

/** Puts the caret at the start of `line`. */
async function caretTo(page, line) {
  await page.evaluate((l) => {
    const a = document.querySelector('textarea#manifest');
    const offset = l <= 1 ? 0 : a.value.split('\n').slice(0, l - 1).join('\n').length + 1;
    a.focus();
    a.setSelectionRange(offset, offset);
  }, line);
}

test('F8 on the seed example goes to its finding and announces it; Shift+F8 goes back; both wrap', async () => {
  const { context, page, errors } = await openFresh(env);
  await loadExample(page, 'seed-hardened-pod');
  assert.equal(await page.inputValue('#level'), 'restricted');
  const marked = await markedLines(page);
  assert.equal(marked.length, 1, `marked lines: ${marked}`);
  const [line] = marked;
  assert.ok(line > 1);
  const text = await page.inputValue('textarea#manifest');
  const lines = text.split('\n').length;
  assert.equal(await page.getAttribute('textarea#manifest', 'aria-keyshortcuts'), 'F8 Shift+F8');
  assert.match(await page.locator('#editor-help').textContent(), /F8 and Shift\+F8/);
  const region = page.locator('#editor-problem');
  assert.equal(await region.getAttribute('aria-live'), 'polite');
  assert.equal(await announced(page), '');

  await caretTo(page, 1);
  await page.keyboard.press('F8');
  const at = await caret(page);
  assert.deepEqual([at.focused, at.line], [true, line]);
  assert.ok(at.selected.trim().length > 0, 'the line is selected');
  const said = await announced(page);
  assert.ok(said.startsWith(`Line ${line} (1 of 1 marked): `), said);
  const messages = await messagesOn(page, line);
  assert.ok(messages.length > 0);
  for (const m of messages) assert.ok(said.includes(m), `"${m}" not in "${said}"`);

  // From the marked line, both keys wrap around to it; from below it, Shift+F8 goes back up.
  await page.keyboard.press('F8');
  assert.equal((await caret(page)).line, line);
  await page.keyboard.press('Shift+F8');
  assert.equal((await caret(page)).line, line);
  await caretTo(page, lines);
  await page.keyboard.press('Shift+F8');
  assert.equal((await caret(page)).line, line);
  await caretTo(page, lines);
  await page.keyboard.press('F8');
  assert.equal((await caret(page)).line, line, 'F8 after the last marked line wraps to the first');
  await caretTo(page, 1);
  await page.keyboard.press('Shift+F8');
  assert.equal((await caret(page)).line, line, 'Shift+F8 before the first marked line wraps to the last');

  // Typing clears the announcement; the keys never change the text.
  assert.equal(await page.inputValue('textarea#manifest'), text);
  await page.keyboard.type('#');
  assert.equal(await announced(page), '');
  assert.deepEqual(errors, []);
  await context.close();
});

test('F8 and Shift+F8 step through several marked lines in order', async () => {
  const { context, page } = await openFresh(env);
  await loadExample(page, 'privileged-daemonset');
  const marked = await markedLines(page);
  assert.ok(marked.length >= 3, `marked lines: ${marked}`);
  await caretTo(page, 1);
  const forward = [];
  for (let i = 0; i <= marked.length; i += 1) {
    await page.keyboard.press('F8');
    forward.push((await caret(page)).line);
  }
  // The next marked line after the caret's, wrapping to the first: every one once, then again.
  const expected = [];
  for (let line = 1, i = 0; i <= marked.length; i += 1) {
    line = marked.find((l) => l > line) ?? marked[0];
    expected.push(line);
  }
  assert.equal(new Set(expected).size, marked.length);
  assert.deepEqual(forward, expected);
  const n = marked.length;
  assert.match(await announced(page), new RegExp(`^Line ${expected[n]} \\(${marked.indexOf(expected[n]) + 1} of ${n} marked\\): `));
  const backward = [];
  for (let i = 0; i <= n; i += 1) {
    await page.keyboard.press('Shift+F8');
    backward.push((await caret(page)).line);
  }
  const from = marked.indexOf(expected[n]);
  assert.deepEqual(backward, Array.from({ length: n + 1 }, (_, i) => marked[(from - 1 - i + 2 * n) % n]));
  await context.close();
});

test('F8 says so when there is nothing to go to', async () => {
  const { context, page } = await openFresh(env);
  await loadExample(page, 'windows-pod');
  const marked = await markedLines(page);
  if (marked.length > 0) await setText(page, '# nothing here\n');
  assert.deepEqual(await markedLines(page), []);
  await page.focus('textarea#manifest');
  await page.keyboard.press('F8');
  assert.equal(await announced(page), 'No findings in the text.');
  await context.close();
});

test('gutter markers are one tab stop, name their findings, show them on focus and hover', async () => {
  const { context, page, errors } = await openFresh(env);
  await loadExample(page, 'privileged-daemonset');
  const marked = await markedLines(page);
  assert.ok(marked.length >= 3, `marked lines: ${marked}`);
  assert.equal(await page.locator('.gutter[aria-hidden]').count(), 0, 'the gutter is not hidden');
  assert.equal(await page.locator('.gutter .mark[tabindex="0"]').count(), 1, 'one tab stop');

  // Esc then Tab from the textarea reaches the gutter, which follows it in the tab order.
  await page.focus('textarea#manifest');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  const focusedLine = () => page.evaluate(() => {
    const el = document.activeElement;
    return el?.classList.contains('mark') ? Number(el.dataset.line) : null;
  });
  assert.equal(await focusedLine(), marked[0]);
  const label = await page.evaluate(() => document.activeElement.getAttribute('aria-label'));
  assert.ok(label.startsWith(`Line ${marked[0]}: `), label);
  for (const m of await messagesOn(page, marked[0])) assert.ok(label.includes(m), `"${m}" not in "${label}"`);

  // Its popup lists the findings beside the marker.
  const tip = page.locator('.mark-tip');
  await tip.waitFor({ state: 'visible' });
  assert.equal(await tip.getAttribute('data-line'), String(marked[0]));
  const box = async () => page.evaluate((line) => {
    const m = document.querySelector(`.gutter .mark[data-line="${line}"]`).getBoundingClientRect();
    const g = document.querySelector('.gutter').getBoundingClientRect();
    const t = document.querySelector('.mark-tip').getBoundingClientRect();
    return { markTop: m.top, gutterRight: g.right, tipTop: t.top, tipLeft: t.left };
  }, Number(await tip.getAttribute('data-line')));
  let b = await box();
  assert.ok(Math.abs(b.tipTop - b.markTop) <= 1 && Math.abs(b.tipLeft - b.gutterRight) <= 1, JSON.stringify(b));
  assert.equal(await tip.locator('li').count(), (await messagesOn(page, marked[0])).length);

  // Arrow keys move between markers; the tab stop follows; Escape closes the popup.
  await page.keyboard.press('ArrowDown');
  assert.equal(await focusedLine(), marked[1]);
  assert.equal(await tip.getAttribute('data-line'), String(marked[1]));
  await page.keyboard.press('End');
  assert.equal(await focusedLine(), marked[marked.length - 1]);
  await page.keyboard.press('Home');
  assert.equal(await focusedLine(), marked[0]);
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('.gutter .mark[tabindex="0"]').getAttribute('data-line'), String(marked[1]));
  await page.keyboard.press('Escape');
  await tip.waitFor({ state: 'detached' });
  assert.equal(await focusedLine(), marked[1], 'Escape keeps the focus');

  // Enter selects the line in the editor and announces it.
  await page.keyboard.press('Enter');
  const at = await page.evaluate(() => {
    const a = document.querySelector('textarea#manifest');
    return { focused: document.activeElement === a, line: a.value.slice(0, a.selectionStart).split('\n').length };
  });
  assert.deepEqual(at, { focused: true, line: marked[1] });
  assert.match(await announced(page), new RegExp(`^Line ${marked[1]} \\(2 of ${marked.length} marked\\): `));

  // Hover shows the popup; the pointer can move onto it; leaving closes it.
  await page.locator(`.gutter .mark[data-line="${marked[2]}"]`).hover();
  await tip.waitFor({ state: 'visible' });
  assert.equal(await tip.getAttribute('data-line'), String(marked[2]));
  b = await box();
  await page.mouse.move(b.gutterRight - 3, b.markTop + 10);
  await page.mouse.move(b.gutterRight + 12, b.markTop + 10, { steps: 4 });
  assert.equal(await tip.isVisible(), true, 'the popup stays while the pointer is on it');
  await page.mouse.move(b.gutterRight + 12, b.markTop - 200, { steps: 4 });
  await tip.waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('markers stay on their lines when the gutter scrolls to a focused marker', async () => {
  const { context, page } = await openFresh(env);
  await loadExample(page, 'privileged-daemonset');
  const example = await page.inputValue('textarea#manifest');
  // Push the findings far down, so that reaching a marker scrolls the editor.
  await setText(page, `${'# filler\n'.repeat(150)}${example}`);
  const marked = await markedLines(page);
  assert.ok(marked[0] > 150);
  const aligned = () => page.evaluate(() => {
    const a = document.querySelector('textarea#manifest');
    const g = document.querySelector('.gutter');
    const lineHeight = parseFloat(getComputedStyle(a).lineHeight);
    const padding = parseFloat(getComputedStyle(a).paddingTop);
    const top = a.getBoundingClientRect().top;
    const off = [...g.querySelectorAll('.mark')].filter((m) => {
      const want = top + padding + (Number(m.dataset.line) - 1) * lineHeight - a.scrollTop;
      return Math.abs(m.getBoundingClientRect().top - want) > 1;
    });
    return { area: a.scrollTop, gutter: g.scrollTop, off: off.map((m) => m.dataset.line) };
  });
  // Pasting a long text scrolls the textarea to its end before the gutter has the new lines.
  let state = await aligned();
  assert.deepEqual(state.off, [], 'aligned after the paste');
  await caretTo(page, 1);
  await page.evaluate(() => { document.querySelector('textarea#manifest').scrollTop = 0; });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  state = await aligned();
  assert.deepEqual(state.off, [], 'aligned at the top');
  assert.equal(state.area, 0);
  await page.focus('textarea#manifest');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  // Give the scroll events a frame to run.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  state = await aligned();
  assert.ok(state.area > 0, 'the textarea followed the gutter');
  assert.ok(Math.abs(state.area - state.gutter) <= 1, JSON.stringify(state));
  assert.deepEqual(state.off, [], 'aligned after scrolling');
  await context.close();
});

test('a marker at the bottom of the editor opens its popup upwards, inside the editor', async () => {
  const { context, page, errors } = await openFresh(env);
  const pad = '# padding\n'.repeat(40);
  const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: low\n${pad}spec:\n  hostNetwork: true\n  containers:\n    - name: a\n      image: a\n${pad}`;
  await setText(page, text);
  const line = text.split('\n').findIndex((l) => l.includes('hostNetwork')) + 1;
  assert.ok((await markedLines(page)).includes(line));
  // Scroll so that the marked line is the last one the editor shows.
  await page.evaluate((l) => {
    const area = document.querySelector('textarea#manifest');
    const gutter = document.querySelector('.gutter');
    const mark = gutter.querySelector(`.mark[data-line="${l}"]`);
    area.scrollTop = mark.offsetTop + mark.offsetHeight - gutter.offsetTop - gutter.clientHeight;
    area.dispatchEvent(new Event('scroll'));
  }, line);
  await page.focus(`.gutter .mark[data-line="${line}"]`);
  await page.locator('.mark-tip').waitFor({ state: 'visible' });
  const b = await page.evaluate((l) => {
    const m = document.querySelector(`.gutter .mark[data-line="${l}"]`).getBoundingClientRect();
    const g = document.querySelector('.gutter').getBoundingClientRect();
    const t = document.querySelector('.mark-tip').getBoundingClientRect();
    return { markTop: m.top, markBottom: m.bottom, gutterBottom: g.bottom, tipTop: t.top, tipBottom: t.bottom };
  }, line);
  // Opening downwards would have run past the editor's bottom edge.
  assert.ok(b.markTop + (b.tipBottom - b.tipTop) > b.gutterBottom + 1, JSON.stringify(b));
  assert.ok(Math.abs(b.tipBottom - b.markBottom) <= 1, JSON.stringify(b));
  assert.ok(b.tipBottom <= b.gutterBottom + 1, JSON.stringify(b));
  assert.deepEqual(errors, []);
  await context.close();
});
