// Writes the README's screenshots into docs/ from the built site (`cargo xtask dist` first):
//   node tests/e2e/screenshots.mjs
// Not a test (its name does not end in .test.mjs); run it after changing how the page looks.

import { join } from 'node:path';
import { ROOT, start } from './harness.mjs';
import { openFresh } from './playground-helpers.mjs';

const DOCS = join(ROOT, 'docs');
const env = await start();
try {
  // Desktop: the first example (a hardened pod one setting short of restricted), its one
  // restricted finding with the check's docs open, and the hardened rewrite that fixes it.
  const desktop = await openFresh(env, env.url, { rich: true });
  await desktop.page.waitForSelector('.finding');
  await desktop.page.locator('.finding .docs button.disclose').first().click();
  await desktop.page.screenshot({ path: join(DOCS, 'screenshot-desktop.png') });
  await desktop.page.click('#tab-hardened');
  await desktop.page.waitForSelector('table.diff');
  await desktop.page.screenshot({ path: join(DOCS, 'screenshot-hardened.png') });
  await desktop.page.selectOption('#theme', 'dark');
  await desktop.page.click('#tab-effective');
  await desktop.page.waitForSelector('table.effective');
  await desktop.page.screenshot({ path: join(DOCS, 'screenshot-dark.png') });
  await desktop.context.close();

  // A phone, 390 px: the panels stacked (the editor first, a pointer to the findings below).
  const narrow = await openFresh(env, env.url, { rich: true });
  await narrow.page.setViewportSize({ width: 390, height: 844 });
  await narrow.page.selectOption('#example', 'privileged-daemonset');
  await narrow.page.waitForSelector('.finding[data-check="privileged"]');
  await narrow.page.screenshot({ path: join(DOCS, 'screenshot-narrow.png') });
  await narrow.context.close();
  console.log(`wrote ${DOCS}/screenshot-{desktop,hardened,dark,narrow}.png`);
} finally {
  await env.close();
}
