// End-to-end accessibility checks of the built site in Debian's headless Chromium: WCAG 2.x text
// contrast (AA: 4.5:1, 3:1 for large text) and non-text contrast (3:1) measured on the rendered
// page in the light and the dark theme, across states that show every colour the palette uses,
// and an accessible name for every control.
//
// The minimum ratio found per theme is printed, so that it can be quoted.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './harness.mjs';
import { loadExample, openFresh } from './playground-helpers.mjs';

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env?.close();
});

/**
 * Runs in the page: measures every visible element with its own text, and the non-text marks
 * that carry meaning. Returns `{ checked, min, failures }`.
 */
function audit() {
  const parse = (s) => {
    const m = /^rgba?\(([^)]*)\)$/.exec(s.trim());
    if (!m) throw new Error(`unexpected colour syntax: ${s}`);
    const [r, g, b, a = 1] = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  // `top` painted over `bottom` (which is opaque).
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const luminance = ({ r, g, b }) => {
    const lin = (c) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const ratio = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  };
  const hex = ({ r, g, b }) => `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
  const describe = (el) => {
    const parts = [];
    for (let n = el; n && n !== document.body && parts.length < 4; n = n.parentElement) {
      let p = n.tagName.toLowerCase();
      if (n.id) p += `#${n.id}`;
      for (const c of n.classList) p += `.${c}`;
      parts.unshift(p);
    }
    return parts.join(' > ');
  };
  // The colour behind `el`: its own and its ancestors' backgrounds down to the first opaque one.
  const background = (el) => {
    const layers = [];
    for (let n = el; n; n = n.parentElement) {
      const cs = getComputedStyle(n);
      if (cs.backgroundImage !== 'none') throw new Error(`background image on ${describe(n)}`);
      const bg = parse(cs.backgroundColor);
      if (bg.a > 0) layers.push(bg);
      if (bg.a >= 1) break;
    }
    // The canvas behind an all-transparent chain.
    let result = getComputedStyle(document.documentElement).colorScheme.includes('dark')
      ? { r: 0, g: 0, b: 0, a: 1 }
      : { r: 255, g: 255, b: 255, a: 1 };
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const opacity = (el) => {
    let o = 1;
    for (let n = el; n; n = n.parentElement) o *= Number(getComputedStyle(n).opacity);
    return o;
  };
  const visible = (el) => {
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };

  const failures = [];
  let min = null;
  const checked = { text: 0, 'non-text': 0, focus: 0 };
  const record = (kind, el, text, fg, bg, need) => {
    const value = ratio(fg, bg);
    checked[kind] += 1;
    const entry = {
      kind, where: describe(el), text: text.replace(/\s+/g, ' ').slice(0, 50), fg: hex(fg), bg: hex(bg),
      ratio: Math.round(value * 100) / 100, need,
    };
    if (!min || value < min.value) min = { ...entry, value };
    if (value < need) failures.push(entry);
  };

  const CONTROLS = 'select, button, textarea, input:not([type="checkbox"]):not([type="radio"]):not([type="hidden"])';
  for (const el of document.body.querySelectorAll('*')) {
    if (['SCRIPT', 'STYLE', 'OPTION', 'OPTGROUP', 'TEMPLATE'].includes(el.tagName)) continue;
    const own = [...el.childNodes]
      .filter((n) => n.nodeType === Node.TEXT_NODE)
      .map((n) => n.textContent)
      .join('')
      .trim();
    const control = el.matches(CONTROLS);
    const text = control && !own ? (el.value ?? el.textContent ?? '').trim() : own;
    if (!text || !visible(el)) continue;
    const cs = getComputedStyle(el);
    const bg = background(el);
    let fg = parse(cs.color);
    fg = { ...fg, a: fg.a * opacity(el) };
    // Transparent text (the error overlay's copy of the line) is not read by anyone.
    if (fg.a === 0) continue;
    fg = over(fg, bg);
    const size = parseFloat(cs.fontSize);
    const bold = Number(cs.fontWeight) >= 700;
    const large = size >= 24 || (size >= 18.66 && bold);
    record('text', el, text, fg, bg, large ? 3 : 4.5);
  }

  // Non-text contrast (WCAG 1.4.11): marks whose colour carries meaning.
  const side = (el, prop, pseudo) => parse(getComputedStyle(el, pseudo ?? null)[prop]);
  const marks = [
    // Gutter markers: the coloured bar beside the line number.
    ['.gutter .mark', 'borderRightColor'],
    // Badges: level, fix grade, value source (dashed for values not in the text), container type.
    ['.badge, .grade, .src, .ctype', 'borderTopColor'],
    // The parse error's underline.
    ['.overlay .parse-error', 'borderBottomColor'],
    // The outlines that show where a control or the editor is.
    ['select, .toolbar button, .hardened-controls button, .tab, .editor .code', 'borderTopColor'],
    // The signs that mark changed lines in the hardened diff (besides their background).
    ['.diff td.old.changed, .diff td.new.changed', 'color', '::before'],
  ];
  for (const [selector, prop, pseudo] of marks) {
    for (const el of document.querySelectorAll(selector)) {
      if (!visible(el)) continue;
      // A border is seen against what is around the element; a pseudo-element's sign against the
      // element itself.
      const bg = background(pseudo ? el : el.parentElement);
      const what = `${pseudo ?? ''}${prop} of ${el.textContent.trim().slice(0, 40) || selector}`;
      record('non-text', el, what, over(side(el, prop, pseudo), bg), bg, 3);
    }
  }

  // The focus indicator of the focused element (WCAG 1.4.11): an outline, or the inset ring the
  // editor's textarea draws instead.
  const active = document.activeElement;
  if (active && active !== document.body && active.matches(':focus-visible') && visible(active)) {
    const cs = getComputedStyle(active);
    const ring = /^(rgba?\([^)]*\)) .*inset/.exec(cs.boxShadow);
    if (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) {
      // An outline drawn inside the element sits on the element's own background.
      const behind = parseFloat(cs.outlineOffset) < 0 ? background(active) : background(active.parentElement);
      record('focus', active, 'outline', over(parse(cs.outlineColor), behind), behind, 3);
    } else if (ring) {
      const behind = background(active);
      record('focus', active, 'inset ring', over(parse(ring[1]), behind), behind, 3);
    } else {
      failures.push({ kind: 'focus', where: describe(active), text: 'no focus indicator', fg: '-', bg: '-', ratio: 0, need: 3 });
    }
  }
  return { checked, min, failures };
}

