// Results you can navigate in multi-document files, the phone layout, and the smaller things of
// issue 22: workloads first with a summary, filters and grouping, repeated findings folded, the
// skipped objects folded at the end; no horizontal overflow from 320 to 400 px, a pointer to the
// results below the editor, the stacked effective view and the unified diff; gutter markers after
// the editor in the tab order; folded lines that open; parse errors that keep the last results.

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

/** A Namespace and ConfigMaps first (skipped), then `n` Deployments of two containers each. */
function install(n = 3) {
  const docs = ['apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n'];
  for (let i = 0; i < 4; i += 1) docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-${i}\ndata:\n  key: value\n`);
  for (let i = 0; i < n; i += 1) {
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
spec:
  selector:
    matchLabels: {app: app-${i}}
  template:
    metadata:
      labels: {app: app-${i}}
    spec:
      containers:
        - name: web
          image: example/web:1
        - name: sidecar
          image: example/sidecar:1
          securityContext:
            runAsUser: 0
            capabilities:
              add: ["NET_ADMIN"]
`);
  }
  return docs.join('---\n');
}

/** Whether the page scrolls sideways. */
function overflows(page) {
  return page.evaluate(() => {
    const s = document.scrollingElement;
    return s.scrollWidth > s.clientWidth ? `${s.scrollWidth} > ${s.clientWidth}` : '';
  });
}

