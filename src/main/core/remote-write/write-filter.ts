// Which series an endpoint receives: its `writeRelabel` rules (keep/drop by metric name, RE2,
// anchored, applied in order as Prometheus's write_relabel_configs on `__name__`), compiled once,
// with each series' verdict remembered. Also the settings check that refuses a rule RE2 cannot
// compile, naming it (the shared schema checks only its shape).

import type { Settings } from '../../../shared/settings.ts';
import type { RemoteWriteSettings } from '../../../shared/remote-write-settings.ts';
import { compileRegex, type LabelRegex } from '../store/index.ts';

export type WriteFilter = (seriesId: number, name: string) => boolean;

/** A filter for these rules; null when every series goes. Throws for a pattern RE2 refuses. */
export function compileWriteFilter(rules: RemoteWriteSettings['writeRelabel']): WriteFilter | null {
  if (rules.length === 0) return null;
  const compiled: Array<{ keep: boolean; re: LabelRegex }> = rules.map((r) => ({ keep: r.action === 'keep', re: compileRegex(r.regex) }));
  // Series ids are few compared with samples; the verdict is asked once per series.
  const verdicts = new Map<number, boolean>();
  return (id, name) => {
    let v = verdicts.get(id);
    if (v === undefined) {
      v = compiled.every((r) => r.re.test(name) === r.keep);
      verdicts.set(id, v);
    }
    return v;
  };
}

/** "remoteWrite.0.writeRelabel.1.regex = "(": …" for each rule RE2 refuses. */
export function remoteWriteProblems(s: Settings): string[] {
  const out: string[] = [];
  s.remoteWrite.forEach((e, i) =>
    e.writeRelabel.forEach((r, j) => {
      try {
        compileRegex(r.regex);
      } catch (err) {
        out.push(`remoteWrite.${i}.writeRelabel.${j}.regex = ${JSON.stringify(r.regex)}: ${(err as Error).message}`);
      }
    }),
  );
  return out;
}
