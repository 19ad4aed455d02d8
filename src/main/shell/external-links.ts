// shell.openExternal only for http(s) links the user configured: runbook links on alert rules
// and links written in text panels. Anything else a page asks to open is refused.

import type { Settings } from '../../shared/settings.ts';

export function configuredLinks(s: Settings): Set<string> {
  const out = new Set<string>();
  for (const r of s.alerts.rules) if (r.runbookUrl) out.add(r.runbookUrl);
  for (const b of s.boards) {
    for (const p of b.panels) {
      if (p.type !== 'text') continue;
      for (const m of p.text.matchAll(/\bhttps?:\/\/[^\s)<>"'\]]+/g)) out.add(m[0]);
    }
  }
  return out;
}

export function mayOpenExternally(url: string, allowed: ReadonlySet<string>): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  return allowed.has(url) || allowed.has(u.href);
}
