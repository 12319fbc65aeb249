// The playground's code editor: CodeMirror 6 with podsec's own hooks, bundled into one ES module
// (web/assets/codemirror.js) by `cargo xtask vendor`. Nothing here knows YAML or Kubernetes: the
// colours, the squiggles, the hover text and the completions all come from the page (the core in
// wasm) through `hooks`. Loading it defines `globalThis.podsecEditor` and fires
// `podsec-editor-ready` on `window`.

import { EditorView, ViewPlugin, keymap, lineNumbers, drawSelection, hoverTooltip, showTooltip }
  from '@codemirror/view';
import { EditorState, StateEffect, StateField } from '@codemirror/state';
import { history, historyKeymap, defaultKeymap } from '@codemirror/commands';
import { StreamLanguage, syntaxHighlighting, HighlightStyle } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { setDiagnostics, lintKeymap } from '@codemirror/lint';
import { autocompletion, completionKeymap, startCompletion } from '@codemirror/autocomplete';
import { search, searchKeymap } from '@codemirror/search';

/** Token kinds in the order of `podsec::tokens::Kind`. */
const KINDS = [null, 'key', 'string', 'number', 'bool', 'null', 'comment', 'anchor', 'alias', 'tag',
  'marker', 'punctuation'];

const TAGS = {
  key: tags.propertyName, string: tags.string, number: tags.number, bool: tags.bool,
  null: tags.null, comment: tags.comment, anchor: tags.definition(tags.labelName),
  alias: tags.labelName, tag: tags.typeName, marker: tags.meta, punctuation: tags.punctuation,
};

/** Each kind gets the class `tk-KIND`; the page's stylesheet colours them in both themes. */
const classes = HighlightStyle.define(
  Object.entries(TAGS).map(([name, tag]) => ({ tag, class: `tk-${name}` })),
);

