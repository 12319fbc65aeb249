// End-to-end test of the Kubernetes menu (issue 17 part B): the cluster's release decides which
// fields the API server keeps, so the same pod is judged differently on 1.32 and 1.33, and the
// choice travels in the link.

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

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  hostUsers: false
  containers:
    - name: app
      image: example/app:1.0
      securityContext:
        procMount: Unmasked
`;

/** Chooses a Kubernetes release in the menu and waits for the new analysis. */
async function chooseKube(page, value) {
  const before = await page.evaluate(() => document.querySelector('.status').dataset.analyses);
  await page.selectOption('#kube', value);
  await page.waitForFunction((b) => document.querySelector('.status').dataset.analyses !== b, before);
}

test('the Kubernetes menu decides which fields the cluster keeps, and links keep it', async () => {
  const { context, page, errors } = await openFresh(env);
  await setText(page, POD);
  // The newest release keeps both fields: nothing is dropped.
  assert.equal(await page.locator('.finding[data-check="field-dropped-by-version"]').count(), 0);
  // 1.32 drops hostUsers and procMount (their gates are off by default there).
  await chooseKube(page, '1.32');
  const dropped = page.locator('.finding[data-check="field-dropped-by-version"]');
  await dropped.first().waitFor();
  // (The first in full; procMount's, of the same check, is folded under it.)
  assert.match(await dropped.first().textContent(), /hostUsers: false is written, but a 1\.32 API server drops it/);
  // The effective view shows procMount as the cluster sets it, and why.
  await page.click('#tab-effective');
  const row = page.locator('tr[data-field="procMount"]').first();
  assert.match(await row.textContent(), /Default/);
  assert.match(await row.textContent(), /ProcMountType/);
  // 1.33 keeps them again.
  await page.click('#tab-findings');
  await chooseKube(page, '1.33');
  assert.equal(await page.locator('.finding[data-check="field-dropped-by-version"]').count(), 0);
  // The link carries the release: a fresh visit opens on 1.32.
  await chooseKube(page, '1.32');
  await page.waitForFunction(() => window.location.hash.length > 10);
  const url = await page.evaluate(() => window.location.href);
  const fresh = await openFresh(env, url);
  assert.equal(await fresh.page.inputValue('#kube'), '1.32');
  await fresh.page.locator('.finding[data-check="field-dropped-by-version"]').first().waitFor();
  assert.deepEqual(fresh.errors, []);
  await fresh.context.close();
  assert.deepEqual(errors, []);
  await context.close();
});
