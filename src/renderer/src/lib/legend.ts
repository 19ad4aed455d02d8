// A series' name on screen: the query's `{{label}}` template, or its labels.

import type { LabelObject } from '../../../shared/model.ts';

export function legendOf(labels: LabelObject, template: string): string {
  if (template) return template.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, k: string) => labels[k] ?? '');
  const name = labels.__name__;
  const rest = Object.entries(labels)
    .filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  if (!rest) return name ?? 'value';
  return name ? `${name}{${rest}}` : `{${rest}}`;
}
