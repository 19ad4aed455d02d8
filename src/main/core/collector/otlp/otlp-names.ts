// OTLP names → Prometheus names, as Prometheus's own OTLP receiver translates them by default
// (prometheus/otlptranslator, strategy UnderscoreEscapingWithSuffixes, which follows the
// OpenTelemetry "Prometheus and OpenMetrics compatibility" spec):
//   metric: split on every character outside [a-zA-Z0-9:], join the pieces with `_`; append the
//   unit (`s` → `seconds`, `By` → `bytes`, `By/s` → `bytes_per_second`, `{requests}` dropped)
//   unless a piece already is it; `_total` for monotonic sums; `_ratio` for gauges in unit `1`;
//   `_` in front of a leading digit.
//   label: characters outside [a-zA-Z0-9_] → `_`, runs of `_` collapse, `key_` in front of a
//   leading digit. Attributes that collide after that are joined with `;`, in key order.

export type OtlpNameKind = 'gauge' | 'monotonic_counter' | 'non_monotonic_counter' | 'histogram' | 'exponential_histogram' | 'summary';

const UNITS: ReadonlyMap<string, string> = new Map([
  ['d', 'days'],
  ['h', 'hours'],
  ['min', 'minutes'],
  ['s', 'seconds'],
  ['ms', 'milliseconds'],
  ['us', 'microseconds'],
  ['ns', 'nanoseconds'],
  ['By', 'bytes'],
  ['KiBy', 'kibibytes'],
  ['MiBy', 'mebibytes'],
  ['GiBy', 'gibibytes'],
  ['TiBy', 'tibibytes'],
  ['KBy', 'kilobytes'],
  ['MBy', 'megabytes'],
  ['GBy', 'gigabytes'],
  ['TBy', 'terabytes'],
  ['m', 'meters'],
  ['V', 'volts'],
  ['A', 'amperes'],
  ['J', 'joules'],
  ['W', 'watts'],
  ['g', 'grams'],
  ['Cel', 'celsius'],
  ['Hz', 'hertz'],
  ['1', ''],
  ['%', 'percent'],
]);

const PER_UNITS: ReadonlyMap<string, string> = new Map([
  ['s', 'second'],
  ['m', 'minute'],
  ['h', 'hour'],
  ['d', 'day'],
  ['w', 'week'],
  ['mo', 'month'],
  ['y', 'year'],
]);

const isMetricChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 58;

function tokens(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isMetricChar(c)) cur += s[i];
    else if (cur !== '') {
      out.push(cur);
      cur = '';
    }
  }
  if (cur !== '') out.push(cur);
  return out;
}

/** Invalid characters → `_`, runs of `_` → one, no leading `_`. */
function cleanUnit(u: string): string {
  let out = '';
  for (let i = 0; i < u.length; i++) {
    const ch = isMetricChar(u.charCodeAt(i)) ? u[i]! : '_';
    if (ch === '_' && out.endsWith('_')) continue;
    out += ch;
  }
  return out.startsWith('_') ? out.slice(1) : out;
}

/** `By/s` → ['bytes', 'per_second']; annotations in braces give nothing. */
export function unitSuffixes(unit: string): [main: string, per: string] {
  const slash = unit.indexOf('/');
  const mainRaw = (slash < 0 ? unit : unit.slice(0, slash)).trim();
  const perRaw = slash < 0 ? '' : unit.slice(slash + 1).trim();
  let main = '';
  if (mainRaw !== '' && !/[{}]/.test(mainRaw)) main = UNITS.get(mainRaw) ?? mainRaw;
  let per = '';
  if (perRaw !== '' && !/[{}]/.test(perRaw)) per = 'per_' + (PER_UNITS.get(perRaw) ?? perRaw);
  return [cleanUnit(main), cleanUnit(per)];
}

/** The Prometheus name, or '' when nothing usable is left (the metric is refused). */
export function otlpMetricName(name: string, unit: string, kind: OtlpNameKind): string {
  let parts = tokens(name);
  let [main, per] = unitSuffixes(unit);
  if (parts.includes(main)) main = '';
  if (per === 'per_') per = '';
  else {
    if (per.endsWith('_')) per = per.slice(0, -1);
    if (parts.includes(per)) per = '';
  }
  if (per !== '' && main.endsWith('_')) main = main.slice(0, -1);
  if (main !== '') parts.push(main);
  if (per !== '') parts.push(per);
  if (kind === 'monotonic_counter') parts = [...parts.filter((p) => p !== 'total'), 'total'];
  if (unit === '1' && kind === 'gauge') parts = [...parts.filter((p) => p !== 'ratio'), 'ratio'];
  let out = parts.join('_');
  if (out !== '' && out.charCodeAt(0) >= 48 && out.charCodeAt(0) <= 57) out = '_' + out;
  return /^_*$/.test(out) ? '' : out;
}

/** The unit as the metadata API shows it (`seconds`, `bytes_per_second`). */
export function otlpUnitName(unit: string): string {
  const [main, per] = unitSuffixes(unit);
  return [main, per].filter(Boolean).join('_').replace(/^_+|_+$/g, '');
}

/** An attribute key as a label name, or '' when nothing usable is left. */
export function otlpLabelName(key: string): string {
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
    const ch = ok ? key[i]! : '_';
    if (ch === '_' && out.endsWith('_')) continue;
    out += ch;
  }
  if (out === '' || /^_+$/.test(out)) return '';
  if (out.charCodeAt(0) >= 48 && out.charCodeAt(0) <= 57) out = 'key_' + out;
  return out;
}

/** Attributes → label pairs; keys that collide after translation have their values joined with
 * `;` in the order of the original keys. Returns null when a key translates to nothing. */
export function otlpLabels(attrs: ReadonlyArray<readonly [string, string]>): Map<string, string> | null {
  if (attrs.length === 0) return new Map();
  const sorted = attrs.length > 1 ? [...attrs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) : attrs;
  const out = new Map<string, string>();
  for (const [k, v] of sorted) {
    const name = otlpLabelName(k);
    if (name === '') return null;
    const prev = out.get(name);
    out.set(name, prev === undefined ? v : `${prev};${v}`);
  }
  return out;
}