/** Runs the audit, labels its results with `state`, and adds them to `results`. */
async function measure(page, state, results) {
  const { checked, min, failures } = await page.evaluate(audit);
  assert.ok(checked.text > 20, `${state}: only ${checked.text} texts measured`);
  for (const [kind, n] of Object.entries(checked)) results.checked[kind] = (results.checked[kind] ?? 0) + n;
  if (!results.min || min.value < results.min.value) results.min = { ...min, state };
  for (const f of failures) {
    const key = `${f.kind} ${f.where} ${f.fg} ${f.bg}`;
    if (!results.failures.has(key)) results.failures.set(key, { ...f, state });
  }
}

/** Opens every disclosure in the results panel (at most `limit`). */
async function expand(page, limit = 40) {
  await page.evaluate((n) => {
    const closed = [...document.querySelectorAll('#panel button.disclose[aria-expanded="false"]')];
    for (const b of closed.slice(0, n)) b.click();
    // Marks the opened ones, to wait below until each shows its content.
    for (const b of closed.slice(0, n)) b.dataset.expanding = '';
  }, limit);
  await page.waitForFunction(() => [...document.querySelectorAll('#panel button.disclose[data-expanding]')]
    .every((b) => b.getAttribute('aria-expanded') === 'true'));
}

async function showTab(page, id) {
  await page.click(`#tab-${id}`);
  await page.waitForSelector(`#panel.${id}`);
}

async function setTheme(page, theme) {
  await page.selectOption('#theme', theme);
  await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme);
}

function report(theme, results) {
  const m = results.min;
  console.log(
    `${theme} theme: minimum contrast ${m.ratio}:1 (${m.kind}, ${m.where}, "${m.text}", ${m.fg} on ${m.bg}, `
      + `${m.state}); measured: ${JSON.stringify(results.checked)}`,
  );
  const lines = [...results.failures.values()].map(
    (f) => `  ${f.ratio}:1 < ${f.need}:1 ${f.kind} ${f.where} "${f.text}" ${f.fg} on ${f.bg} (${f.state})`,
  );
  assert.equal(lines.length, 0, `${theme} theme: ${lines.length} contrast failures:\n${lines.join('\n')}`);
}

