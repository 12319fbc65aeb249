// The playground by keyboard alone (Tab, arrows, Enter, Space), and its narrow-screen layout.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './harness.mjs';
import { openFresh } from './playground-helpers.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

/** What has the focus: its id, classes, tag and role. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return { id: el.id, cls: el.className, tag: el.tagName.toLowerCase(), role: el.getAttribute('role') ?? '' };
  });
}

/** Presses Tab until `want(focused)` holds; fails after `max` presses. Returns the presses. */
async function tabTo(page, want, max = 80) {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    if (want(await focused(page))) return i;
  }
  throw new Error(`not reached in ${max} presses of Tab; ended on ${JSON.stringify(await focused(page))}`);
}

test('the whole playground works by keyboard', async () => {
  const { context, page, errors } = await openFresh(env);
  await page.evaluate(() => document.activeElement?.blur());
  // The example gallery: choose the privileged DaemonSet with the arrow keys.
  await tabTo(page, (f) => f.id === 'example');
  // The gallery shows the example loaded first; each arrow loads the next one.
  assert.equal(await page.inputValue('#example'), 'seed-hardened-pod');
  const seen = [];
  for (let i = 0; i < 12 && (await page.inputValue('#example')) !== 'privileged-daemonset'; i++) {
    await page.keyboard.press('ArrowDown');
    seen.push(await page.inputValue('#example'));
  }
  assert.equal(new Set(seen).size, seen.length, `each arrow moves on: ${seen}`);
  await page.waitForFunction(() => document.querySelector('textarea#manifest').value.includes('kind: DaemonSet'));
  await page.waitForSelector('.finding[data-check="privileged"]');

  // Level: down to baseline.
  await tabTo(page, (f) => f.id === 'level');
  await page.keyboard.press('ArrowUp');
  await page.waitForFunction(() => /at baseline:/.test(document.querySelector('.verdict')?.textContent ?? ''));

  // The editor is reachable; Esc then Tab leaves it again.
  await tabTo(page, (f) => f.id === 'manifest');
  await page.keyboard.press('Escape');

  // The tab list is one stop; the arrows, Home and End move within it.
  await tabTo(page, (f) => f.role === 'tab');
  assert.equal((await focused(page)).id, 'tab-findings');
  await page.keyboard.press('ArrowRight');
  assert.equal((await focused(page)).id, 'tab-effective');
  assert.equal(await page.getAttribute('#tab-effective', 'aria-selected'), 'true');
  await page.waitForSelector('table.effective');
  await page.keyboard.press('End');
  assert.equal((await focused(page)).id, 'tab-hardened');
  await page.keyboard.press('Home');
  assert.equal((await focused(page)).id, 'tab-findings');
  await page.keyboard.press('ArrowLeft');
  assert.equal((await focused(page)).id, 'tab-hardened');
  await page.keyboard.press('ArrowRight');
  assert.equal((await focused(page)).id, 'tab-findings');

  // A finding's location: Enter selects its line in the editor.
  await tabTo(page, (f) => /\bloc\b/.test(f.cls) && f.tag === 'button');
  const line = Number(await page.evaluate(() => document.activeElement.dataset.line));
  await page.keyboard.press('Enter');
  const selection = await page.evaluate(() => {
    const area = document.activeElement;
    return { id: area.id, line: area.value.slice(0, area.selectionStart).split('\n').length };
  });
  assert.deepEqual(selection, { id: 'manifest', line });

  // A check's documentation opens with Enter on its summary.
  await page.focus('#tab-findings');
  await tabTo(page, (f) => f.tag === 'button' && /\bdisclose\b/.test(f.cls));
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-expanded')), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.nextElementSibling?.className), 'disclosed');

  // The hardened view: Space toggles unsafe edits, Enter copies.
  await page.focus('#tab-findings');
  await page.keyboard.press('End');
  await page.waitForSelector('#include-unsafe');
  const safe = await page.locator('table.diff').textContent().catch(() => '');
  await tabTo(page, (f) => f.id === 'include-unsafe');
  await page.keyboard.press('Space');
  assert.equal(await page.isChecked('#include-unsafe'), true);
  await page.waitForFunction((s) => (document.querySelector('table.diff')?.textContent ?? '') !== s, safe);
  await tabTo(page, (f) => f.id === 'copy-hardened');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.notice');
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), /kind: DaemonSet/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a 400 px window stacks the panels and never scrolls sideways', async () => {
  const { context, page, errors } = await openFresh(env);
  await page.setViewportSize({ width: 400, height: 800 });
  await page.selectOption('#example', 'privileged-daemonset');
  await page.waitForSelector('.finding[data-check="privileged"]');
  for (const tab of ['findings', 'effective', 'hardened']) {
    await page.click(`#tab-${tab}`);
    await page.waitForSelector(`#panel.${tab}`);
    const layout = await page.evaluate(() => {
      const editor = document.querySelector('.editor-pane').getBoundingClientRect();
      const results = document.querySelector('.results').getBoundingClientRect();
      return {
        stacked: results.top >= editor.bottom - 1,
        editorWidth: editor.width,
        resultsWidth: results.width,
        pageWidth: document.documentElement.scrollWidth,
      };
    });
    assert.ok(layout.stacked, `${tab}: ${JSON.stringify(layout)}`);
    assert.ok(layout.pageWidth <= 400, `${tab}: ${JSON.stringify(layout)}`);
    assert.ok(layout.editorWidth > 300 && layout.resultsWidth > 300, `${tab}: ${JSON.stringify(layout)}`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});
