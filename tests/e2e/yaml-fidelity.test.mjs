// The playground reads YAML as Kubernetes does (issue 14): a merge key written after an explicit
// key overrides it, so this container is privileged. It runs the same core as the CLI; this test
// proves the page shows that reading, in Debian's headless Chromium.

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

const LATE_MERGE = `apiVersion: v1
kind: Pod
metadata:
  name: late-merge
spec:
  containers:
    - name: app
      image: app:1.0
      securityContext: {privileged: false, <<: {privileged: true}}
`;

test('a merge key after an explicit key makes the container privileged, as Kubernetes reads it', async () => {
  const { context, page, errors } = await openFresh(env);
  await page.selectOption('#level', 'baseline');
  await setText(page, LATE_MERGE);
  await page.waitForSelector('.finding[data-check="privileged"]');
  const line = await page.locator('.finding[data-check="privileged"]').first().getAttribute('data-line');
  assert.equal(line, '9');
  await page.click('#tab-effective');
  await page.waitForSelector('tr[data-field="privileged"]');
  const value = await page.locator('tr[data-field="privileged"] td').allTextContents();
  assert.ok(value.some((v) => v.includes('true')), `effective privileged: ${value}`);
  assert.deepEqual(errors, []);
  await context.close();
});