for (const theme of ['light', 'dark']) {
  test(`text and non-text contrast meets WCAG AA in the ${theme} theme`, async () => {
    const { context, page, errors } = await openFresh(env);
    await setTheme(page, theme);
    const results = { checked: {}, min: null, failures: new Map() };

    await loadExample(page, 'seed-hardened-pod');
    await expand(page);
    await measure(page, 'seed, findings', results);

    await loadExample(page, 'privileged-daemonset');
    await expand(page);
    await measure(page, 'privileged DaemonSet, findings', results);
    // A toolbar control, a gutter marker and the editor reached by keyboard; the marker's popup;
    // F8's announcement.
    await page.focus('#version');
    await page.keyboard.press('Shift+Tab');
    await measure(page, 'privileged DaemonSet, toolbar focused', results);
    await page.focus('textarea#manifest');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await page.locator('.mark-tip').waitFor({ state: 'visible' });
    await measure(page, 'privileged DaemonSet, marker focused', results);
    await page.locator('.gutter .mark').first().hover();
    await measure(page, 'privileged DaemonSet, marker hovered', results);
    await page.focus('textarea#manifest');
    await page.keyboard.press('F8');
    await page.locator('#editor-problem:not(:empty)').waitFor();
    await measure(page, 'privileged DaemonSet, F8 announcement', results);

    await showTab(page, 'effective');
    await expand(page, 12);
    await measure(page, 'privileged DaemonSet, effective', results);

    await showTab(page, 'hardened');
    await page.locator('.diff').waitFor();
    await expand(page);
    await measure(page, 'privileged DaemonSet, hardened (safe)', results);
    await page.check('#include-unsafe');
    await page.locator('.diff .grade.unsafe').first().waitFor();
    await measure(page, 'privileged DaemonSet, hardened (unsafe)', results);

    await loadExample(page, 'nothing-set');
    await measure(page, 'nothing set, hardened (unsafe)', results);
    await showTab(page, 'effective');
    await measure(page, 'nothing set, effective', results);

    await showTab(page, 'findings');
    await loadExample(page, 'windows-pod');
    await expand(page);
    await measure(page, 'Windows pod (admitted), findings', results);
    await loadExample(page, 'multi-document');
    await measure(page, 'multi-document (skipped objects), findings', results);
    await loadExample(page, 'broken-yaml');
    await page.locator('.errors .error').first().waitFor();
    await measure(page, 'broken YAML, findings', results);

    // Notices: a success (a copied link) and an error (a broken link).
    await page.click('#share');
    await page.locator('.notice').waitFor();
    await measure(page, 'link copied notice', results);
    const broken = await context.newPage();
    await broken.goto(`${env.url}#v1:not-a-link`);
    await broken.locator('.notice.error').waitFor();
    await measure(broken, 'broken link notice', results);

    report(theme, results);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('the system theme follows the colour scheme with the same palettes', async () => {
  // The stylesheet writes the dark palette twice (for the media query and for the menu's choice).
  const { context, page } = await openFresh(env);
  const palette = () => {
    const cs = getComputedStyle(document.documentElement);
    const names = [...document.styleSheets]
      .flatMap((s) => [...s.cssRules])
      .flatMap((r) => [r, ...(r.cssRules ?? [])])
      .filter((r) => r.selectorText?.includes(':root'))
      .flatMap((r) => [...r.style].filter((p) => p.startsWith('--')));
    return Object.fromEntries([...new Set(names)].sort().map((n) => [n, cs.getPropertyValue(n).trim()]));
  };
  for (const scheme of ['light', 'dark']) {
    await setTheme(page, scheme);
    const chosen = await page.evaluate(palette);
    await setTheme(page, 'system');
    await page.emulateMedia({ colorScheme: scheme });
    const system = await page.evaluate(palette);
    assert.ok(Object.keys(chosen).length > 10);
    assert.deepEqual(system, chosen, `system theme under prefers-color-scheme: ${scheme}`);
  }
  await context.close();
});

/** The controls of the page (by their accessibility role) and those without an accessible name. */
async function unnamedControls(cdp) {
  const ROLES = new Set(['button', 'combobox', 'textbox', 'checkbox', 'tab', 'link', 'switch', 'menuitem']);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  const out = [];
  let controls = 0;
  for (const n of nodes) {
    if (n.ignored || !ROLES.has(n.role?.value)) continue;
    controls += 1;
    if ((n.name?.value ?? '').trim()) continue;
    const { node } = await cdp.send('DOM.describeNode', { backendNodeId: n.backendDOMNodeId });
    out.push(`${n.role.value} <${node.localName} ${(node.attributes ?? []).join(' ')}>`);
  }
  return { controls, out };
}

test('every control has an accessible name', async () => {
  const { context, page } = await openFresh(env);
  const cdp = await context.newCDPSession(page);
  const states = [
    ['privileged-daemonset', 'findings'],
    ['privileged-daemonset', 'effective'],
    ['nothing-set', 'hardened'],
    ['broken-yaml', 'findings'],
  ];
  for (const [example, tab] of states) {
    await loadExample(page, example);
    await showTab(page, tab);
    if (tab === 'hardened') await page.locator('#include-unsafe').waitFor();
    await expand(page);
    const { controls, out } = await unnamedControls(cdp);
    assert.ok(controls >= 10, `${example}, ${tab}: ${controls} controls`);
    assert.deepEqual(out, [], `${example}, ${tab}: controls without an accessible name`);
  }
  await context.close();
});

test('the audit catches low contrast and a nameless button', async () => {
  // The checks above pass only if they can fail: plant both faults and look for them.
  const { context, page } = await openFresh(env);
  await page.evaluate(() => {
    const p = document.createElement('p');
    p.id = 'planted';
    p.textContent = 'grey on grey';
    p.style.cssText = 'color: #777; background: #888';
    document.querySelector('.top').append(p);
    const b = document.createElement('button');
    b.id = 'nameless';
    document.querySelector('.top').append(b);
  });
  const { failures } = await page.evaluate(audit);
  assert.ok(failures.some((f) => f.where.endsWith('p#planted') && f.ratio < 1.5), JSON.stringify(failures));
  const { out } = await unnamedControls(await context.newCDPSession(page));
  assert.ok(out.some((c) => c.startsWith('button <button id nameless')), String(out));
  await context.close();
});
