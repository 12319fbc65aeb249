// End-to-end tests of the built site (dist/) in Debian's headless Chromium.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, open, start } from './harness.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  template:
    spec:
      containers:
        - name: front
          image: front:1
        - name: back
          image: back:1
`;

/** Replaces the textarea's content by typing `text` key by key. */
async function typeManifest(page, text) {
  await page.fill('textarea#manifest', '');
  await page.focus('textarea#manifest');
  // Typed with real key events; a newline is an Enter key press.
  await page.keyboard.type(text);
}

test('typing a Deployment lists both of its containers', async () => {
  const { page, log } = await open(env);
  await typeManifest(page, DEPLOYMENT);
  await page.waitForFunction(
    () => document.querySelectorAll('.containers .container').length === 2,
  );
  assert.deepEqual(await page.locator('.object > .kind').allTextContents(), ['Deployment']);
  assert.deepEqual(await page.locator('.object > .name').allTextContents(), ['shop']);
  assert.deepEqual(await page.locator('.containers .name').allTextContents(), ['front', 'back']);
  assert.deepEqual(await page.locator('.containers .line').allTextContents(), ['line 9', 'line 11']);
  assert.deepEqual(log.errors, []);
  assert.deepEqual(log.violations, []);
  await page.close();
});

test('broken YAML shows the error with its line and column', async () => {
  const { page, log } = await open(env);
  await page.fill('textarea#manifest', 'apiVersion: v1\nkind: Pod\nmetadata: [unclosed\n');
  const error = page.locator('.errors .error').first();
  await error.waitFor();
  const text = await error.textContent();
  assert.match(text, /^line \d+, column \d+: \S/);
  assert.equal(await page.locator('.objects').count(), 0);
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('every request stays on the same origin and the CSP holds', async () => {
  const { page, log } = await open(env);
  await page.waitForSelector('.objects .object');
  await page.waitForLoadState('networkidle');
  const origin = new URL(env.url).origin;
  assert.ok(log.requests.length >= 3, `requests: ${log.requests}`);
  for (const url of log.requests) {
    assert.equal(new URL(url).origin, origin, `request to another origin: ${url}`);
  }
  assert.deepEqual(log.violations, [], 'Content-Security-Policy violations');
  assert.deepEqual(log.errors, [], 'console errors');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval';/);
  assert.equal(await page.locator('script:not([src])').count(), 0, 'inline scripts');
  await page.close();
});

test('the built files name no other host', () => {
  const offenders = [];
  for (const name of readdirSync(DIST)) {
    if (!/\.(html|js|css)$/.test(name)) continue;
    const text = readFileSync(join(DIST, name), 'utf8');
    for (const match of text.matchAll(/\b(?:https?|wss?):\/\/[^\s"'`)<>]+/g)) {
      offenders.push(`${name}: ${match[0]}`);
    }
  }
  assert.deepEqual(offenders, []);
});
