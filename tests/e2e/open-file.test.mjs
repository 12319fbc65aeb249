// Opening a file from the computer: the toolbar's "Open file…" button and dropping a file on the
// page. The file is read in the browser; nothing is uploaded.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { start } from './harness.mjs';
import { openFresh } from './playground-helpers.mjs';

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
  name: from-disk # a comment that must survive
spec:
  template:
    spec:
      hostPID: true
      containers:
        - name: app
          image: app:1
`;

async function checks(page) {
  return page.locator('.finding').evaluateAll((fs) => fs.map((f) => f.dataset.check));
}

test('"Open file…" reads a file into the editor and analyses it', async () => {
  const { context, page, errors } = await openFresh(env);
  const requests = [];
  page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`));
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#open')]);
  await chooser.setFiles({ name: 'deploy.yaml', mimeType: 'application/yaml', buffer: Buffer.from(DEPLOYMENT) });
  await page.waitForFunction((t) => document.querySelector('textarea#manifest').value === t, DEPLOYMENT);
  assert.match(await page.locator('.notice-text').textContent(), /^Opened deploy\.yaml \(\d+ bytes\)/);
  await page.waitForSelector('.finding[data-check="hostNamespaces"]');
  assert.equal(await page.inputValue('#example'), '');
  // Read here: nothing was sent anywhere (at most the page fetched its own icon).
  assert.deepEqual(requests.filter((r) => !r.startsWith('GET ') || /deploy|from-disk/.test(r)), [], String(requests));
  // Undo in the editor is not needed to get the example back: the gallery is still there.
  await page.selectOption('#example', 'cronjob');
  await page.waitForFunction(() => document.querySelector('textarea#manifest').value.includes('kind: CronJob'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a file dropped on the page opens instead of replacing the page', async () => {
  const { context, page, errors } = await openFresh(env);
  const prevented = await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'dropped.yaml', { type: 'application/yaml' }));
    const target = document.querySelector('.results');
    const over = new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true });
    target.dispatchEvent(over);
    const drop = new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true });
    target.dispatchEvent(drop);
    return { over: over.defaultPrevented, drop: drop.defaultPrevented };
  }, DEPLOYMENT);
  assert.deepEqual(prevented, { over: true, drop: true });
  await page.waitForFunction((t) => document.querySelector('textarea#manifest').value === t, DEPLOYMENT);
  assert.match(await page.locator('.notice-text').textContent(), /^Opened dropped\.yaml/);
  assert.ok((await checks(page)).includes('hostNamespaces'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a file too large to analyse is refused unread and the text stays', async () => {
  const { context, page, errors } = await openFresh(env);
  const before = await page.inputValue('textarea#manifest');
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(33 * 1024 * 1024)], 'huge.yaml'));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.waitForSelector('.notice.error');
  assert.match(await page.locator('.notice-text').textContent(), /Could not open the file: huge\.yaml is 35 MB; the playground reads files up to 34 MB\. Your text is unchanged\./);
  assert.equal(await page.inputValue('textarea#manifest'), before);
  assert.deepEqual(errors, []);
  await context.close();
});

test('text dragged within the page is left to the browser', async () => {
  const { context, page } = await openFresh(env);
  const prevented = await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.setData('text/plain', 'hostNetwork: true');
    const drop = new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true });
    document.querySelector('.results').dispatchEvent(drop);
    return drop.defaultPrevented;
  });
  assert.equal(prevented, false);
  await context.close();
});

test('a file opened is downloaded under its own name, with its own line endings', async () => {
  for (const rich of [false, true]) {
    const { context, page, errors } = await openFresh(env, env.url, { rich });
    const crlf = DEPLOYMENT.replace(/\n/g, '\r\n');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#open')]);
    await chooser.setFiles({ name: 'deploy.yaml', mimeType: 'application/yaml', buffer: Buffer.from(crlf) });
    await page.waitForSelector('.finding[data-check="hostNamespaces"]');
    assert.match(await page.locator('.notice-text').textContent(), /Windows line endings \(CRLF\) read as plain line breaks here; Download writes them back\.$/);
    // The editors hold lines; what is saved is the file as it was.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    assert.equal(download.suggestedFilename(), 'deploy.yaml');
    assert.equal(readFileSync(await download.path(), 'utf8'), crlf);
    await page.click('#tab-hardened');
    await page.waitForSelector('#download-hardened');
    const [hardened] = await Promise.all([page.waitForEvent('download'), page.click('#download-hardened')]);
    assert.equal(hardened.suggestedFilename(), 'deploy.hardened.yaml');
    const rewritten = readFileSync(await hardened.path(), 'utf8');
    assert.match(rewritten, /allowPrivilegeEscalation: false\r\n/);
    assert.equal(rewritten.replace(/\r\n/g, '').includes('\n'), false, 'a line ends in LF alone');
    assert.ok(rewritten.includes('# a comment that must survive\r\n'));
    // An example is not that file any more.
    const before = await page.evaluate(() => document.querySelector('.status').dataset.analyses);
    await page.selectOption('#example', 'cronjob');
    await page.waitForFunction((b) => document.querySelector('.status').dataset.analyses !== b, before);
    const [other] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    assert.equal(other.suggestedFilename(), 'manifest.yaml');
    assert.equal(readFileSync(await other.path(), 'utf8').includes('\r'), false);
    assert.deepEqual(errors, [], `rich: ${rich}`);
    await context.close();
  }
});
