// End-to-end tests of the check docs and glossary entries in the playground: their Markdown is
// rendered (paragraphs, lists, code spans), references are links that open only on a click, and
// showing them fetches nothing but the site's own learner-text.json (the checks' docs, which the
// page's wasm does not hold), with "Loading…" meanwhile, a message if it fails, and offline after
// the first visit.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, open, plainEditor, start } from './harness.mjs';
import { controlled, loadExample, openFresh, setText } from './playground-helpers.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

// A pod the API server refuses for its seccomp type: the check's docs hold a list.
const BAD_SECCOMP = `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:
    seccompProfile:
      type: runtimeDefault
  containers:
    - name: app
      image: app:1
`;

test('check docs show code spans, paragraphs and lists, not raw Markdown', async () => {
  const { page, log } = await open(env);
  await loadExample(page, 'privileged-daemonset');
  const docs = page.locator('.finding[data-check="privileged"] .docs').first();
  await docs.locator('button.disclose').click();
  // "What it looks for" names `securityContext.privileged: true` as code (the docs arrive with
  // learner-text.json, fetched on this first opening: waited for, not assumed there).
  await docs.locator('p code').first().waitFor();
  const codes = await docs.locator('p code').allTextContents();
  assert.ok(codes.includes('securityContext.privileged: true'), String(codes));
  // Nothing outside the YAML samples shows a backtick, in any check's docs.
  const stray = await page.locator('.docs').evaluateAll((ds) => ds.flatMap((d) => {
    const clone = d.cloneNode(true);
    for (const pre of clone.querySelectorAll('pre')) pre.remove();
    return clone.textContent.includes('`') ? [d.querySelector('button.disclose').textContent] : [];
  }));
  assert.deepEqual(stray, []);
  // "Why it matters" is three sentences on three lines: one paragraph.
  const why = await docs.evaluate((d) => {
    const h = [...d.querySelectorAll('h4')].find((e) => e.textContent === 'Why it matters');
    const out = [];
    for (let n = h.nextElementSibling; n && n.tagName !== 'H4'; n = n.nextElementSibling) out.push(n.tagName);
    return out;
  });
  assert.deepEqual(why, ['P']);

  await setText(page, BAD_SECCOMP);
  const seccomp = page.locator('.finding[data-check="invalid-seccomp-profile"] .docs').first();
  await seccomp.locator('button.disclose').click();
  const items = seccomp.locator('ul.md-list > li');
  assert.equal(await items.count(), 4);
  assert.equal(await items.first().locator('code').first().textContent(), 'type');
  assert.equal(await seccomp.locator('ul.md-list').evaluate((ul) => getComputedStyle(ul).listStyleType), 'disc');
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('references are links that open in a new tab without a referrer; showing them fetches nothing from elsewhere', async () => {
  const { page, log } = await open(env);
  await loadExample(page, 'privileged-daemonset');
  await page.evaluate(() => {
    for (const b of document.querySelectorAll('.docs button.disclose[aria-expanded="false"]')) b.click();
  });
  await page.waitForSelector('.docs .refs a');
  const links = await page.locator('.docs .refs a').evaluateAll((as) => as.map((a) => ({
    href: a.getAttribute('href'), text: a.textContent, rel: a.rel, target: a.target,
  })));
  assert.ok(links.length >= 3, JSON.stringify(links));
  for (const l of links) {
    assert.match(l.href, /^https:\/\//);
    assert.equal(l.text, l.href);
    assert.equal(l.rel, 'noopener noreferrer');
    assert.equal(l.target, '_blank');
  }
  // References that are not addresses stay text.
  const plain = await page.locator('.docs .refs li:not(:has(a))').allTextContents();
  assert.ok(plain.every((t) => !/^https?:/.test(t)), String(plain));
  await page.waitForLoadState('networkidle');
  const origin = new URL(env.url).origin;
  for (const url of log.requests) assert.equal(new URL(url).origin, origin, `request to another origin: ${url}`);
  assert.deepEqual(log.violations, []);
  await page.close();
});

test('check docs arrive on demand: "Loading…", then the docs; a failed fetch says so and the next opening retries', async () => {
  // No service worker, so that the page's own fetch of learner-text.json can be held and failed.
  const context = await env.browser.newContext({ serviceWorkers: 'block' });
  await plainEditor(context);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let mode = 'hold';
  const fetched = [];
  await context.route('**/learner-text.json*', async (route) => {
    fetched.push(route.request().url());
    if (mode === 'fail') return route.abort();
    if (mode === 'hold') await held;
    return route.continue();
  });
  await page.goto(env.url);
  await page.waitForSelector('textarea#manifest');
  assert.deepEqual(fetched, [], 'the docs are fetched only when shown');
  await loadExample(page, 'privileged-daemonset');
  const docs = page.locator('.finding[data-check="privileged"] .docs').first();
  await docs.locator('button.disclose').click();
  await docs.locator('.loading', { hasText: 'Loading…' }).waitFor();
  assert.equal(fetched.length, 1);
  release();
  await docs.locator('h4', { hasText: 'What it looks for' }).waitFor();
  assert.equal(await docs.locator('.loading').count(), 0);
  assert.match(await docs.textContent(), /securityContext\.privileged: true/);

  // A page whose fetch fails says so, and opening the docs again tries again.
  mode = 'fail';
  await page.reload();
  // The draft brings the example back.
  await page.waitForSelector('.finding[data-check="privileged"] .docs');
  await docs.locator('button.disclose').click();
  await docs.locator('.loading', { hasText: 'could not be loaded' }).waitFor();
  mode = 'pass';
  await docs.locator('button.disclose').click();
  await docs.locator('button.disclose').click();
  await docs.locator('h4', { hasText: 'Why it matters' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('check docs work offline after the first visit, though never shown in it', async () => {
  const { context, page, errors } = await openFresh(env);
  await controlled(page);
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector('textarea#manifest');
  await loadExample(page, 'privileged-daemonset');
  const docs = page.locator('.finding[data-check="privileged"] .docs').first();
  await docs.locator('button.disclose').click();
  await docs.locator('h4', { hasText: 'What it looks for' }).waitFor();
  assert.match(await docs.textContent(), /securityContext\.privileged: true/);
  await context.setOffline(false);
  assert.deepEqual(errors.filter((e) => !/Failed to load resource/.test(e)), []);
  await context.close();
});

test('glossary entries render as a definition list', async () => {
  const { page } = await open(env);
  await loadExample(page, 'nothing-set');
  await page.click('#tab-effective');
  await page.locator('tr[data-field="runAsNonRoot"] button.field-name').first().click();
  const entry = page.locator('tr.glossary#about-runAsNonRoot').first();
  assert.deepEqual(await entry.locator('dt').allTextContents(), ['When unset', 'Interactions', 'Written in']);
  assert.ok((await entry.locator('dd').nth(1).textContent()).includes('kubelet'));
  assert.equal(await entry.locator('dd').first().evaluate((dd) => getComputedStyle(dd).fontWeight), '400');
  await page.close();
});

// Every check's Example in CHECKS.md (and `podsec explain`) carries a "Try it" link: it opens the
// example in the playground with the finding shown. The links point at `cargo xtask serve`'s
// address; here the same fragment is opened on the test server, first as a fresh visit, then on
// the open page (the fragment changes, as when a link is pasted into the address bar).
test('"Try it" links of CHECKS.md open each example with its finding shown', async () => {
  const md = readFileSync(join(ROOT, 'CHECKS.md'), 'utf8');
  const links = [];
  let check = null;
  for (const line of md.split('\n')) {
    const heading = line.match(/^### `([^`]+)`$/);
    if (heading) check = heading[1];
    const link = line.match(/^\[Try it in the playground\]\(http:\/\/127\.0\.0\.1:8080\/#([^)]+)\)$/);
    if (link) links.push({ check, fragment: link[1] });
  }
  const headings = md.split('\n').filter((l) => /^### `/.test(l)).length;
  assert.equal(links.length, headings, 'one Try it link per check');
  const { context, page, errors } = await openFresh(env, `${env.url}#${links[0].fragment}`);
  for (const [i, { check: id, fragment }] of links.entries()) {
    if (i > 0) {
      const before = await page.evaluate(() => document.querySelector('.status').dataset.analyses);
      await page.evaluate((f) => { window.location.hash = f; }, fragment);
      await page.waitForFunction((b) => document.querySelector('.status').dataset.analyses !== b, before);
    }
    await page.locator(`.finding[data-check="${id}"]`).first().waitFor();
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('a check\'s docs in the results offer its example in the editor', async () => {
  const { context, page, errors } = await openFresh(env);
  await loadExample(page, 'privileged-daemonset');
  const docs = page.locator('.finding[data-check="privileged"] .docs').first();
  await docs.locator('button.disclose').click();
  const before = await page.evaluate(() => document.querySelector('.status').dataset.analyses);
  await docs.locator('.try-it a').click();
  await page.waitForFunction((b) => document.querySelector('.status').dataset.analyses !== b, before);
  // The example alone is in the editor now: one workload, with the privileged finding.
  await page.locator('.finding[data-check="privileged"]').first().waitFor();
  assert.match(await page.locator('.status').textContent(), /1 workload/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('"Try it" over the user\'s own text keeps it: Undo brings it back', async () => {
  const { context, page, errors } = await openFresh(env);
  const mine = `apiVersion: v1
kind: Pod
metadata:
  name: mine
spec:
  containers:
    - name: app
      image: app:1
      securityContext:
        privileged: true
`;
  await setText(page, mine);
  const docs = page.locator('.finding[data-check="privileged"] .docs').first();
  await docs.locator('button.disclose').click();
  const before = await page.evaluate(() => document.querySelector('.status').dataset.analyses);
  await docs.locator('.try-it a').click();
  await page.waitForFunction((b) => document.querySelector('.status').dataset.analyses !== b, before);
  assert.notEqual(await page.inputValue('textarea#manifest'), mine);
  await page.locator('.notice button.action', { hasText: 'Undo' }).click();
  await page.waitForFunction((t) => document.querySelector('textarea#manifest').value === t, mine);
  assert.deepEqual(errors, []);
  await context.close();
});