/** The page's colours (CSS variables of web/style.css and web/editor.css) on CodeMirror's parts. */
const theme = EditorView.theme({
  '&': { height: '100%', backgroundColor: 'var(--code-bg)', color: 'var(--fg)' },
  '&.cm-focused': { outline: 'none', boxShadow: 'inset 0 0 0 2px var(--accent)' },
  '.cm-scroller': { font: 'var(--mono)', lineHeight: 'var(--lh)' },
  '.cm-content': { caretColor: 'var(--fg)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--fg)' },
  '.cm-gutters': { backgroundColor: 'var(--gutter-bg)', color: 'var(--muted)',
    borderRight: '1px solid var(--border)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground':
    { backgroundColor: 'var(--selection)' },
  '.cm-tooltip': { backgroundColor: 'var(--panel)', color: 'var(--fg)',
    border: '1px solid var(--border)', borderRadius: '6px', maxWidth: 'min(34rem, 90vw)',
    font: '14px/1.4 system-ui, sans-serif' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: 'var(--accent)',
    color: 'var(--accent-fg)' },
  '.cm-diagnostic': { borderLeftWidth: '4px', padding: '0.25rem 0.5rem' },
  '.cm-diagnosticAction': { backgroundColor: 'var(--accent)', color: 'var(--accent-fg)',
    borderRadius: '6px', padding: '0.2rem 0.7rem', font: 'inherit', fontWeight: '600' },
  '.cm-panels': { backgroundColor: 'var(--panel)', color: 'var(--fg)' },
  '.cm-lintRange.sq': { backgroundImage: 'none', textDecorationLine: 'underline',
    textDecorationStyle: 'wavy', textDecorationThickness: '1.5px', textUnderlineOffset: '3px',
    textDecorationSkipInk: 'none' },
  '.cm-lintRange.sq-inherited': { textDecorationStyle: 'dotted', textDecorationColor: 'var(--muted)' },
});

/**
 * A stream language whose tokenizer is the core's: `tokenize(line, state)` returns
 * `[nextState, length, kind, length, kind, ...]` (lengths in UTF-16 units) for a whole line.
 */
function language(tokenize) {
  return StreamLanguage.define({
    name: 'podsec',
    startState: () => ({ s: 0, runs: null, i: 0 }),
    copyState: (st) => ({ s: st.s, runs: st.runs, i: st.i }),
    blankLine(st) {
      st.s = tokenize('', st.s)[0];
      st.runs = null;
    },
    token(stream, st) {
      if (stream.sol() || !st.runs) {
        st.runs = tokenize(stream.string, st.s);
        st.s = st.runs[0];
        st.i = 1;
        if (stream.pos > 0) {
          // Resuming mid-line: skip the runs before the stream's position.
          let at = 0;
          while (st.i < st.runs.length && at + st.runs[st.i] <= stream.pos) {
            at += st.runs[st.i];
            st.i += 2;
          }
        }
      }
      if (st.i >= st.runs.length) {
        stream.skipToEnd();
        return null;
      }
      const length = st.runs[st.i];
      const kind = KINDS[st.runs[st.i + 1]] ?? null;
      st.i += 2;
      stream.pos = Math.min(stream.string.length, stream.pos + Math.max(1, length));
      return kind;
    },
    tokenTable: TAGS,
  });
}

/** Whether a transaction replaced all of a non-empty text in one change. */
function replacesAll(tr) {
  const length = tr.startState.doc.length;
  let all = false;
  if (tr.docChanged && length > 0) {
    tr.changes.iterChangedRanges((fromA, toA) => {
      if (fromA === 0 && toA === length) all = true;
    });
  }
  return all;
}

/** The finding severity CodeMirror's lint styles know, by podsec level. */
const SEVERITY = { rejected: 'error', refused: 'error', restricted: 'error', baseline: 'error',
  warning: 'warning', hardening: 'info', error: 'error', inherited: 'hint' };

/** A document position of (1-based line, UTF-16 column), clamped into the document. */
function position(doc, line, column) {
  const l = doc.line(Math.min(Math.max(1, line), doc.lines));
  return l.from + Math.min(Math.max(0, column), l.length);
}

/** The smallest single change that turns `old` into `text` (common prefix and suffix kept). */
/**
 * A text as the editor holds it: CodeMirror reads CRLF and a lone CR as one line break and keeps
 * LF. A change computed against its text from a text with CRLF would split a CRLF at its edge and
 * leave an extra line break.
 */
function asLines(text) {
  return text.replace(/\r\n?/g, '\n');
}

function minimalChange(old, text) {
  const max = Math.min(old.length, text.length);
  let start = 0;
  while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start
    && old.charCodeAt(old.length - 1 - end) === text.charCodeAt(text.length - 1 - end)) end++;
  return { from: start, to: old.length - end, insert: text.slice(start, text.length - end) };
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text) el.textContent = text;
  return el;
}

/** The tooltip of a finding: its message, the check's summary and the fix. */
function findingMessage(f) {
  const box = element('div', 'finding-tip');
  const head = element('p', 'finding-tip-head');
  head.append(element('span', `badge ${f.level}`, f.level), ' ', f.message);
  box.append(head);
  if (f.summary) box.append(element('p', 'finding-tip-summary', f.summary));
  if (f.fix) box.append(element('p', 'finding-tip-fix', `Fix: ${f.fix}`));
  return box;
}

/** The docs of a key at a document position, as a tooltip, or null. */
function docsAt(hooks, state, pos) {
  const line = state.doc.lineAt(pos);
  const found = hooks.hover(line.text, line.number, pos - line.from);
  if (!found) return null;
  return {
    pos: line.from + found.from,
    end: line.from + found.to,
    above: true,
    title: found.title,
    create() {
      const dom = element('div', 'hover-tip');
      dom.append(element('p', 'hover-tip-title', found.title));
      for (const p of found.body) dom.append(element('p', null, p));
      return { dom };
    },
  };
}

