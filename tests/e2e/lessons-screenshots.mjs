// Writes the lessons view's screenshots into docs/ from the built site (`cargo xtask dist` first):
//   node tests/e2e/lessons-screenshots.mjs
// Not a test (its name does not end in .test.mjs): the first lesson, a hint shown and one goal met,
// at 1280 px and at 400 px.

import { join } from 'node:path';
import { ROOT, start } from './harness.mjs';
import { openFresh } from './playground-helpers.mjs';

const DOCS = join(ROOT, 'docs');
const env = await start();
try {
  for (const [width, height, name] of [[1280, 900, 'screenshot-lessons.png'], [400, 860, 'screenshot-lessons-narrow.png']]) {
    const { context, page } = await openFresh(env, `${env.url}#lesson:run-as-non-root`, { rich: true });
    await page.setViewportSize({ width, height });
    await page.waitForSelector('article.lesson');
    await page.click('#lesson-hint');
    const text = await page.evaluate(() => globalThis.podsecEditor.text());
    await page.fill('#manifest', text.replace('    spec:\n', '    spec:\n      securityContext:\n        runAsNonRoot: true\n'));
    await page.waitForSelector('.lesson .goal:nth-child(2).met');
    await page.evaluate(() => document.activeElement?.blur());
    await page.click('.notice .dismiss');
    // The page at its top; beside the results, the lesson's text scrolled to its goals.
    await page.evaluate(() => {
      window.scrollTo(0, 0);
      const body = document.querySelector('.lesson-body');
      body.scrollTop = 0;
      const goals = document.querySelector('.lesson h3').getBoundingClientRect().top;
      if (body.scrollHeight > body.clientHeight) body.scrollTop = goals - body.getBoundingClientRect().top;
    });
    await page.screenshot({ path: join(DOCS, name) });
    await context.close();
  }
  console.log(`wrote ${DOCS}/screenshot-lessons{,-narrow}.png`);
} finally {
  await env.close();
}
