// Rendered Helm output in the playground (issue 21): findings are grouped by the template file each
// object came from (Helm's `# Source:` comment, read by the core), in order of first appearance.

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

const pod = (name) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
    - name: app
      image: app:1.0
`;

const HELM = `---
# Source: web/templates/api.yaml
${pod('api')}---
# Source: web/templates/worker.yaml
${pod('worker')}---
# Source: web/templates/api.yaml
${pod('api-canary')}`;

test('helm template output is grouped by template file', async () => {
  const { context, page, errors } = await openFresh(env);
  await setText(page, HELM);
  await page.waitForSelector('.source-group');
  const groups = await page.locator('.source-group').evaluateAll((gs) => gs.map((g) => ({
    file: g.querySelector('.source-file').textContent,
    objects: [...g.querySelectorAll('.object')].length,
  })));
  assert.deepEqual(groups, [
    { file: 'web/templates/api.yaml', objects: 2 },
    { file: 'web/templates/worker.yaml', objects: 1 },
  ]);
  // Plain text with no source keeps the panel as it was: no groups.
  await setText(page, pod('plain'));
  await page.waitForFunction(() => document.querySelectorAll('.source-group').length === 0);
  assert.deepEqual(errors, []);
  await context.close();
});