/**
 * Docs at the caret: moving the caret by keyboard onto a key the glossary explains shows the same
 * tooltip as hovering it, and says its first line to screen readers; typing or Escape hides it.
 */
function caretDocs(hooks) {
  const set = StateEffect.define();
  const field = StateField.define({
    create: () => null,
    update(tip, tr) {
      for (const e of tr.effects) if (e.is(set)) return e.value;
      return tr.docChanged || tr.selection ? null : tip;
    },
    provide: (f) => showTooltip.from(f),
  });
  const plugin = ViewPlugin.fromClass(class {
    update(update) {
      const moved = update.transactions.some((tr) => tr.isUserEvent('select') && !tr.isUserEvent('select.pointer'));
      if (!moved || update.docChanged || !update.state.selection.main.empty) return;
      const view = update.view;
      const pos = update.state.selection.main.head;
      queueMicrotask(() => {
        if (view.state.selection.main.head !== pos) return;
        const tip = docsAt(hooks, view.state, pos);
        if (tip) view.dispatch({ effects: [set.of(tip), EditorView.announce.of(tip.title)] });
      });
    }
  });
  const escape = keymap.of([{ key: 'Escape', run: (view) => {
    if (!view.state.field(field)) return false;
    view.dispatch({ effects: set.of(null) });
    return false;
  } }]);
  return [field, plugin, escape];
}

/**
 * Mounts an editor in place of `textarea` (which is hidden, and keeps nothing), with the
 * textarea's text, id and accessible name. Returns the handle the page drives it with.
 */
