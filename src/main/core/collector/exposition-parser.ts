// Prometheus text exposition (0.0.4) and OpenMetrics 1.0, as a pure function from text to
// metric families. Used by the push receiver (and later by import and scraping).
// Errors name the line and what was expected, like Prometheus's own parser.

export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'untyped' | 'unknown' | 'info' | 'stateset';

export interface ExpositionSample {
  /** The sample's own name (`x_bucket`, `x_total`, …). */
  name: string;
  labels: Array<[string, string]>;
  value: number;
  /** ms since the epoch, or null. */
  tsMs: number | null;
}

export interface MetricFamily {
  name: string;
  type: FamilyType;
  help: string;
  unit: string;
  samples: ExpositionSample[];
}

export class ExpositionError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'ExpositionError';
    this.line = line;
  }
}

const TYPES_TEXT = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const TYPES_OM = new Set(['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'unknown', 'info', 'stateset']);

const SUFFIXES: Record<string, readonly string[]> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  summary: ['_sum', '_count', '_created'],
  info: ['_info'],
};

/** Parse a float the way Prometheus does: decimal or exponent forms, `NaN`, `+Inf`, `-Inf`
 * (any case of inf/nan in the text format). Returns undefined when malformed. */
export function parsePromFloat(s: string): number | undefined {
  if (s === '') return undefined;
  const lower = s.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf' || lower === '+infinity' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

interface Cursor {
  s: string;
  i: number;
  line: number;
}

function readName(c: Cursor): string {
  const start = c.i;
  const s = c.s;
  while (c.i < s.length) {
    const ch = s.charCodeAt(c.i);
    const ok =
      (ch >= 97 && ch <= 122) || (ch >= 65 && ch <= 90) || ch === 95 || ch === 58 || (c.i > start && ch >= 48 && ch <= 57);
    if (!ok) break;
    c.i++;
  }
  return s.slice(start, c.i);
}

function readQuoted(c: Cursor): string {
  if (c.s[c.i] !== '"') throw new ExpositionError(c.line, `expected '"' at column ${c.i + 1}`);
  c.i++;
  let out = '';
  for (;;) {
    if (c.i >= c.s.length) throw new ExpositionError(c.line, 'unterminated label value');
    const ch = c.s[c.i]!;
    if (ch === '"') {
      c.i++;
      return out;
    }
    if (ch === '\\') {
      const e = c.s[c.i + 1];
      if (e === 'n') out += '\n';
      else if (e === '\\') out += '\\';
      else if (e === '"') out += '"';
      else throw new ExpositionError(c.line, `invalid escape sequence '\\${e ?? ''}' in label value`);
      c.i += 2;
    } else {
      out += ch;
      c.i++;
    }
  }
}

/** An OpenMetrics exemplar after " # ": a label set, a value, an optional timestamp — checked as
 * Prometheus's parser checks it (the exemplar itself is not kept). */
function checkExemplar(text: string, line: number): void {
  const c: Cursor = { s: text, i: 0, line };
  if (c.s[0] !== '{') throw new ExpositionError(line, `expected a label set after " # " (an exemplar), got "${text.slice(0, 40)}"`);
  readLabels(c, true);
  if (c.s[c.i] !== ' ') throw new ExpositionError(line, 'an exemplar needs a value after its label set');
  const fields = c.s.slice(c.i + 1).split(' ');
  if (fields.length > 2 || fields[0] === '' || parsePromFloat(fields[0]!) === undefined) {
    throw new ExpositionError(line, `expected an exemplar's value and an optional timestamp, got "${c.s.slice(c.i + 1, c.i + 41)}"`);
  }
  if (fields.length === 2 && parsePromFloat(fields[1]!) === undefined) throw new ExpositionError(line, `expected an exemplar's timestamp, got "${fields[1]}"`);
}

function readLabels(c: Cursor, openMetrics: boolean): Array<[string, string]> {
  const labels: Array<[string, string]> = [];
  const seen = new Set<string>();
  c.i++; // '{'
  for (;;) {
    if (!openMetrics) while (c.s[c.i] === ' ' || c.s[c.i] === '\t') c.i++;
    if (c.s[c.i] === '}') {
      c.i++;
      return labels;
    }
    const name = readName(c);
    if (name === '' || name.includes(':')) throw new ExpositionError(c.line, `invalid label name at column ${c.i + 1}`);
    if (!openMetrics) while (c.s[c.i] === ' ' || c.s[c.i] === '\t') c.i++;
    if (c.s[c.i] !== '=') throw new ExpositionError(c.line, `expected '=' after label name "${name}"`);
    c.i++;
    if (!openMetrics) while (c.s[c.i] === ' ' || c.s[c.i] === '\t') c.i++;
    const value = readQuoted(c);
    if (seen.has(name)) throw new ExpositionError(c.line, `duplicate label name "${name}"`);
    seen.add(name);
    labels.push([name, value]);
    if (!openMetrics) while (c.s[c.i] === ' ' || c.s[c.i] === '\t') c.i++;
    if (c.s[c.i] === ',') {
      c.i++;
      continue;
    }
    if (c.s[c.i] === '}') {
      c.i++;
      return labels;
    }
    throw new ExpositionError(c.line, `expected ',' or '}' after label "${name}"`);
  }
}

function unescapeHelp(s: string, openMetrics: boolean): string {
  return s.replace(/\\(.)/g, (m, e: string) => (e === 'n' ? '\n' : e === '\\' ? '\\' : openMetrics && e === '"' ? '"' : m));
}

export interface ParseOptions {
  openMetrics: boolean;
}

/** Parse a whole exposition. Throws ExpositionError on the first malformed line. */
export function parseExposition(text: string, opts: ParseOptions): MetricFamily[] {
  const om = opts.openMetrics;
  const families: MetricFamily[] = [];
  const byName = new Map<string, MetricFamily>();
  const closed = new Set<string>();
  let current = null as MetricFamily | null;
  let sawEof = false;
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();

  const familyFor = (sampleName: string): MetricFamily => {
    if (current) {
      if (sampleName === current.name) return current;
      const suffixes = SUFFIXES[current.type] ?? [];
      for (const suf of suffixes) if (sampleName === current.name + suf) return current;
      // Text format: an untyped family may not carry suffixes.
    }
    return openFamily(sampleName, 'untyped');
  };

  const openFamily = (name: string, type: FamilyType): MetricFamily => {
    if (current && current.name !== name) closed.add(current.name);
    let fam = byName.get(name);
    if (fam && closed.has(name)) {
      throw new ExpositionError(lineNo, `metric family "${name}" appears in two places; its lines must be grouped together`);
    }
    if (!fam) {
      fam = { name, type: om && type === 'untyped' ? 'unknown' : type, help: '', unit: '', samples: [] };
      byName.set(name, fam);
      families.push(fam);
    }
    current = fam;
    return fam;
  };

  let lineNo = 0;
  for (const raw of lines) {
    lineNo++;
    if (sawEof) throw new ExpositionError(lineNo, 'text after "# EOF"');
    const line = !om && raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || (!om && /^[ \t]*$/.test(line))) {
      if (om) throw new ExpositionError(lineNo, 'empty line (not allowed in OpenMetrics)');
      continue;
    }
    const lead = om ? line : line.replace(/^[ \t]+/, '');
    if (lead.startsWith('#')) {
      if (om && lead === '# EOF') {
        sawEof = true;
        continue;
      }
      const m = /^#[ \t]+(HELP|TYPE|UNIT)[ \t]+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:[ \t]+(.*))?$/.exec(lead) ?? (om ? null : undefined);
      if (m === null) throw new ExpositionError(lineNo, `malformed comment "${lead.slice(0, 60)}"`);
      if (!m) {
        // Any other comment in the text format, but a HELP or TYPE must name a metric (as
        // Prometheus's text parser and the Pushgateway refuse "# TYPE #").
        const kw = /^#[ \t]+(HELP|TYPE)[ \t]+(\S)/.exec(lead);
        if (kw && !/[a-zA-Z_:]/.test(kw[2]!)) throw new ExpositionError(lineNo, `invalid metric name in comment: "${lead.slice(0, 60)}"`);
        continue;
      }
      const [, kw, name, rest = ''] = m;
      if (kw === 'TYPE') {
        const t = rest.trim();
        if (!(om ? TYPES_OM : TYPES_TEXT).has(t)) throw new ExpositionError(lineNo, `unknown metric type "${t}"`);
        const existing = byName.get(name!);
        if (existing && (existing.samples.length > 0 || existing.type !== (om ? 'unknown' : 'untyped'))) {
          throw new ExpositionError(lineNo, `second TYPE line for metric name "${name}", or TYPE reported after samples`);
        }
        openFamily(name!, t as FamilyType).type = t as FamilyType;
      } else if (kw === 'HELP') {
        const fam = byName.get(name!) && current?.name === name ? current! : openFamily(name!, 'untyped');
        if (fam.help !== '') throw new ExpositionError(lineNo, `second HELP line for metric name "${name}"`);
        fam.help = unescapeHelp(rest, om);
      } else {
        if (!om) continue;
        const fam = byName.get(name!) && current?.name === name ? current! : openFamily(name!, 'unknown');
        fam.unit = rest;
      }
      continue;
    }
    // A sample line.
    const c: Cursor = { s: lead, i: 0, line: lineNo };
    const name = readName(c);
    if (name === '') throw new ExpositionError(lineNo, `expected a metric name, got "${lead.slice(0, 40)}"`);
    let labels: Array<[string, string]> = [];
    if (c.s[c.i] === '{') labels = readLabels(c, om);
    if (c.s[c.i] !== ' ' && !(c.s[c.i] === '\t' && !om)) throw new ExpositionError(lineNo, `expected a space before the value of "${name}"`);
    const rest = c.s.slice(c.i).trim();
    // OpenMetrics exemplars follow " # ".
    const exemplarAt = om ? rest.indexOf(' # ') : -1;
    if (exemplarAt >= 0) checkExemplar(rest.slice(exemplarAt + 3), lineNo);
    const fields = (exemplarAt >= 0 ? rest.slice(0, exemplarAt) : rest).split(/[ \t]+/);
    if (fields.length > 2 || fields[0] === '') throw new ExpositionError(lineNo, `expected a value and an optional timestamp, got "${rest.slice(0, 60)}"`);
    const value = parsePromFloat(fields[0]!);
    if (value === undefined) throw new ExpositionError(lineNo, `expected float as value, got "${fields[0]}"`);
    let tsMs: number | null = null;
    if (fields.length === 2) {
      if (om) {
        const t = parsePromFloat(fields[1]!);
        if (t === undefined || !Number.isFinite(t)) throw new ExpositionError(lineNo, `expected a timestamp in seconds, got "${fields[1]}"`);
        tsMs = Math.round(t * 1000);
      } else {
        if (!/^-?\d+$/.test(fields[1]!)) throw new ExpositionError(lineNo, `expected integer as timestamp, got "${fields[1]}"`);
        tsMs = Number(fields[1]);
      }
    }
    const fam = familyFor(name);
    fam.samples.push({ name, labels, value, tsMs });
  }
  if (om && !sawEof) throw new ExpositionError(lineNo + 1, 'missing "# EOF" at the end of the OpenMetrics text');
  return families;
}
