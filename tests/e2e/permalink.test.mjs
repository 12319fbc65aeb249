// End-to-end tests of permalinks, the saved draft, the offline site and the same-origin rule.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './harness.mjs';
import { controlled, loadExample, openFresh, pasteAndSettle, setText } from './playground-helpers.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const CUSTOM = `apiVersion: v1
kind: Pod
metadata:
  name: shared-pod # kept in the link
spec:
  containers:
    - name: app
      image: app:1
      securityContext:
        privileged: true
`;

/** The link of a state made in one browser context. */
async function makeLink() {
  const { context, page } = await openFresh(env);
  await setText(page, CUSTOM);
  await page.selectOption('#level', 'baseline');
  await page.selectOption('#version', 'v1.25');
  const before = await page.evaluate(() => location.hash);
  await page.selectOption('#runtime', 'cri-o');
  // The address bar follows the last change (no fixed sleep: wait for the fragment to change).
  await page.waitForFunction((b) => location.hash.length > 10 && location.hash !== b, before);
  const url = page.url();
  await page.click('#share');
  await page.locator('.notice').waitFor();
  const notice = await page.locator('.notice-text').textContent();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  await context.close();
  return { url, notice, copied };
}

test('a permalink restores text, options and findings in a fresh browser', async () => {
  const { url, notice, copied } = await makeLink();
  assert.match(url, /#v1:[A-Za-z0-9_-]+$/);
  assert.match(notice, /^Link copied \(\d+ characters\)/);
  assert.equal(copied, url);
  const { context, page, errors } = await openFresh(env, url);
  await page.waitForSelector('.object');
  assert.equal(await page.inputValue('textarea#manifest'), CUSTOM);
  assert.equal(await page.inputValue('#level'), 'baseline');
  assert.equal(await page.inputValue('#version'), 'v1.25');
  assert.equal(await page.inputValue('#runtime'), 'cri-o');
  assert.match(await page.locator('.verdict').first().textContent(), /not be admitted at baseline:v1\.25/);
  const checks = await page.locator('.finding').evaluateAll((fs) => fs.map((f) => f.dataset.check));
  assert.ok(checks.includes('privileged'), String(checks));
  // The address bar keeps the link.
  assert.equal(page.url(), url);
  assert.deepEqual(errors, []);
  await context.close();
});

test('edits follow in the address bar without adding history entries', async () => {
  const { context, page } = await openFresh(env);
  const first = page.url();
  const entries = await page.evaluate(() => history.length);
  for (const n of [1, 2, 3]) await setText(page, `# edit ${n}\n${CUSTOM}`);
  await page.waitForFunction((f) => location.href !== f, first);
  assert.notEqual(page.url(), first);
  assert.equal(await page.evaluate(() => history.length), entries);
  await context.close();
});

test('a change survives a reload through local storage', async () => {
  const { context, page } = await openFresh(env);
  await loadExample(page, 'cronjob');
  await setText(page, `${await page.inputValue('textarea#manifest')}# my note\n`);
  const draft = await page.evaluate(() => localStorage.getItem('podsec.draft'));
  await page.selectOption('#level', 'baseline');
  // The draft in local storage follows the change.
  await page.waitForFunction((d) => localStorage.getItem('podsec.draft') !== d, draft);
  const text = await page.inputValue('textarea#manifest');
  // Load the bare address: no link says otherwise, so the draft comes back.
  await page.goto(env.url);
  await page.waitForSelector('.object');
  assert.equal(await page.inputValue('textarea#manifest'), text);
  assert.equal(await page.inputValue('#level'), 'baseline');
  assert.ok(text.endsWith('# my note\n'));
  await context.close();
});

test('keystrokes made just before a reload are kept, in that tab only', async () => {
  const { context, page, errors } = await openFresh(env);
  // A large text: typing in it waits for a pause before the analysis, the draft and the link.
  const large = `${CUSTOM}${'# padding to make the text large\n'.repeat(2500)}`;
  const before = page.url();
  // One input event (Chromium's own insertion of a long text into a textarea takes seconds).
  await pasteAndSettle(page, large);
  await page.waitForFunction((b) => location.href !== b && location.hash.length > 10, before);
  const link = page.url();
  await page.focus('textarea#manifest');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('# typed last\n');
  // At once: neither the draft nor the address bar has caught up with the keystrokes.
  assert.equal(page.url(), link);
  await page.reload();
  await page.waitForSelector('.object');
  const text = await page.inputValue('textarea#manifest');
  assert.ok(text.endsWith('# padding to make the text large\n# typed last\n'), text.slice(-80));
  assert.equal(text.length, large.length + '# typed last\n'.length);
  // The link itself still opens what it holds, in another tab of the same browser.
  const other = await context.newPage();
  await other.goto(link);
  await other.waitForSelector('.object');
  assert.equal(await other.inputValue('textarea#manifest'), large);
  assert.deepEqual(errors, []);
  await context.close();
});

