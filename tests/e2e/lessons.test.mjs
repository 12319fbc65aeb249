// The lessons view (web/src/lessons.rs): one lesson walked by keyboard to success, progress kept
// in local storage, lesson and attempt links, and the user's own text kept and brought back.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './harness.mjs';
import { openFresh, setText } from './playground-helpers.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const LESSON = 'run-as-non-root';
const MINE = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: mine\nspec:\n  containers:\n    - name: c\n      image: busybox\n';

/** What has the focus: its id, classes and text. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return { id: el.id, cls: el.className, text: el.textContent ?? '', lesson: el.closest('[data-lesson]')?.dataset.lesson ?? '' };
  });
}

/** Presses Tab until `want(focused)` holds; fails after `max` presses. */
async function tabTo(page, want, max = 120) {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    if (want(await focused(page))) return;
  }
  throw new Error(`not reached in ${max} presses of Tab; ended on ${JSON.stringify(await focused(page))}`);
}

/** The goals as shown: [met, text] pairs. */
function goals(page) {
  return page.$$eval('.lesson .goal', (els) => els.map((el) => [el.classList.contains('met'), el.querySelector('.goal-text').textContent]));
}

test('a lesson walked by keyboard to success, with progress, links and the user\'s text kept', async () => {
  const { context, page, errors } = await openFresh(env);
  await setText(page, MINE);
  await page.evaluate(() => document.activeElement?.blur());

  // The lessons toggle opens the list; the first lesson opens by Enter.
  await tabTo(page, (f) => f.id === 'lessons-toggle');
  assert.match((await focused(page)).text, /0 of \d+ done/);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.lesson-list li[data-lesson]');
  assert.ok((await page.$$('.lesson-list li[data-lesson]')).length >= 12, 'the whole track is listed');
  await tabTo(page, (f) => f.cls.includes('lesson-open') && f.lesson === LESSON);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`article.lesson[data-lesson="${LESSON}"]`);
  await page.waitForFunction(() => document.querySelector('textarea#manifest').value.includes('name: orders'));
  // The focus moves to the lesson's title; the notice says the user's text is kept.
  await page.waitForFunction(() => document.activeElement?.id === 'lesson-title');
  assert.match(await page.textContent('.notice'), /Your own text is kept/);

  // The starting text keeps the workload but misses the lesson's goals; the lesson is not done.
  let shown = await goals(page);
  assert.ok(shown.length >= 4);
  assert.equal(shown[0][0], true, 'the starting text keeps the workload');
  assert.deepEqual(shown.slice(1, 4).map(([met]) => met), [false, false, false], JSON.stringify(shown));
  assert.equal(await page.getAttribute('article.lesson', 'data-done'), 'false');
  assert.equal(await page.$('.lesson-success'), null);

  // Hints unlock one at a time.
  assert.equal((await page.$$('.hints li')).length, 0);
  await tabTo(page, (f) => f.id === 'lesson-hint');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.hints li');
  assert.equal((await page.$$('.hints li')).length, 1);
  assert.match(await page.textContent('#lesson-hint'), /Show a hint \(2 of/);

  // Into the editor, to the end of the text: the container gets runAsNonRoot first.
  await page.focus('#lesson-title');
  await tabTo(page, (f) => f.id === 'manifest');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('          securityContext:\n            runAsNonRoot: true\n');
  await page.waitForSelector('.lesson .goal:nth-child(2).met');
  assert.equal(await page.getAttribute('article.lesson', 'data-done'), 'false');
  // Then a user and a group: every goal holds.
  await page.keyboard.type('            runAsUser: 10001\n            runAsGroup: 10001\n');
  await page.waitForSelector('article.lesson[data-done="true"]');
  shown = await goals(page);
  assert.ok(shown.every(([met]) => met), JSON.stringify(shown));
  assert.match(await page.textContent('.lesson-success'), /What you learned/);

  // What you learned links to the checks and the glossary, opened in place by keyboard.
  await page.keyboard.press('Escape');
  await tabTo(page, (f) => f.cls.includes('lesson-ref'));
  await page.keyboard.press('Enter');
  await page.waitForSelector('.ref-body');

  // Progress is saved: the count says so, and a reload keeps the lesson, the attempt and the hint.
  assert.match(await page.textContent('#lessons-toggle'), /1 of \d+ done/);
  await page.reload();
  await page.waitForSelector(`article.lesson[data-lesson="${LESSON}"][data-done="true"]`);
  assert.match(await page.inputValue('textarea#manifest'), /runAsUser: 10001/);
  // The hint's text arrives with the lessons' prose (learner-text.json).
  await page.waitForSelector('.hints li');
  assert.equal((await page.$$('.hints li')).length, 1);

  // The attempt's link opens the attempt elsewhere; the lesson's link opens the lesson as it starts.
  const attempt = await page.getAttribute('#lesson-attempt-link', 'href');
  const lesson = await page.getAttribute('.lesson-links a:first-child', 'href');
  assert.equal(lesson, `#lesson:${LESSON}`);
  const other = await openFresh(env, env.url + attempt);
  await other.page.waitForSelector(`article.lesson[data-lesson="${LESSON}"][data-done="true"]`);
  assert.match(await other.page.inputValue('textarea#manifest'), /runAsGroup: 10001/);
  await other.context.close();
  // A lesson link opened over the user's own text (here, in the open page) keeps that text too.
  const third = await openFresh(env);
  await setText(third.page, MINE);
  await third.page.evaluate((hash) => { location.hash = hash; }, lesson);
  await third.page.waitForSelector(`article.lesson[data-lesson="${LESSON}"][data-done="false"]`);
  await third.page.waitForFunction(() => document.querySelector('textarea#manifest').value.includes('name: orders'));
  assert.doesNotMatch(await third.page.inputValue('textarea#manifest'), /runAsUser/);
  assert.match(await third.page.textContent('.notice'), /Your own text is kept/);
  await third.page.click('#lessons-all');
  await third.page.click('#lessons-bring-back');
  await third.page.waitForFunction((mine) => document.querySelector('textarea#manifest').value === mine, MINE);
  assert.deepEqual(third.errors, []);
  await third.context.close();

  // Back to the list: the lesson is marked done, and the user's own text comes back.
  await page.click('#lessons-all');
  await page.waitForSelector(`.lesson-list li.done[data-lesson="${LESSON}"]`);
  await page.click('#lessons-bring-back');
  await page.waitForFunction((mine) => document.querySelector('textarea#manifest').value === mine, MINE);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a lesson fits a 400 px screen, the success view included', async () => {
  const { context, page, errors } = await openFresh(env, `${env.url}#lesson:${LESSON}`);
  await page.setViewportSize({ width: 400, height: 860 });
  await page.waitForSelector(`article.lesson[data-lesson="${LESSON}"][data-done="false"]`);
  const text = await page.inputValue('textarea#manifest');
  await setText(page, text.replace('    spec:\n', '    spec:\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n        runAsGroup: 10001\n'));
  await page.waitForSelector(`article.lesson[data-done="true"] .lesson-success`);
  const wide = await page.evaluate(() => [...document.querySelectorAll('.lessons *')]
    .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className}`));
  assert.deepEqual(wide, [], 'nothing in the lessons view is wider than the screen');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth));
  assert.deepEqual(errors, []);
  await context.close();
});
