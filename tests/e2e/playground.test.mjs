// End-to-end tests of the playground UI: examples, the effective view, finding navigation, the
// editor's keys, the hardened view and its copy button, in Debian's headless Chromium.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './harness.mjs';
import { loadExample, openFresh, setText } from './playground-helpers.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

async function checks(page) {
  return page.locator('.finding').evaluateAll((fs) => fs.map((f) => f.dataset.check));
}

const EXPECTED = {
  'seed-hardened-pod': { admitted: false, check: 'seccompProfile_restricted' },
  'nothing-set': { admitted: false, check: 'runAsNonRoot' },
  'privileged-daemonset': { admitted: false, check: 'privileged', workload: 'DaemonSet' },
  'container-overrides-pod': { admitted: false, check: 'runAsUser', workload: 'Deployment' },
  cronjob: { admitted: false, check: 'seccompProfile_restricted', workload: 'CronJob' },
  'multi-document': { admitted: false, check: 'allowPrivilegeEscalation', skipped: 2, workload: 'Deployment' },
  'windows-pod': { admitted: true, pass: 'seccompProfile_restricted' },
  'user-namespace': { admitted: true, check: 'run-as-root' },
  'broken-yaml': { error: true },
  // Six workloads in two namespaces: tests/e2e/namespaces.test.mjs covers it.
  'two-namespaces': { workloads: 6 },
};

