// A series' name on screen: the query's `{{label}}` template, or its labels. Not its identity:
// two series may get the same legend (panel-series.ts names them apart).

import type { LabelObject } from '../../../shared/model.ts';

export function legendOf(labels: LabelObject, template: string): string {
  // Own properties only: labels parsed from JSON have a prototype, and `constructor` is a valid label name.
  if (template) return template.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, k: string) => (Object.hasOwn(labels, k) ? labels[k]! : ''));
  const name = Object.hasOwn(labels, '__name__') ? labels.__name__ : undefined;
  const rest = Object.entries(labels)
    .filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  if (!rest) return name ?? 'value';
  return name ? `${name}{${rest}}` : `{${rest}}`;
}
