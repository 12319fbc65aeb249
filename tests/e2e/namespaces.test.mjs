// End-to-end tests of namespace admission in the playground (issue 17): the two-namespace example
// shows each namespace's policy and what kubectl apply prints for each workload; the request's
// namespace, user and an AdmissionConfiguration change the outcome and travel in the permalink;
// nothing scrolls sideways on a phone.

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

function overflows(page) {
  return page.evaluate(() => {
    const s = document.scrollingElement;
    return s.scrollWidth > s.clientWidth ? `${s.scrollWidth} > ${s.clientWidth}` : '';
  });
}

/** Types into one of the admission inputs (one input event) and waits for the new analysis. */
async function fillInput(page, selector, value) {
  const before = await page.evaluate(() => document.querySelector('.status').dataset.analyses);
  await page.fill(selector, value);
  await page.waitForFunction(
    (b) => document.querySelector('.status').dataset.analyses !== b,
    before,
  );
}

/** Opens the admission inputs unless they are open already. */
async function openInputs(page) {
  const button = page.locator('.admission-inputs button.disclose');
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  await page.locator('#admission-config').waitFor();
}

/** What kubectl apply prints for a workload of the namespace panel, line by line. */
function kubectl(page, title) {
  return page.locator(`.ns-workload[data-title="${title}"] .kubectl li`).allTextContents();
}

