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

// The selectors are deliberately loose (`.results` holds the analysis, `.errors .error` each syntax
// error, `textarea#manifest` the text), so the tests outlive changes to the markup.

test('typing a Deployment lists both of its containers', async () => {
  const { page, log } = await open(env);
  await typeManifest(page, DEPLOYMENT);
  const results = page.locator('.results');
  await page.waitForFunction(() => {
    const text = document.querySelector('.results')?.textContent ?? '';
    return text.includes('front') && text.includes('back');
  });
  const text = await results.textContent();
  assert.match(text, /Deployment/);
  assert.match(text, /shop/);
  assert.ok(text.indexOf('front') < text.indexOf('back'), `containers out of order: ${text}`);
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
  assert.match(text, /line [34], column \d+/);
  assert.deepEqual(log.errors, []);
  await page.close();
});

test('every request stays on the same origin and the CSP holds', async () => {
  const { page, log } = await open(env);
  await page.waitForSelector('.results .object');
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

test('the built page, styles and scripts name no other host', () => {
  // The checks' documentation (learner-text.json, fetched on demand and shown as text) holds
  // reference links, followed only on a click, never fetched; what could be fetched is named by the
  // HTML, CSS, JS and the other JSON files.
  const offenders = [];
  for (const name of readdirSync(DIST)) {
    if (!/\.(html|css|js|json|webmanifest)$/.test(name) || name === 'learner-text.json') continue;
    let text = readFileSync(join(DIST, name), 'utf8');
    // Whole-line comments in the wasm-bindgen glue cite MDN; comments fetch nothing.
    if (name.endsWith('.js')) text = text.replace(/^\s*\/\/.*$/gm, '');
    // The editor (codemirror.js) names SVG's XML namespace to create elements; a namespace is a
    // name, never fetched.
    text = text.replaceAll('http://www.w3.org/2000/svg', '');
    for (const match of text.matchAll(/\b(?:https?|wss?):\/\/[^\s"'`)<>]+/g)) {
      offenders.push(`${name}: ${match[0]}`);
    }
  }
  assert.deepEqual(offenders, []);
});