function mount(textarea, hooks) {
  const parent = textarea.parentElement;
  const label = textarea.getAttribute('aria-label');
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(),
        theme,
        history(),
        drawSelection(),
        search({ top: true }),
        language(hooks.tokenize),
        syntaxHighlighting(classes),
        autocompletion({
          override: [(context) => {
            const line = context.state.doc.lineAt(context.pos);
            const found = hooks.complete(line.text, line.number, context.pos - line.from);
            if (!found) return null;
            if (!context.explicit && found.from === context.pos - line.from) {
              const before = line.text.slice(0, found.from);
              if (!/[\s:-]$/.test(before) && before.length) return null;
            }
            return {
              from: line.from + found.from,
              options: found.options.map((o) => ({ label: o.label, detail: o.detail, type: o.type })),
              validFor: /^[\w.-]*$/,
            };
          }],
          icons: false,
        }),
        hoverTooltip((view, pos) => docsAt(hooks, view.state, pos)),
        caretDocs(hooks),
        keymap.of([...completionKeymap, ...searchKeymap, ...historyKeymap, ...lintKeymap,
          ...defaultKeymap]),
        EditorView.updateListener.of((update) => {
          // A keystroke (typing or deleting) is told apart from a paste, an undo or a fix, and a
          // change over the whole text (a paste or a keystroke over all of it) from the rest.
          if (update.docChanged) {
            hooks.changed(update.transactions.every((tr) => !tr.docChanged
              || tr.isUserEvent('input.type') || tr.isUserEvent('delete')),
            update.transactions.some(replacesAll));
          }
        }),
        EditorView.contentAttributes.of({
          id: textarea.id, 'aria-label': label ?? 'Manifest (YAML or JSON)', spellcheck: 'false',
          'aria-keyshortcuts': textarea.getAttribute('aria-keyshortcuts') ?? '',
          autocapitalize: 'off', autocorrect: 'off', 'aria-describedby': textarea.getAttribute('aria-describedby') ?? '',
        }),
      ],
    }),
  });
  const id = textarea.id;
  textarea.removeAttribute('id');
  textarea.hidden = true;
  parent.classList.add('has-cm');

  const handle = {
    view,
    /** The whole text. */
    text: () => view.state.doc.toString(),
    /** The number of lines. */
    lines: () => view.state.doc.lines,
    /**
     * The YAML document around 1-based line `number` (its lines up to the nearest `---` line
     * either way, as the core's `yaml::split_stream` and kubectl split a stream) as
     * `[first line, text]`, or null when it is over `limit` UTF-16 units: what completion reads, so
     * that a keystroke in a large file never copies all of it.
     */
    around(number, limit) {
      const doc = view.state.doc;
      if (number < 1 || number > doc.lines) return null;
      const marker = (n) => /^---([ \t\r]|$)/.test(doc.line(n).text);
      let first = number;
      let last = number;
      let size = doc.line(number).length;
      while (first > 1 && !marker(first) && size <= limit) size += doc.line(--first).length + 1;
      while (last < doc.lines && !marker(last + 1) && size <= limit) size += doc.line(++last).length + 1;
      if (size > limit) return null;
      return [first, doc.sliceString(doc.line(first).from, doc.line(last).to)];
    },
    /** Replaces the text from outside (an example, a file, a link): one undoable change. */
    setText(raw) {
      const text = asLines(raw);
      const old = view.state.doc.toString();
      if (old === text) return;
      view.dispatch({ changes: minimalChange(old, text), selection: { anchor: 0 },
        scrollIntoView: true, userEvent: 'input.replace' });
    },
    /** Applies a rewritten text as the smallest change, undoable in one step. */
    replace(raw) {
      const text = asLines(raw);
      const old = view.state.doc.toString();
      if (old === text) return false;
      const change = minimalChange(old, text);
      view.dispatch({ changes: change, selection: { anchor: change.from }, scrollIntoView: true,
        userEvent: 'input.fix' });
      return true;
    },
    /** Inserts text at the selection. */
    insert(text) {
      view.dispatch(view.state.replaceSelection(text), { userEvent: 'input.type', scrollIntoView: true });
    },
    /** Selects from (line, column) to the end of that line and shows it. */
    select(line, column, focus) {
      const at = position(view.state.doc, line, column);
      const end = view.state.doc.lineAt(at).to;
      view.dispatch({ selection: { anchor: at, head: end },
        effects: EditorView.scrollIntoView(at, { y: 'center' }) });
      if (focus) view.focus();
    },
    /** The 1-based line of the caret. */
    caretLine: () => view.state.doc.lineAt(view.state.selection.main.head).number,
    focus: () => view.focus(),
    complete: () => startCompletion(view),
    /**
     * Shows findings as squiggles: each `{line, from, to, level, message, summary, fix, apply}`
     * with UTF-16 columns; `apply` (a number) offers an Apply button that calls `hooks.apply`.
     */
    setFindings(findings) {
      const doc = view.state.doc;
      const diagnostics = [];
      for (const f of findings) {
        if (f.line > doc.lines) continue;
        const from = position(doc, f.line, f.from);
        const to = Math.max(from, position(doc, f.line, f.to));
        diagnostics.push({
          from, to, severity: SEVERITY[f.level] ?? 'info', message: f.message,
          markClass: `sq sq-${f.level}`,
          renderMessage: () => findingMessage(f),
          actions: f.apply >= 0 ? [{ name: 'Apply', apply: () => hooks.apply(f.apply) }] : [],
        });
      }
      diagnostics.sort((a, b) => a.from - b.from || a.to - b.to);
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    /** Puts the textarea back, with the text, and removes the editor. */
    destroy() {
      textarea.value = view.state.doc.toString();
      view.destroy();
      textarea.id = id;
      textarea.hidden = false;
      if (current === handle) current = null;
      parent.classList.remove('has-cm');
    },
  };
  current = handle;
  return handle;
}

/** The editor showing, if any. */
let current = null;

/**
 * `text()` reads the editor's whole text (the DOM holds only the lines on screen); `handle()` is
 * the editor showing, for tests that place the caret.
 */
globalThis.podsecEditor = { mount, text: () => current?.text(), handle: () => current };
window.dispatchEvent(new Event('podsec-editor-ready'));