for (const width of [1280, 390]) {
  test(`the two-namespace example at ${width} px shows each namespace and kubectl's lines`, async () => {
    const { context, page, errors } = await openFresh(env);
    await page.setViewportSize({ width, height: 900 });
    await loadExample(page, 'two-namespaces');
    const panel = page.locator('.namespaces');
    await panel.waitFor();
    assert.match(await panel.locator('h2').first().textContent(), /^Namespace admission: 2 namespaces, 6 workloads, 3 refused$/);
    assert.deepEqual(
      await page.locator('article.namespace').evaluateAll((a) => a.map((n) => n.dataset.namespace)),
      ['payments', 'tools'],
    );
    // Each mode of each namespace, as labelled.
    const modes = (ns) => page.locator(`article.namespace[data-namespace="${ns}"] .ns-modes li`)
      .evaluateAll((li) => li.map((l) => `${l.dataset.mode} ${l.querySelector('.policy').textContent}`));
    assert.deepEqual(await modes('payments'), ['enforce restricted:v1.30', 'audit privileged:latest', 'warn restricted:latest']);
    assert.deepEqual(await modes('tools'), ['enforce baseline:latest', 'audit restricted:latest', 'warn restricted:latest']);
    // A pod under enforce: Forbidden.
    const shell = await kubectl(page, 'Pod debug-shell');
    assert.equal(shell.length, 1);
    assert.match(shell[0], /^Error from server \(Forbidden\): error when creating "manifest\.yaml": pods "debug-shell" is forbidden: violates PodSecurity "restricted:v1\.30": /);
    // A Deployment: admitted with the warning, and its pods refused by its controller.
    const ledger = await kubectl(page, 'Deployment ledger');
    assert.equal(ledger.length, 3, String(ledger));
    assert.match(ledger[0], /^Warning: would violate PodSecurity "restricted:latest": /);
    assert.equal(ledger[1], 'deployment.apps/ledger created');
    assert.match(ledger[2], /^Warning {2}FailedCreate {2}replicaset-controller {2}Error creating: pods "ledger-<hash>-<random>" is forbidden: violates PodSecurity "restricted:v1\.30"/);
    assert.match(await page.locator('.ns-workload[data-title="Deployment ledger"] .ns-verdict').textContent(), /created with a warning, but enforce restricted:v1\.30 refuses every pod it creates/);
    // Clean passes, and a warning at baseline's namespace.
    assert.deepEqual(await kubectl(page, 'Deployment checkout'), ['deployment.apps/checkout created']);
    assert.deepEqual(await kubectl(page, 'Job report-builder'), ['job.batch/report-builder created']);
    const runner = await kubectl(page, 'Deployment ci-runner');
    assert.match(runner[0], /^Warning: would violate PodSecurity "restricted:latest": /);
    assert.equal(runner[1], 'deployment.apps/ci-runner created');
    assert.match((await kubectl(page, 'Pod node-inspector'))[0], /violates PodSecurity "baseline:latest": host namespaces \(hostPID=true\)/);
    // What the namespaces ask: tools is one field short of the baseline it enforces.
    const tools = page.locator('article.namespace[data-namespace="tools"]');
    assert.match(await tools.locator('.ns-relabel-heading').textContent(), /^It enforces baseline \(v1\.\d+\): for every pod to be admitted, change this field:$/);
    assert.deepEqual(await tools.locator('.ns-relabel .ns-changes li code').allTextContents(), ['spec.hostPID']);
    // A workload's modes, pods and audit annotations open on demand.
    const runnerCard = page.locator('.ns-workload[data-title="Deployment ci-runner"]');
    await runnerCard.locator('.ns-modes-detail button.disclose').click();
    assert.match(await runnerCard.locator('.ns-annotations').textContent(), /pod-security\.kubernetes\.io\/audit-violations=would violate PodSecurity "restricted:latest"/);
    // A location selects its line in the editor.
    await tools.locator('h3 .loc').click();
    const selected = await page.evaluate(() => {
      const t = document.querySelector('textarea#manifest');
      return t.value.slice(0, t.selectionStart).split('\n').length;
    });
    assert.equal(String(selected), await tools.locator('h3 .loc').getAttribute('data-line'));
    assert.equal(await overflows(page), '', `${width} px`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

const EXEMPT_PAYMENTS = `apiVersion: pod-security.admission.config.k8s.io/v1
kind: PodSecurityConfiguration
exemptions:
  namespaces: [payments]
  usernames: [alice]
`;

test('an AdmissionConfiguration exemption changes the outcome', async () => {
  const { context, page, errors } = await openFresh(env);
  await loadExample(page, 'two-namespaces');
  await openInputs(page);
  // A user exemption: the user's own pod is admitted, a Deployment's pods are not (its controller
  // creates them).
  await fillInput(page, '#admission-config', EXEMPT_PAYMENTS.replace('namespaces: [payments]', 'namespaces: []'));
  await fillInput(page, '#admission-user', 'alice');
  assert.deepEqual(await kubectl(page, 'Pod debug-shell'), ['pod/debug-shell created']);
  // The Deployment itself is sent by alice: no warning, but its pods are still refused.
  const ledger = await kubectl(page, 'Deployment ledger');
  assert.equal(ledger.length, 2, String(ledger));
  assert.equal(ledger[0], 'deployment.apps/ledger created');
  assert.match(ledger[1], /FailedCreate/);
  assert.match(await page.locator('.namespaces > .ns-lines').textContent(), /exempts users: alice/);
  // A namespace exemption: nothing in payments is checked, tools is unchanged.
  await fillInput(page, '#admission-user', '');
  await fillInput(page, '#admission-config', EXEMPT_PAYMENTS);
  assert.deepEqual(await kubectl(page, 'Pod debug-shell'), ['pod/debug-shell created']);
  assert.deepEqual(await kubectl(page, 'Deployment ledger'), ['deployment.apps/ledger created']);
  assert.match(await page.locator('article.namespace[data-namespace="payments"] .ns-lines').textContent(), /Exempt by the admission configuration/);
  assert.match((await kubectl(page, 'Pod node-inspector'))[0], /^Error from server \(Forbidden\)/);
  // A configuration that is not one says so in upstream's words, and is not used.
  await fillInput(page, '#admission-config', 'kind: PodSecurityConfiguration\ndefaults:\n  enforce: strict\n');
  assert.match(await page.locator('.namespaces > .ns-lines').textContent(), /Admission configuration not used: defaults\.enforce: Invalid value: "strict"/);
  assert.match((await kubectl(page, 'Pod debug-shell'))[0], /^Error from server \(Forbidden\)/);
  assert.deepEqual(errors, []);
  await context.close();
});

const UNNAMESPACED = `apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  hostNetwork: true
  containers:
    - name: agent
      image: example/agent:1
`;

const BASELINE_DEFAULTS = `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: PodSecurity
    configuration:
      apiVersion: pod-security.admission.config.k8s.io/v1
      kind: PodSecurityConfiguration
      defaults:
        enforce: baseline
      exemptions:
        usernames: ["ops bot"]
`;

test('the request namespace, user and configuration round-trip through the permalink', async () => {
  const made = await openFresh(env);
  await setText(made.page, UNNAMESPACED);
  // No Namespace, no configuration, no namespace given: no namespace panel.
  assert.equal(await made.page.locator('.namespaces').count(), 0);
  await openInputs(made.page);
  await fillInput(made.page, '#admission-namespace', 'team-a');
  await fillInput(made.page, '#admission-config', BASELINE_DEFAULTS);
  const ns = made.page.locator('article.namespace[data-namespace="team-a"]');
  assert.match(await ns.locator('.ns-note').first().textContent(), /^No Namespace object in the text: the admission configuration's defaults apply/);
  assert.match((await kubectl(made.page, 'Pod agent'))[0], /^Error from server \(Forbidden\): .*violates PodSecurity "baseline:latest": host namespaces \(hostNetwork=true\)/);
  assert.match(await made.page.locator('.ns-workload .ns-note').textContent(), /sent to team-a \(the request's namespace\)/);
  // Without the host network it would pass baseline: the next step is a new label.
  await setText(made.page, UNNAMESPACED.replace('  hostNetwork: true\n', ''));
  assert.match(await ns.locator('.ns-relabel-heading').textContent(), /^To label this namespace restricted \(v1\.\d+\), change these \d+ fields:$/);
  assert.match(await ns.locator('.ns-relabel').textContent(), /then label it pod-security\.kubernetes\.io\/enforce=restricted/);
  await setText(made.page, UNNAMESPACED);
  const before = await made.page.evaluate(() => location.hash);
  await fillInput(made.page, '#admission-user', 'ops bot');
  assert.deepEqual(await kubectl(made.page, 'Pod agent'), ['pod/agent created']);
  await made.page.waitForFunction((b) => location.hash.length > 10 && location.hash !== b, before);
  const url = made.page.url();
  await made.context.close();

  // A fresh browser opens the same state: the inputs open and filled, the same outcome.
  const { context, page, errors } = await openFresh(env, url);
  await page.locator('.namespaces').waitFor();
  assert.equal(await page.inputValue('textarea#manifest'), UNNAMESPACED);
  assert.equal(await page.inputValue('#admission-namespace'), 'team-a');
  assert.equal(await page.inputValue('#admission-user'), 'ops bot');
  assert.equal(await page.inputValue('#admission-config'), BASELINE_DEFAULTS);
  assert.deepEqual(await kubectl(page, 'Pod agent'), ['pod/agent created']);
  assert.equal(page.url(), url);
  assert.deepEqual(errors, []);
  await context.close();
});