test('every example loads with its verdict and an expected finding', async () => {
  const { context, page, errors } = await openFresh(env);
  const ids = await page.locator('#example option').evaluateAll(
    (options) => options.map((o) => o.value).filter(Boolean),
  );
  assert.deepEqual(ids.sort(), Object.keys(EXPECTED).sort());
  for (const id of ids) {
    const want = EXPECTED[id];
    await loadExample(page, id);
    // The notice about the replaced text floats over the foot of the page.
    if (await page.locator('.notice .dismiss').count()) await page.locator('.notice .dismiss').click();
    if (want.error) {
      await page.locator('.errors .error').first().waitFor();
      assert.match(await page.locator('.errors .error').first().textContent(), /^line \d+, column \d+: \S/);
      assert.equal(await page.locator('.overlay .parse-error').count(), 1, 'underlined error');
      assert.equal(await page.locator('.gutter .mark.error').count(), 1, 'gutter marker');
      continue;
    }
    const verdicts = await page.locator('.object .verdict').allTextContents();
    if (want.workloads) {
      assert.equal(verdicts.length, want.workloads, id);
      continue;
    }
    assert.equal(verdicts.length, 1, id);
    // A pod is denied; a workload is admitted with a warning and its pods are refused.
    const expected = want.admitted ? /^Would be admitted at restricted:latest \(v1\.\d+\)/
      : want.workload ? new RegExp(`^The ${want.workload} would be admitted with a warning, but every pod it creates would be refused at restricted:latest \\(v1\\.\\d+\\)`)
        : /^Would not be admitted at restricted:latest \(v1\.\d+\)/;
    assert.match(verdicts[0], expected, id);
    if (!want.admitted) {
      assert.match(await page.locator('.admission').textContent(), /violates? PodSecurity "restricted:latest"/, id);
    }
    if (want.check) assert.ok((await checks(page)).includes(want.check), `${id}: ${await checks(page)}`);
    if (want.pass) {
      await page.locator('.passes button.disclose').click();
      const pass = page.locator(`.pass[data-check="${want.pass}"]`);
      assert.ok((await pass.textContent()).length > want.pass.length + 5, id);
    }
    if (want.skipped) {
      await page.locator('.skipped button.disclose').click();
      assert.equal(await page.locator('.skipped .skip').count(), want.skipped, id);
    }
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('findings are grouped by level with docs, fixes and gutter markers', async () => {
  const { context, page } = await openFresh(env);
  await loadExample(page, 'privileged-daemonset');
  const headings = await page.locator('.group h3').allTextContents();
  assert.match(headings[0], /^Pod Security Standards: baseline/);
  assert.ok(headings.some((h) => h.startsWith('Hardening')), String(headings));
  const privileged = page.locator('.finding[data-check="privileged"]').first();
  assert.match(await privileged.locator('.message').textContent(), /container "agent"/);
  await privileged.locator('.docs button.disclose').click();
  assert.ok((await privileged.locator('.docs').textContent()).includes('Why it matters'));
  const line = await privileged.getAttribute('data-line');
  assert.ok(await page.locator(`.gutter .mark.baseline[data-line="${line}"]`).count() === 1);
  // Baseline admits what restricted refuses in part; privileged still fails.
  await page.selectOption('#level', 'baseline');
  await page.waitForFunction(() => /at baseline/.test(document.querySelector('.verdict')?.textContent ?? ''));
  assert.match(await page.locator('.verdict').first().textContent(), /every pod it creates would be refused at baseline/);
  await loadExample(page, 'nothing-set');
  assert.match(await page.locator('.verdict').first().textContent(), /^Would be admitted at baseline:latest \(v1\.\d+\)/);
  await page.selectOption('#version', 'v1.22');
  await page.waitForFunction(() => /v1\.22/.test(document.querySelector('.verdict')?.textContent ?? ''));
  assert.match(await page.locator('.verdict').first().textContent(), /baseline:v1\.22/);
  await context.close();
});

const TWO = `apiVersion: v1
kind: Pod
metadata:
  name: two
spec:
  containers:
    - name: a
      image: a:1
    - name: b
      image: b:1
`;

test('a pod-level runAsNonRoot shows as inherited from the pod in every container', async () => {
  const { context, page } = await openFresh(env);
  await page.click('#tab-effective');
  await setText(page, TWO);
  await page.waitForFunction(() => document.querySelectorAll('.container').length === 2);
  const before = await page.locator('tr[data-field="runAsNonRoot"] .src').allTextContents();
  assert.ok(before.every((s) => !s.startsWith('pod')), String(before));
  // Type the pod-level securityContext key by key after "spec:".
  const area = page.locator('textarea#manifest');
  await area.focus();
  await page.evaluate(() => {
    const a = document.querySelector('textarea#manifest');
    const at = a.value.indexOf('spec:\n') + 'spec:\n'.length;
    a.setSelectionRange(at, at);
  });
  await page.keyboard.type('  securityContext:\n    runAsNonRoot: true\n');
  await page.waitForFunction(() => [...document.querySelectorAll('tr[data-field="runAsNonRoot"] .src')]
    .every((s) => s.textContent.startsWith('pod')));
  const after = await page.locator('tr[data-field="runAsNonRoot"] .src').allTextContents();
  assert.deepEqual(after, ['pod', 'pod']);
  assert.deepEqual(
    await page.locator('.container .cname').allTextContents(),
    ['a', 'b'],
  );
  assert.deepEqual(await page.locator('.container .ctype').allTextContents(), ['regular', 'regular']);
  // The value's line points at the pod's field; implicit values are marked and explained.
  assert.equal(await page.locator('tr[data-field="runAsNonRoot"] .loc').first().textContent(), 'line 7:1');
  const implicit = page.locator('tr.implicit .src').first();
  assert.ok((await implicit.getAttribute('title')).startsWith('Not written anywhere'));
  await page.locator('tr[data-field="runAsNonRoot"] button.field-name').first().click();
  assert.ok((await page.locator('tr.glossary#about-runAsNonRoot').first().textContent()).includes('kubelet'));
  await context.close();
});

test('clicking a finding selects its line in the editor', async () => {
  const { context, page } = await openFresh(env);
  await loadExample(page, 'container-overrides-pod');
  const finding = page.locator('.finding[data-check="runAsUser"]').first();
  const line = Number(await finding.getAttribute('data-line'));
  await finding.locator('.loc').first().click();
  const sel = await page.evaluate(() => {
    const a = document.querySelector('textarea#manifest');
    return {
      focused: document.activeElement === a,
      line: a.value.slice(0, a.selectionStart).split('\n').length,
      selected: a.value.slice(a.selectionStart, a.selectionEnd),
    };
  });
  assert.equal(sel.focused, true);
  assert.equal(sel.line, line);
  assert.match(sel.selected, /0/);
  await context.close();
});

test('Tab indents with spaces and undo still works after it', async () => {
  const { context, page } = await openFresh(env);
  await setText(page, 'a: 1\n');
  const area = page.locator('textarea#manifest');
  await area.focus();
  await page.evaluate(() => document.querySelector('textarea#manifest').setSelectionRange(5, 5));
  await page.keyboard.press('Tab');
  await page.keyboard.type('b');
  assert.equal(await area.inputValue(), 'a: 1\n  b');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'manifest');
  // Undo is the browser's own, kept because the app never rewrites the textarea while typing.
  await page.keyboard.press('Control+z');
  assert.ok(['a: 1\n', 'a: 1\n  '].includes(await area.inputValue()), await area.inputValue());
  // Escape, then Tab, leaves the editor.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  assert.notEqual(await page.evaluate(() => document.activeElement.id), 'manifest');
  await context.close();
});

test('the hardened view changes with unsafe edits and copies its text', async () => {
  const { context, page, errors } = await openFresh(env);
  await loadExample(page, 'nothing-set');
  await page.click('#tab-hardened');
  await page.locator('.diff').waitFor();
  const safe = await page.locator('.diff td.new').allTextContents();
  assert.ok(safe.some((l) => l.includes('RuntimeDefault')), String(safe));
  assert.ok((await page.locator('.diff .annotation').count()) >= 1);
  assert.match(await page.locator('.diff .annotation').first().textContent(), /^safe /);
  await page.check('#include-unsafe');
  await page.waitForFunction(
    (n) => document.querySelectorAll('.diff td.new').length !== n
      || document.querySelector('.diff').textContent.includes('unsafe'),
    safe.length,
  );
  const unsafe = await page.locator('.diff td.new').allTextContents();
  assert.notDeepEqual(unsafe, safe);
  assert.ok((await page.locator('.diff .annotation .grade.unsafe').count()) >= 1);
  const verdict = await page.locator('.hardened-verdicts .verdict').first().textContent();
  assert.match(verdict, /^Pod plain: admitted at restricted:latest \(v1\.\d+\) after the rewrite/);
  await page.click('#copy-hardened');
  // The example's "loaded in place of your text" notice may still show until the copy's replaces it.
  await page.waitForFunction(() => document.querySelector('.notice-text')?.textContent.startsWith('Hardened'));
  assert.equal(await page.locator('.notice-text').textContent(), 'Hardened YAML copied.');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(copied, /^apiVersion: v1\nkind: Pod\n/);
  assert.ok(copied.includes('runAsNonRoot: true'), copied);
  assert.ok(copied.includes('type: RuntimeDefault'), copied);
  assert.deepEqual(errors, []);
  await context.close();
});
