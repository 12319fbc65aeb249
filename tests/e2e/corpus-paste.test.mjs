// Real manifests pasted into the playground as a visitor pastes them: every 10th file of the
// corpus (../shared/corpus, 40 files: big installs, JSON, anchors, Lists, broken files), each with
// a real Ctrl+A, Ctrl+V into the rich editor, then each panel shown. The page must keep the text as
// pasted, count the workloads the corpus's own index counts, and log no error.
//
// (The whole corpus, all 400 files, passes the same way in about 2.5 minutes: run this file with
// PODSEC_CORPUS_STEP=1.)

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, start } from './harness.mjs';
import { openFresh } from './playground-helpers.mjs';

const CORPUS = join(ROOT, '..', 'shared', 'corpus');
const STEP = Number(process.env.PODSEC_CORPUS_STEP || 10);

// Where the corpus's index (SOURCES.tsv, counted by another YAML reader) and Kubernetes disagree,
// the playground follows Kubernetes.
const KUBERNETES_DIFFERS = new Map([
  // `<<: *common-env` merges an alias of a sequence: Kubernetes' decoder (go-yaml v2) refuses the
  // document ("map merge requires map or sequence of maps as the value"), so it holds no workload.
  ['files/kube-linter/pkg__templates__sortedkeys__testdata__container-with-merge.yaml', 0],
  // Kustomize `$patch: delete` patches: a Deployment with no pod template, not a workload.
  ['files/kubeflow-manifests/applications__pipeline__upstream__env__cert-manager__platform-agnostic-multi-user__patches__delete.deployment.cache-deployer.yaml', 0],
  ['files/microservices-demo/kustomize__components__without-loadgenerator__delete-loadgenerator.patch.yaml', 0],
  // The index counts none in a file that does not parse; the documents before the broken one do.
  ['files/linkerd2/cli__cmd__testdata__inject_gettest_deployment.bad.input.yml', 1],
]);

/** The index's rows, in path order: path and workload count. */
function corpus() {
  const [head, ...rows] = readFileSync(join(CORPUS, 'SOURCES.tsv'), 'utf8').trimEnd().split('\n').map((l) => l.split('\t'));
  const path = head.indexOf('local_path');
  const workloads = head.indexOf('workload_objects');
  return rows
    .map((r) => ({ path: r[path], workloads: Number(r[workloads]) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

test('corpus files pasted into the playground: text kept, workloads counted, no error', { skip: !existsSync(join(CORPUS, 'SOURCES.tsv')) && 'corpus not found' }, async () => {
  const files = corpus().filter((_, i) => i % STEP === 0);
  assert.ok(files.length >= 400 / STEP, `${files.length} files`);
  const { context, page, errors } = await openFresh(env, env.url, { rich: true });
  const problems = [];
  for (const { path, workloads } of files) {
    const text = readFileSync(join(CORPUS, path), 'utf8');
    const before = await page.evaluate(() => document.querySelector('.status').dataset.analyses);
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await page.click('.cm-content');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+V');
    await page.waitForFunction((b) => document.querySelector('.status').dataset.analyses !== b, before, { timeout: 30000 });
    // The editor keeps lines, not line-break characters: CRLF and a lone CR read as LF.
    const kept = await page.evaluate((t) => globalThis.podsecEditor.text() === t, text.replace(/\r\n?/g, '\n'));
    if (!kept) problems.push(`${path}: the editor's text differs from the file`);
    for (const tab of ['#tab-effective', '#tab-hardened', '#tab-findings']) {
      await page.click(tab);
      await page.waitForSelector(`${tab}[aria-selected="true"]`);
    }
    const status = await page.locator('.status').textContent();
    const counted = Number(/(\d+) workloads?\b/.exec(status)?.[1]);
    const want = KUBERNETES_DIFFERS.get(path) ?? workloads;
    if (counted !== want) problems.push(`${path}: ${status.trim()} (the index counts ${want})`);
    if (errors.length) problems.push(`${path}: ${errors.splice(0).join('; ')}`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});
