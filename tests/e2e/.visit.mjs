// scratch: open corpus files as a visitor (not committed)
import { start } from './harness.mjs';
import { openFresh } from './playground-helpers.mjs';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
const env = await start();
const files = process.argv.slice(2);
for (const width of [1280, 390]) {
  for (const f of files) {
    const { context, page, errors } = await openFresh(env, env.url, { rich: true, width });
    const buf = readFileSync(f);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#open')]);
    await chooser.setFiles({ name: basename(f), mimeType: 'application/yaml', buffer: buf });
    await page.waitForTimeout(2500);
    const name = `/tmp/hs/shots/${width}-${basename(f)}.png`;
    await page.screenshot({ path: name, fullPage: false });
    const status = await page.locator('.status').textContent().catch(() => '?');
    console.log(width, basename(f), JSON.stringify(status), errors);
    for (const tab of process.env.TABS ? process.env.TABS.split(',') : []) {
      await page.click(`[role=tab]:has-text("${tab}")`).catch((e) => console.log('no tab', tab));
      await page.waitForTimeout(500);
      await page.screenshot({ path: `/tmp/hs/shots/${width}-${tab}-${basename(f)}.png`, fullPage: false });
    }
    await context.close();
  }
}
await env.close();