for (const width of [1280, 390]) {
  test(`multi-document results at ${width} px: summary, workloads first, skipped folded at the end`, async () => {
    const { context, page, errors } = await openFresh(env);
    await page.setViewportSize({ width, height: 900 });
    await setText(page, install(3));
    // The summary lists every workload with its verdict and counts.
    const rows = page.locator('.overview .overview-row');
    assert.equal(await rows.count(), 3);
    assert.match(await rows.first().textContent(), /Deployment app-0.*not admitted.*restricted \d+/);
    // Workloads come before the skipped objects, which are folded.
    const order = await page.evaluate(() => {
      const panel = document.querySelector('#panel');
      const y = (sel) => panel.querySelector(sel).getBoundingClientRect().top;
      return { object: y('.object'), skipped: y('.skipped'), overview: y('.overview') };
    });
    assert.ok(order.overview < order.object && order.object < order.skipped, JSON.stringify(order));
    assert.equal(await page.locator('.skipped .skip').count(), 0);
    const [, skipped] = (await page.locator('.skipped button.disclose').textContent())
      .match(/^Not analysed: (\d+) other objects \(4 ConfigMap/);
    await page.locator('.skipped button.disclose').click();
    assert.equal(await page.locator('.skipped .skip').count(), Number(skipped));
    // A summary row leads to its card.
    await rows.nth(2).locator('button.jump').click();
    await page.waitForFunction(() => document.activeElement?.id === 'object-2');
    const inView = await page.evaluate(() => {
      const r = document.querySelector('#object-2').getBoundingClientRect();
      return r.top >= 0 && r.top < innerHeight;
    });
    assert.ok(inView);
    assert.equal(await overflows(page), '');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('findings filter by level, group by level, check or container, and repeated ones fold', async () => {
  const { context, page, errors } = await openFresh(env);
  await setText(page, install(1));
  const card = page.locator('#object-0');
  // By level (the default): one heading per level.
  assert.match(await card.locator('.group h3').first().textContent(), /^Pod Security Standards: restricted \(\d+\)$/);
  // Repeated findings of one check: the first in full, the rest folded.
  const more = card.locator('.cluster button.disclose');
  assert.ok(await more.count() >= 1);
  const label = await more.first().textContent();
  const [, n, check] = label.match(/^(\d+) more of (\S+)$/);
  assert.equal(await card.locator(`.finding:not(.repeat)[data-check="${check}"]`).count(), 1);
  await more.first().click();
  assert.equal(await card.locator(`.finding.repeat[data-check="${check}"]`).count(), Number(n));
  // The fix and docs are said once.
  assert.equal(await card.locator(`.finding[data-check="${check}"] .docs`).count(), 1);
  // By check: each heading names a check.
  await page.selectOption('#grouping', 'check');
  const byCheck = await card.locator('.group h3').allTextContents();
  assert.ok(byCheck.some((h) => h.startsWith('runAsNonRoot (restricted)')), String(byCheck));
  // By container: the containers' names.
  await page.selectOption('#grouping', 'container');
  const byContainer = await card.locator('.group h3').allTextContents();
  assert.ok(byContainer.some((h) => h.startsWith('regular web')), String(byContainer));
  assert.ok(byContainer.some((h) => h.startsWith('regular sidecar')), String(byContainer));
  // Hiding a level hides its findings and says so.
  const hardening = await page.locator('#panel .finding.hardening').count();
  assert.ok(hardening > 0);
  await page.uncheck('input[data-level="hardening"]');
  assert.equal(await page.locator('#panel .finding.hardening').count(), 0);
  assert.match(await card.locator('.filtered').textContent(), /^\d+ findings? hidden by the filter above\.$/);
  await page.check('input[data-level="hardening"]');
  assert.equal(await page.locator('#panel .finding.hardening').count(), hardening);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a phone: no sideways scrolling from 320 to 400 px, results announced below the editor', async () => {
  const { context, page, errors } = await openFresh(env);
  await page.setViewportSize({ width: 390, height: 844 });
  await loadExample(page, 'container-overrides-pod');
  const below = page.locator('a.below');
  assert.ok(await below.isVisible());
  assert.match(await below.textContent(), /^Results below: 1 workload, 1 not admitted, \d+ findings ↓$/);
  await below.click();
  await page.waitForFunction(() => document.activeElement?.id === 'results');
  for (const width of [320, 360, 390, 400]) {
    await page.setViewportSize({ width, height: 800 });
    for (const tab of ['findings', 'effective', 'hardened']) {
      await page.click(`#tab-${tab}`);
      await page.waitForSelector(`#panel.${tab}`);
      if (tab === 'hardened') await page.waitForSelector('table.diff');
      assert.equal(await overflows(page), '', `${width} px, ${tab}`);
    }
    await page.click('#tab-effective');
    await page.locator('button.field-name').first().click();
    assert.equal(await overflows(page), '', `${width} px, a field explained`);
  }
  // The effective view is stacked: one block per field, no table wider than its card.
  await page.click('#tab-effective');
  const stacked = await page.evaluate(() => {
    const t = document.querySelector('table.effective');
    return { display: getComputedStyle(t.querySelector('tr')).display, wide: t.scrollWidth > t.clientWidth };
  });
  assert.deepEqual(stacked, { display: 'block', wide: false });
  // The diff is unified, and does not break words.
  await page.click('#tab-hardened');
  await page.waitForSelector('table.diff.unified');
  assert.equal(await page.locator('table.diff.unified thead th').count(), 2);
  assert.equal(await page.locator('table.diff td.code.changed').first().evaluate((td) => getComputedStyle(td).wordBreak), 'normal');
  // On a wide screen the diff is side by side and the pointer is gone.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.waitForSelector('table.diff:not(.unified)');
  assert.equal(await below.isVisible(), false);
  assert.deepEqual(errors, []);
  await context.close();
});

for (const width of [1280, 390]) {
  test(`a parse error at ${width} px says so and keeps the last results, marked stale`, async () => {
    const { context, page, errors } = await openFresh(env);
    await page.setViewportSize({ width, height: 900 });
    await setText(page, install(2));
    await setText(page, `${install(2)}        resources: {limits: {cpu: 1}\n`);
    const status = await page.locator('.status .summary').textContent();
    assert.match(status, /^The text does not parse: line \d+, column \d+ · \d+ workloads · \d+ findings as of the last text that parsed$/);
    assert.equal(await page.locator('#panel .results-body.stale .object').count(), 2);
    assert.ok(await page.locator('.stale-note').isVisible());
    // The panel shows the error at its top.
    const top = await page.evaluate(() => {
      const panel = document.querySelector('#panel');
      return document.querySelector('#parse-errors').getBoundingClientRect().top - panel.getBoundingClientRect().top;
    });
    assert.ok(top < 60, String(top));
    // Under the parser's message, the likely mistake in plain words, within the screen: the line
    // added sits at the column of the containers' dashes.
    const help = page.locator('#parse-errors .help');
    assert.match(await help.textContent(), /^Line 75 starts at column 9, where the list above has its `-` items \(line 69\).* indent it to column 11/);
    const box = await help.boundingBox();
    assert.ok(box && box.x + box.width <= width, JSON.stringify(box));
    await setText(page, install(2));
    assert.equal(await page.locator('#panel .results-body.stale').count(), 0);
    assert.match(await page.locator('.status .summary').textContent(), /^2 workloads · \d+ findings · analysed in/);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

for (const rich of [false, true]) {
  test(`a text pasted over all of the ${rich ? 'rich' : 'plain'} editor's text shows its own results, never those of the text it replaced`, async () => {
    const { context, page, errors } = await openFresh(env, env.url, { rich });
    // Real pastes throughout (Playwright's fill on the rich editor is not what a person does).
    const paste = async (text, { all }) => {
      const before = await page.evaluate(() => document.querySelector('.status').dataset.analyses);
      await page.evaluate((t) => navigator.clipboard.writeText(t), text);
      await page.focus('#manifest');
      await page.keyboard.press(all ? 'Control+A' : 'Control+End');
      await page.keyboard.press('Control+V');
      await page.waitForFunction((b) => document.querySelector('.status').dataset.analyses !== b, before);
      return page.locator('.status .summary').textContent();
    };
    assert.match(await paste(install(2), { all: true }), /^2 workloads/);
    // Another file, broken: the results of the text it replaced would mislead.
    const broken = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: other\n spec: [\n';
    assert.match(await paste(broken, { all: true }), /^The text does not parse: line \d+, column \d+ · 0 workloads · 0 findings$/);
    assert.equal(await page.locator('#panel .results-body.stale').count(), 0);
    assert.equal(await page.locator('#panel .object').count(), 0);
    // A fragment pasted into a text that parses keeps that text's results, marked stale.
    assert.match(await paste(install(2), { all: true }), /^2 workloads/);
    assert.match(await paste('  broken: [\n', { all: false }), /as of the last text that parsed$/);
    assert.equal(await page.locator('#panel .results-body.stale .object').count(), 2);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('the editor comes before the gutter markers in the tab order; a marker click stays on screen', async () => {
  const { context, page, errors } = await openFresh(env);
  await setText(page, install(4));
  await page.evaluate(() => document.activeElement?.blur());
  await page.focus('#download');
  const seen = [];
  for (let i = 0; i < 20; i += 1) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => document.activeElement.id || document.activeElement.className);
    seen.push(f);
    if (f === 'manifest') break;
  }
  assert.equal(seen.at(-1), 'manifest', String(seen));
  assert.ok(!seen.some((f) => /\bmark\b/.test(f)), String(seen));
  // Esc then Tab leaves the textarea for the gutter's one stop.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  assert.match(await page.evaluate(() => document.activeElement.className), /\bmark\b/);
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await page.locator('.gutter .mark').nth(3).click();
    const box = await page.locator('#editor-problem').boundingBox();
    assert.ok((await page.locator('#editor-problem').textContent()).length > 40);
    assert.ok(box.x >= 0 && box.x + box.width <= width, `${width}: ${JSON.stringify(box)}`);
    assert.equal(await overflows(page), '', `${width} px`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('folded unchanged lines open; "include unsafe" is offered only when an unsafe fix exists', async () => {
  const { context, page, errors } = await openFresh(env);
  await loadExample(page, 'container-overrides-pod');
  await page.click('#tab-hardened');
  await page.waitForSelector('table.diff');
  const rows = await page.locator('table.diff tbody tr').count();
  const fold = page.locator('table.diff .fold button.unfold').first();
  const [, n] = (await fold.textContent()).match(/^⋯ (\d+) unchanged lines?: show$/);
  await fold.click();
  assert.equal(await page.locator('table.diff tbody tr').count(), rows + Number(n));
  assert.match(await fold.textContent(), /^Fold these \d+ unchanged lines?$/);
  await fold.click();
  assert.equal(await page.locator('table.diff tbody tr').count(), rows);
  // A pod whose only fix needs a decision: no word of unsafe edits.
  await setText(page, `apiVersion: v1
kind: Pod
metadata:
  name: host
spec:
  hostNetwork: true
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  automountServiceAccountToken: false
  containers:
    - name: a
      image: a:1
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        runAsUser: 10001
        runAsGroup: 10001
        capabilities: {drop: [ALL]}
`);
  const nothing = await page.locator('.nothing').textContent();
  assert.doesNotMatch(nothing, /unsafe/);
  assert.match(nothing, /decision/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('after the rewrite, what still stops an object is listed with the reason', async () => {
  const { context, page, errors } = await openFresh(env);
  await loadExample(page, 'privileged-daemonset');
  await page.click('#tab-hardened');
  await page.check('#include-unsafe');
  await page.waitForSelector('.hardened-verdicts .blocker');
  const blockers = await page.locator('.hardened-verdicts .blocker').evaluateAll((bs) => bs.map((b) => ({
    check: b.dataset.check, level: b.querySelector('.badge').textContent, why: b.querySelector('.why').textContent,
  })));
  assert.ok(blockers.length >= 1);
  for (const b of blockers) {
    assert.match(b.level, /^(rejected|refused|baseline|restricted)$/);
    assert.ok(b.why.length > 10, JSON.stringify(b));
  }
  assert.match(await page.locator('.blocking-head').first().textContent(), /^What still stops it \(\d+\):$/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an object without a name is called "(unnamed)" in its heading, the overview and the rewrite', async () => {
  const { context, page, errors } = await openFresh(env);
  const pod = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: app\n    image: app:1\n';
  await setText(page, `${pod}---\n${pod}`);
  await page.waitForSelector('.object-title');
  assert.deepEqual(await page.locator('.object-title').allTextContents(), ['Pod (unnamed)', 'Pod (unnamed)']);
  assert.deepEqual(await page.locator('.overview-row .jump').allTextContents(), ['Pod (unnamed)', 'Pod (unnamed)']);
  await page.click('#tab-hardened');
  await page.waitForSelector('.hardened-verdicts .verdict');
  for (const v of await page.locator('.hardened-verdicts .verdict > p:first-child').allTextContents()) {
    assert.match(v, /^Pod \(unnamed\): still not admitted/);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('effective values a finding is about are highlighted; a field explained takes the full width', async () => {
  const { context, page, errors } = await openFresh(env);
  await setText(page, install(1));
  await page.click('#tab-effective');
  const sidecar = page.locator('.container[data-container="sidecar"]');
  assert.equal(await sidecar.locator('tr[data-field="runAsUser"].risky').count(), 1);
  assert.equal(await sidecar.locator('tr[data-field="capabilities"].risky').count(), 1);
  assert.match((await sidecar.locator('tr[data-field="capabilities"] .risk').allTextContents()).join(' '), /NET_ADMIN/);
  assert.equal(await sidecar.locator('tr[data-field="hostPID"].risky').count(), 0);
  await sidecar.locator('tr[data-field="runAsUser"] button.field-name').click();
  const widths = await sidecar.evaluate((c) => ({
    note: c.querySelector('tr.glossary td').getBoundingClientRect().width,
    table: c.querySelector('table').getBoundingClientRect().width,
  }));
  assert.ok(widths.note > widths.table * 0.95, JSON.stringify(widths));
  assert.deepEqual(errors, []);
  await context.close();
});

test('Level, Version, Runtime and Kubernetes are explained; the examples have meaningful names', async () => {
  const { context, page, errors } = await openFresh(env);
  for (const id of ['level', 'version', 'runtime', 'kube']) {
    const help = await page.evaluate((i) => {
      const el = document.getElementById(document.getElementById(i).getAttribute('aria-describedby'));
      return el?.textContent ?? '';
    }, id);
    assert.ok(help.length > 60, `${id}: ${help}`);
  }
  await page.locator('.toolbar .help button.disclose').click();
  assert.deepEqual(await page.locator('.toolbar .help dt').allTextContents(), ['Level', 'Version', 'Runtime', 'Kubernetes']);
  const titles = await page.locator('#example option').allTextContents();
  assert.ok(titles.every((t) => !/seed|article/i.test(t)), String(titles));
  assert.equal(await overflows(page), '');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the broken-YAML example points at its unclosed {', async () => {
  const { context, page, errors } = await openFresh(env);
  await loadExample(page, 'broken-yaml');
  const text = await page.inputValue('textarea#manifest');
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('{')) + 1;
  const column = lines[line - 1].indexOf('{') + 1;
  assert.match(await page.locator('.errors .error').first().textContent(), new RegExp(`^line ${line}, column ${column}: `));
  assert.equal(await page.locator('.overlay .parse-error').textContent(), '{');
  assert.equal(await page.locator(`.gutter .mark.error[data-line="${line}"]`).count(), 1);
  assert.match(await page.locator('.status .summary').textContent(), new RegExp(`^The text does not parse: line ${line}, column ${column}`));
  assert.deepEqual(errors, []);
  await context.close();
});
