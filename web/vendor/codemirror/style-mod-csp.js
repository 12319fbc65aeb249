// CodeMirror's styles under the page's Content Security Policy (style-src 'self').
//
// style-mod writes CodeMirror's generated rules into a <style> element when it mounts them in a
// document, which `style-src 'self'` blocks. `cargo xtask vendor` aliases `style-mod` to this
// file, which keeps its StyleModule but mounts every module's rules into one constructed
// stylesheet adopted by the document (the CSSOM is not subject to style-src).
import { StyleModule } from './node_modules/style-mod/src/style-mod.js';

const sheets = new WeakMap();

StyleModule.mount = function mount(root, modules) {
  const doc = root.ownerDocument || root;
  let entry = sheets.get(doc);
  if (!entry) {
    entry = { sheet: new doc.defaultView.CSSStyleSheet(), seen: new Set() };
    sheets.set(doc, entry);
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, entry.sheet];
  }
  for (const mod of Array.isArray(modules) ? modules : [modules]) {
    if (entry.seen.has(mod)) continue;
    entry.seen.add(mod);
    for (const rule of mod.rules) entry.sheet.insertRule(rule, entry.sheet.cssRules.length);
  }
};

export { StyleModule };
