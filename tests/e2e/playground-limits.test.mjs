// End-to-end tests of the playground's limits: the worker's job queue (stale jobs abandoned, the
// analysis first), a worker answer that cannot be read, link limits, large downloads, hostile and
// stalled texts, and the smaller things around them (undoable examples, notices that go away by
// themselves, links that keep the panel).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { start } from './harness.mjs';
import { loadExample, openFresh, setText } from './playground-helpers.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

/** A privileged Pod followed by ConfigMap filler up to `size` bytes (over 64 KiB: the worker's). */
function large(name, size = 100 * 1024, filler = 200) {
  const parts = [`apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: app\n      image: example/app:1\n      securityContext:\n        privileged: true\n`];
  let length = parts[0].length;
  for (let n = 0; length < size; n += 1) {
    const doc = `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: filler-${n}\ndata:\n  key: "${'x'.repeat(filler)}"\n`;
    parts.push(doc);
    length += doc.length;
  }
  return parts.join('');
}

/** Letters that deflate cannot shrink much (a xorshift generator over 64 symbols). */
function noise(length) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let x = 0x2545f491;
  let out = '';
  for (let i = 0; i < length; i += 1) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out += alphabet[x % 64];
  }
  return out;
}

/** A permalink fragment for `text` with default options, made as the core makes it. */
function permalink(text) {
  const payload = Buffer.from(`\n${text}`, 'utf8');
  let h = 0x811c9dc5;
  for (const b of payload) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(h);
  return `v1:${Buffer.concat([sum, deflateRawSync(payload)]).toString('base64url')}`;
}