test('truncated and tampered links say so and leave the editor usable', async () => {
  const { url } = await makeLink();
  const hash = url.slice(url.indexOf('#'));
  const base = url.slice(0, url.indexOf('#'));
  const flip = (c) => (c === 'A' ? 'B' : 'A');
  const middle = Math.floor(hash.length / 2);
  const cases = {
    truncated: hash.slice(0, hash.length - 7),
    tampered: hash.slice(0, middle) + flip(hash[middle]) + hash.slice(middle + 1),
    foreign: '#v7:abc',
  };
  for (const [name, fragment] of Object.entries(cases)) {
    const { context, page, errors } = await openFresh(env, base + fragment);
    const notice = page.locator('.notice.error');
    await notice.waitFor();
    assert.match(await notice.textContent(), /^Could not open this link: the link /, name);
    assert.equal(await notice.getAttribute('role'), 'alert');
    // The app shows the default example and keeps working.
    await page.waitForSelector('.object');
    await setText(page, CUSTOM);
    const checks = await page.locator('.finding').evaluateAll((fs) => fs.map((f) => f.dataset.check));
    assert.ok(checks.includes('privileged'), `${name}: ${checks}`);
    await page.click('.notice .dismiss');
    assert.equal(await page.locator('.notice').count(), 0);
    assert.deepEqual(errors, [], name);
    await context.close();
  }
});

test('the site works offline after the first visit', async () => {
  const { context, page, errors } = await openFresh(env);
  await controlled(page);
  await loadExample(page, 'privileged-daemonset');
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector('textarea#manifest');
  await page.waitForSelector('.object');
  assert.match(await page.locator('.object .kind').first().textContent(), /DaemonSet/);
  await setText(page, CUSTOM);
  const checks = await page.locator('.finding').evaluateAll((fs) => fs.map((f) => f.dataset.check));
  assert.ok(checks.includes('privileged'), String(checks));
  // A fresh load of the bare address, offline, still comes from the cache.
  await page.goto(env.url);
  await page.waitForSelector('.object');
  await context.setOffline(false);
  assert.deepEqual(errors.filter((e) => !/Failed to load resource/.test(e)), []);
  await context.close();
});

test('every request of the page and its service worker stays on the same origin', async () => {
  const requests = [];
  const context = await env.browser.newContext();
  context.on('request', (request) => requests.push(request.url()));
  const page = await context.newPage();
  await page.goto(env.url);
  await page.waitForSelector('.object');
  await controlled(page);
  for (const id of ['nothing-set', 'multi-document']) {
    await loadExample(page, id);
  }
  await page.click('#tab-hardened');
  await page.click('#tab-effective');
  await page.reload();
  await page.waitForSelector('.object');
  await page.waitForLoadState('networkidle');
  const origin = new URL(env.url).origin;
  assert.ok(requests.length >= 5, String(requests));
  for (const url of requests) {
    assert.equal(new URL(url).origin, origin, `request to another origin: ${url}`);
  }
  // The manifest and its icons are served, so the app is installable.
  const manifest = await page.evaluate(async () => {
    const href = document.querySelector('link[rel="manifest"]').href;
    const m = await (await fetch(href)).json();
    const ok = await Promise.all(m.icons.map(async (i) => (await fetch(new URL(i.src, href))).ok));
    return { name: m.short_name, start: m.start_url, icons: ok };
  });
  assert.equal(manifest.name, 'podsec');
  assert.equal(manifest.start, './');
  assert.ok(manifest.icons.length >= 2 && manifest.icons.every(Boolean));
  await context.close();
});

test('a link pasted into the address bar of the open page opens, and Back returns', async () => {
  const { url } = await makeLink();
  const hash = new URL(url).hash;
  const { context, page, errors } = await openFresh(env);
  const mine = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: mine\nspec:\n  containers:\n    - name: a\n      image: a\n';
  const beforeMine = await page.evaluate(() => location.hash);
  await setText(page, mine);
  // The draft reaches the address bar a moment after the edit.
  await page.waitForFunction((b) => location.hash.length > 10 && location.hash !== b, beforeMine);
  // What pressing Enter in the address bar does: navigate to the same page with another fragment.
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.waitForFunction((t) => document.querySelector('textarea#manifest').value === t, CUSTOM);
  assert.equal(await page.inputValue('#level'), 'baseline');
  assert.match(await page.locator('.notice-text').textContent(), /Opened the link/);
  const checks = await page.locator('.finding').evaluateAll((fs) => fs.map((f) => f.dataset.check));
  assert.ok(checks.includes('privileged'), String(checks));
  // Back: the text the user had.
  await page.goBack();
  await page.waitForFunction((t) => document.querySelector('textarea#manifest').value === t, mine);
  assert.equal(await page.inputValue('#level'), 'restricted');
  // A broken link changes nothing and says why.
  await page.evaluate(() => { location.hash = 'v1:broken'; });
  await page.waitForFunction(() => document.querySelector('.notice.error'));
  assert.match(await page.locator('.notice-text').textContent(), /Could not open this link: .*Your text is unchanged/);
  assert.equal(await page.inputValue('textarea#manifest'), mine);
  // The address bar holds the text shown again.
  assert.match(await page.evaluate(() => location.hash), /^#v1:[A-Za-z0-9_-]{20,}$/);
  assert.deepEqual(errors, []);
  await context.close();
});
