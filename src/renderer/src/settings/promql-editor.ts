// A PromQL editor: CodeMirror 6 with codemirror-promql's highlighting, lint and completion of
// metric names, label names and values read from this Radiator's Prometheus-compatible API (with
// the page's access token, when it has one).

import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderExt } from '@codemirror/view';
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching, HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';

/** Colours from the app's palette (Okabe–Ito), readable on both themes. */
const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: 'var(--hl-keyword)' },
  { tag: tags.function(tags.variableName), color: 'var(--hl-function)' },
  { tag: tags.labelName, color: 'var(--hl-label)' },
  { tag: tags.string, color: 'var(--hl-string)' },
  { tag: tags.number, color: 'var(--hl-number)' },
  { tag: tags.operator, color: 'var(--hl-operator)' },
  { tag: tags.comment, color: 'var(--muted)', fontStyle: 'italic' },
  { tag: tags.invalid, color: 'var(--crit)', textDecoration: 'underline wavy' },
]);

export interface PromqlEditorOptions {
  parent: HTMLElement;
  doc: string;
  /** The collector's base URL (its Prometheus API is under /api/v1). */
  baseUrl: string;
  token: string | null;
  label: string;
  describedBy: string;
  placeholder?: string;
  readOnly?: boolean;
  onChange: (value: string) => void;
}

export function createPromqlEditor(o: PromqlEditorOptions): EditorView {
  const promql = new PromQLExtension().setComplete({
    remote: {
      url: o.baseUrl,
      httpMethod: 'GET',
      cache: { maxAge: 60_000 },
      // The page's token goes with every completion request (a LAN browser signed in as admin).
      fetchFn: (input, init) => {
        const headers = new Headers(init?.headers);
        if (o.token) headers.set('Authorization', `Bearer ${o.token}`);
        return fetch(input, { ...init, headers });
      },
    },
    maxMetricsMetadata: 10_000,
  });
  const extensions: Extension[] = [
    history(),
    closeBrackets(),
    bracketMatching(),
    autocompletion({ activateOnTyping: true, icons: false }),
    syntaxHighlighting(highlight),
    promql.asExtension(),
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap]),
    EditorView.lineWrapping,
    EditorView.contentAttributes.of({ 'aria-label': o.label, 'aria-describedby': o.describedBy, 'aria-multiline': 'false' }),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) o.onChange(u.state.doc.toString());
    }),
    EditorState.readOnly.of(o.readOnly ?? false),
  ];
  if (o.placeholder) extensions.push(placeholderExt(o.placeholder));
  return new EditorView({ parent: o.parent, state: EditorState.create({ doc: o.doc, extensions }) });
}