/** Replaces the editor's text with one input event (the page debounces it). */
async function paste(page, text) {
  await page.evaluate((t) => {
    const area = document.querySelector('textarea#manifest');
    area.value = t;
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
}

/** Waits until an analysis newer than `before` is shown and nothing is pending. */
async function settled(page, before, timeout = 60000) {
  await page.waitForFunction((b) => {
    const status = document.querySelector('.status');
    return status.dataset.analyses !== b && status.getAttribute('aria-busy') === 'false';
  }, before, { timeout });
}

async function analyses(page) {
  return page.evaluate(() => document.querySelector('.status').dataset.analyses);
}

async function names(page) {
  return page.locator('.object .name').evaluateAll((os) => os.map((o) => o.textContent));
}

test('analysis never waits behind a stale rewrite: the worker is restarted and the analysis goes first', async () => {
  const { context, page, errors } = await openFresh(env);
  // Rewrites are held back before they reach the worker while `hold` is set, so that one runs
  // "forever" from the page's point of view; everything posted to a worker is logged.
  await page.addInitScript(() => {
    const Real = window.Worker;
    const log = { posted: [], terminated: 0, started: 0, held: [] };
    window.__workers = log;
    window.__hold = true;
    window.Worker = class extends Real {
      constructor(url, options) {
        super(url, options);
        log.started += 1;
      }

      postMessage(message) {
        log.posted.push({ job: message[1], seq: message[0], text: message[3] });
        if (message[1] === 'harden' && window.__hold) {
          log.held.push({ worker: this, message });
          return;
        }
        super.postMessage(message);
      }

      terminate() {
        log.terminated += 1;
        super.terminate();
      }
    };
    window.__release = () => {
      window.__hold = false;
      for (const { worker, message } of log.held) Real.prototype.postMessage.call(worker, message);
    };
  });
  await page.reload();
  await page.waitForSelector('textarea#manifest');
  const first = large('first');
  let before = await analyses(page);
  await paste(page, first);
  await settled(page, before);
  assert.ok((await names(page)).includes('first'));
  // The rewrite of the first text goes to the worker and never comes back.
  await page.click('#tab-hardened');
  await page.waitForFunction(() => window.__workers.held.length === 1);
  await page.waitForSelector('.updating');
  // A new text: its analysis must not wait for the rewrite nobody wants any more.
  const second = large('second');
  before = await analyses(page);
  await paste(page, second);
  await settled(page, before);
  const log = await page.evaluate(() => ({
    terminated: window.__workers.terminated,
    started: window.__workers.started,
    posted: window.__workers.posted.map(({ job, text }) => ({ job, name: /name: (\w+)/.exec(text)?.[1] })),
  }));
  console.log(`worker log: ${JSON.stringify(log)}`);
  assert.ok(log.terminated >= 1, JSON.stringify(log));
  assert.equal(log.started, log.terminated + 1, JSON.stringify(log));
  // The new worker got the analysis before the rewrite, once each.
  const afterRestart = log.posted.slice(log.posted.findIndex((p) => p.job === 'harden') + 1);
  const analyses2 = afterRestart.filter((p) => p.job === 'analyze');
  assert.deepEqual(analyses2.map((p) => p.name), ['second'], JSON.stringify(log));
  const order = afterRestart.map((p) => p.job);
  assert.ok(order.indexOf('analyze') < order.indexOf('harden'), JSON.stringify(order));
  // The stale rewrite was never answered; the rewrite of the second text comes once released.
  await page.evaluate(() => window.__release());
  await page.waitForSelector('table.diff');
  assert.match(await page.locator('.hardened-verdicts').textContent(), /Pod second/);
  await page.click('#tab-findings');
  assert.ok((await names(page)).includes('second'));
  assert.ok(!(await names(page)).includes('first'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a worker answer that cannot be read is said and the page analyses instead', async () => {
  const { context, page, errors } = await openFresh(env);
  await page.addInitScript(() => {
    const Real = window.Worker;
    window.Worker = class extends Real {
      set onmessage(handler) {
        super.onmessage = (e) => {
          if (Array.isArray(e.data) && e.data[1] === 'analyze') {
            handler(new MessageEvent('message', { data: [e.data[0], e.data[1], '{"not an analysis', e.data[3], e.data[4]] }));
          } else {
            handler(e);
          }
        };
      }
    };
  });
  await page.reload();
  await page.waitForSelector('textarea#manifest');
  const before = await analyses(page);
  await paste(page, large('unreadable'));
  await settled(page, before);
  const status = page.locator('.status');
  await page.waitForFunction(() => document.querySelector('.status').dataset.inWorker === 'false'
    && [...document.querySelectorAll('.object .name')].some((n) => n.textContent === 'unreadable'));
  assert.match(await status.textContent(), /background worker is unavailable \(its answer to the analyze job could not be read\)/);
  assert.doesNotMatch(await status.textContent(), /analysing/);
  const checks = await page.locator('.finding').evaluateAll((fs) => fs.map((f) => f.dataset.check));
  assert.ok(checks.includes('privileged'), String(checks));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a text too large for a link gets no link and a message saying why', async () => {
  const { context, page, errors } = await openFresh(env);
  // 8.5 MB of comment: the decoder inflates at most 8 MiB (8.4 MB).
  const text = `# ${'a'.repeat(8_500_000)}\n`;
  const before = await analyses(page);
  await paste(page, text);
  await settled(page, before);
  // The address bar no longer holds a link (not even the previous text's).
  await page.waitForFunction(() => location.hash === '');
  await page.click('#share');
  const notice = page.locator('.notice.error');
  await notice.waitFor();
  assert.match(
    await notice.locator('.notice-text').textContent(),
    /^This text is too large to share as a link \(8\.5 MB; the limit is 8\.4 MB\): download it instead$/,
  );
  assert.deepEqual(errors, []);
  await context.close();
});

test('a link over 100,000 characters is copied with a warning that says its length', async () => {
  const { context, page, errors } = await openFresh(env);
  const text = `# ${noise(130_000)}\n`;
  const before = await analyses(page);
  await paste(page, text);
  await settled(page, before);
  await page.waitForFunction(() => location.hash.length > 100_000);
  await page.click('#share');
  const notice = page.locator('.notice');
  await notice.waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, page.url());
  const said = await notice.locator('.notice-text').textContent();
  const count = copied.length.toLocaleString('en-US');
  assert.ok(said.startsWith(`Link copied, but it is ${count} characters long`), said);
  assert.match(said, /cut links over 100,000 characters/);
  // The link opens.
  const other = await openFresh(env, copied);
  await other.page.waitForFunction((t) => document.querySelector('textarea#manifest').value === t, text);
  await other.context.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('downloads of several megabytes arrive whole (a Blob URL, not a data: URL)', async () => {
  const { context, page, errors } = await openFresh(env);
  const text = large('download', 3_500_000, 4000);
  const before = await analyses(page);
  await paste(page, text);
  await settled(page, before);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  assert.equal(download.suggestedFilename(), 'manifest.yaml');
  assert.match(download.url(), /^blob:/);
  const bytes = readFileSync(await download.path());
  assert.equal(bytes.length, Buffer.byteLength(text));
  assert.ok(bytes.equals(Buffer.from(text)), 'the downloaded bytes differ from the text');
  // The hardened rewrite too.
  await page.click('#tab-hardened');
  await page.waitForSelector('#download-hardened');
  await page.waitForFunction(() => !document.querySelector('.updating'));
  const [hardened] = await Promise.all([page.waitForEvent('download'), page.click('#download-hardened')]);
  const rewritten = readFileSync(await hardened.path(), 'utf8');
  assert.ok(rewritten.length > 3_500_000, String(rewritten.length));
  assert.ok(rewritten.endsWith(text.slice(-5000)), 'the rewrite is cut short');
  assert.match(rewritten, /name: download/);
  assert.deepEqual(errors, []);
  await context.close();
});

/** The alias-amplification text of issue 15: one 30 KB string used by 600 containers. */
function amplification() {
  const lines = [
    'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: amplified', '  annotations:',
    `    big: &big "${'x'.repeat(30_000)}"`, 'spec:', '  containers:',
  ];
  for (let i = 0; i < 600; i += 1) lines.push(`    - name: c${i}`, '      image: *big');
  return `${lines.join('\n')}\n`;
}

test('a link to a hostile text opens and the page stays responsive', async () => {
  const text = amplification();
  assert.ok(text.length < 64 * 1024, `${text.length}: analysed on the page`);
  const { context, page, errors } = await openFresh(env, `${env.url}#${permalink(text)}`);
  await page.waitForFunction(() => document.querySelector('.status')?.dataset.analyses !== undefined);
  assert.equal(await page.inputValue('textarea#manifest'), text);
  // Responsive: the page answers and edits are analysed.
  assert.equal(await page.evaluate(() => 1 + 1), 2);
  const shown = await page.locator('.status .summary').textContent();
  console.log(`hostile link: ${shown}; ${await page.locator('.errors').count()} error section(s)`);
  // Whatever the core makes of it (an error, or a result cut short with a notice) is shown.
  assert.ok((await page.locator('.errors .error').count()) + (await page.locator('.object').count()) > 0);
  await setText(page, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: after\nspec:\n  containers:\n    - name: a\n      image: a\n');
  assert.deepEqual(await names(page), ['after']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a text the last visit never finished analysing is opened without being analysed', async () => {
  const { context, page, errors } = await openFresh(env);
  const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: stalled\nspec:\n  containers:\n    - name: a\n      image: a\n';
  await setText(page, text);
  await page.waitForFunction(() => localStorage.getItem('podsec.draft'));
  // What a visit that died inside the analysis leaves behind: the draft and the mark.
  await page.evaluate(() => localStorage.setItem('podsec.analysing', '1'));
  await page.goto(env.url);
  await page.waitForSelector('textarea#manifest');
  const notice = page.locator('.notice.error');
  await notice.waitFor();
  assert.match(await notice.textContent(), /The last visit stopped while analysing this text/);
  assert.equal(await page.inputValue('textarea#manifest'), text);
  assert.match(await page.locator('.status').textContent(), /^Not analysed/);
  assert.equal(await page.locator('.object').count(), 0);
  assert.equal(await page.evaluate(() => localStorage.getItem('podsec.analysing')), null);
  // Asked to, the page analyses it.
  await page.click('.notice .action');
  await page.waitForSelector('.object');
  assert.deepEqual(await names(page), ['stalled']);
  assert.equal(await page.evaluate(() => localStorage.getItem('podsec.analysing')), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an example chosen over the user\'s text can be undone', async () => {
  const { context, page, errors } = await openFresh(env);
  const mine = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: mine # typed by hand\nspec:\n  containers:\n    - name: a\n      image: a\n';
  await setText(page, mine);
  // One arrow key on the gallery is enough to replace the text.
  await page.focus('#example');
  const before = await analyses(page);
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction((b) => document.querySelector('.status').dataset.analyses !== b, before);
  assert.notEqual(await page.inputValue('textarea#manifest'), mine);
  const notice = page.locator('.notice');
  assert.match(await notice.locator('.notice-text').textContent(), /in place of your text/);
  await page.click('.notice .action');
  await page.waitForFunction((t) => document.querySelector('textarea#manifest').value === t, mine);
  await page.waitForSelector('.object');
  assert.deepEqual(await names(page), ['mine']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('notices go away by themselves and never move the page', async () => {
  const { context, page, errors } = await openFresh(env);
  await page.waitForFunction(() => location.hash.length > 10);
  const top = () => page.evaluate(() => document.querySelector('main.panes').getBoundingClientRect().top);
  const without = await top();
  await page.click('#share');
  await page.locator('.notice').waitFor();
  assert.equal(await top(), without);
  await page.locator('.notice').waitFor({ state: 'detached', timeout: 20000 });
  assert.equal(await top(), without);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a link keeps the panel and the unsafe switch, and the verdict names the version asked for', async () => {
  const { context, page } = await openFresh(env);
  await loadExample(page, 'privileged-daemonset');
  await page.click('#tab-hardened');
  await page.waitForFunction(() => location.hash.endsWith('~hardened'));
  const safe = await page.evaluate(() => location.hash);
  await page.check('#include-unsafe');
  await page.waitForFunction((h) => location.hash !== h && location.hash.endsWith('~hardened'), safe);
  const url = page.url();
  await context.close();
  const other = await openFresh(env, url);
  await other.page.waitForSelector('table.diff');
  assert.equal(await other.page.getAttribute('#tab-hardened', 'aria-selected'), 'true');
  assert.ok(await other.page.isChecked('#include-unsafe'));
  await other.page.click('#tab-findings');
  await other.page.waitForFunction(() => !location.hash.includes('~'));
  const verdict = await other.page.locator('.verdict p').first().textContent();
  const message = await other.page.locator('.admission').first().textContent();
  assert.match(verdict, /^The DaemonSet would be admitted with a warning, but every pod it creates would be refused at restricted:latest \(v1\.\d+\)$/);
  assert.match(message, /PodSecurity "restricted:latest"/);
  assert.deepEqual(other.errors, []);
  await other.context.close();
});
