// The StatsD / DogStatsD line protocol, as pure functions. `scanStatsd` is the hot path: it walks
// a datagram without building tag arrays and hands each metric to a sink in a reused object;
// `parseStatsd` wraps it into plain arrays for tests and tools.
//
// Accepted: `name:value|type[|@rate][|#k:v,flag][|T<unix s>][|c:<container>]` with types
// c g ms h d s; gauge deltas (`+3`, `-3`); packed values (`name:1:2:3|d`); the legacy
// multi-metric form (`name:1|c:2|ms`); InfluxDB (`name,k=v:…`), Librato (`name#k=v:…`) and
// SignalFx (`name[k=v]:…`) name tags, as statsd_exporter accepts them by default; events `_e{…}`
// and service checks `_sc|…`. Several lines per datagram, `\n` separated (a `\r` before it is ok).

import { MAX_STATSD_LINE_BYTES, MAX_STATSD_PACKED_VALUES } from '../../../shared/limits.ts';

export type StatsdType = 'c' | 'g' | 'ms' | 'h' | 'd' | 's';

/** Why a line (or a part of one) was dropped. Counted per reason on the self-monitoring board. */
export type StatsdRejectReason =
  | 'malformed_line'
  | 'line_too_long'
  | 'invalid_utf8'
  | 'unknown_type'
  | 'malformed_value'
  | 'non_finite_value'
  | 'negative_counter'
  | 'invalid_sample_rate'
  | 'malformed_timestamp'
  | 'malformed_component'
  | 'mixed_tagging_styles'
  | 'invalid_packed_type'
  | 'too_many_packed_values'
  | 'malformed_tag'
  | 'malformed_event'
  | 'malformed_service_check';

/** One metric occurrence. The object is reused between calls: copy what you keep. */
export interface ScannedMetric {
  /** The raw name section, name tags (Influx/Librato/SignalFx) included. Latin-1 decoded. */
  nameRaw: string;
  type: StatsdType;
  /** Parsed number; for timers still in ms. NaN for sets. */
  value: number;
  /** The raw member for sets (`s`). */
  member: string;
  /** Gauge delta (`+n`/`-n`). */
  relative: boolean;
  /** 1 when absent. */
  sampleRate: number;
  /** The raw DogStatsD tag section without `#`, '' when absent. */
  tagsRaw: string;
  containerId: string;
  /** ms since the epoch, or -1 when the line carries no `|T`. */
  tsMs: number;
  /** Aggregation cache key: name, type, tags and container; equal keys are the same series. */
  key: string;
}

export interface StatsdEvent {
  title: string;
  text: string;
  tsMs: number | null;
  hostname: string | null;
  priority: 'normal' | 'low';
  alertType: 'error' | 'warning' | 'info' | 'success';
  aggregationKey: string | null;
  sourceType: string | null;
  tags: string[];
}

export interface StatsdServiceCheck {
  name: string;
  status: 0 | 1 | 2 | 3;
  tsMs: number | null;
  hostname: string | null;
  message: string | null;
  tags: string[];
}

export interface StatsdSink {
  metric(m: ScannedMetric): void;
  event(e: StatsdEvent): void;
  serviceCheck(c: StatsdServiceCheck): void;
  reject(reason: StatsdRejectReason): void;
}

const TYPES: ReadonlyMap<string, StatsdType> = new Map([
  ['c', 'c'],
  ['g', 'g'],
  ['ms', 'ms'],
  ['h', 'h'],
  ['d', 'd'],
  ['s', 's'],
]);

/** A decimal number: `[+-]digits[.digits][e[+-]digits]`. Refuses what `Number()` would quietly
 * accept: '', ' ', '0x10', 'Infinity', '1_000'. Returns NaN when malformed. */
export function parseDecimal(s: string, start = 0, end = s.length): number {
  let i = start;
  if (i >= end) return NaN;
  let c = s.charCodeAt(i);
  if (c === 43 || c === 45) {
    i++;
    if (i >= end) return NaN;
    c = s.charCodeAt(i);
  }
  let digits = 0;
  while (i < end && (c = s.charCodeAt(i)) >= 48 && c <= 57) {
    i++;
    digits++;
  }
  if (i < end && s.charCodeAt(i) === 46) {
    i++;
    while (i < end && (c = s.charCodeAt(i)) >= 48 && c <= 57) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return NaN;
  if (i < end && ((c = s.charCodeAt(i)) === 101 || c === 69)) {
    i++;
    if (i < end && ((c = s.charCodeAt(i)) === 43 || c === 45)) i++;
    let exp = 0;
    while (i < end && (c = s.charCodeAt(i)) >= 48 && c <= 57) {
      i++;
      exp++;
    }
    if (exp === 0) return NaN;
  }
  if (i !== end) return NaN;
  return start === 0 && end === s.length ? +s : +s.slice(start, end);
}

const NON_FINITE = /^[+-]?(inf|infinity|nan)$/i;

function isAllDigits(s: string, start: number, end: number): boolean {
  if (start >= end) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Decode a Latin-1 string (one char per byte) back to UTF-8 text; null when the bytes are not
 * valid UTF-8. ASCII strings come back unchanged without copying. */
export function latin1ToUtf8(s: string): string | null {
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 127) {
      ascii = false;
      break;
    }
  }
  if (ascii) return s;
  const bytes = Buffer.from(s, 'latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Walk a datagram (or a TCP line batch). Lines are separated by `\n`. */
export function scanStatsd(input: string | Uint8Array, sink: StatsdSink, scratch: ScannedMetric = newScannedMetric()): void {
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  let start = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    let lineEnd = end;
    if (lineEnd > start && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    if (lineEnd > start) {
      if (lineEnd - start > MAX_STATSD_LINE_BYTES) sink.reject('line_too_long');
      else scanLine(text.slice(start, lineEnd), sink, scratch);
    }
    start = end + 1;
  }
}

export function newScannedMetric(): ScannedMetric {
  return { nameRaw: '', type: 'c', value: 0, member: '', relative: false, sampleRate: 1, tagsRaw: '', containerId: '', tsMs: -1, key: '' };
}

function scanLine(line: string, sink: StatsdSink, m: ScannedMetric): void {
  const c0 = line.charCodeAt(0);
  if (c0 === 95 /* _ */) {
    if (line.startsWith('_e{')) return scanEvent(line, sink);
    if (line.startsWith('_sc|')) return scanServiceCheck(line, sink);
  }
  const colon = line.indexOf(':');
  if (colon <= 0) return sink.reject('malformed_line');
  const nameRaw = line.slice(0, colon);
  const bar = line.indexOf('|', colon + 1);
  if (bar < 0) return sink.reject('malformed_line');

  // Fast path: one value, `name:value|type…` with no further ':' before the bar.
  const valuesPart = line.slice(colon + 1, bar);
  const rest = line.slice(bar + 1);
  if (valuesPart.indexOf(':') < 0) {
    // The legacy multi-metric form puts `:value|type` after the first sample's sections.
    const legacy = rest.indexOf(':');
    if (legacy >= 0 && rest.indexOf('|#') < 0 && rest.indexOf('|c:') < 0 && rest.indexOf('#') < 0) {
      // `a:1|c:2|ms` → `a:1|c`, `a:2|ms`
      for (const sample of line.slice(colon + 1).split(':')) {
        const b = sample.indexOf('|');
        if (b < 0) {
          sink.reject('malformed_component');
          continue;
        }
        scanSample(nameRaw, sample.slice(0, b), sample.slice(b + 1), sink, m);
      }
      return;
    }
    return scanSample(nameRaw, valuesPart, rest, sink, m);
  }

  // Packed values: `name:1:2:3|d`, only for the types that aggregate observations.
  const typeEnd = rest.indexOf('|');
  const typeStr = typeEnd < 0 ? rest : rest.slice(0, typeEnd);
  if (typeStr !== 'ms' && typeStr !== 'h' && typeStr !== 'd') return sink.reject('invalid_packed_type');
  const values = valuesPart.split(':');
  if (values.length > MAX_STATSD_PACKED_VALUES) return sink.reject('too_many_packed_values');
  for (const v of values) scanSample(nameRaw, v, rest, sink, m);
}

function scanSample(nameRaw: string, valueStr: string, rest: string, sink: StatsdSink, m: ScannedMetric): void {
  let p = rest.indexOf('|');
  const typeStr = p < 0 ? rest : rest.slice(0, p);
  const type = TYPES.get(typeStr);
  if (type === undefined) return sink.reject(typeStr === '' ? 'malformed_line' : 'unknown_type');

  let sampleRate = 1;
  let tagsRaw = '';
  let containerId = '';
  let tsMs = -1;
  while (p >= 0) {
    const next = rest.indexOf('|', p + 1);
    const sStart = p + 1;
    const sEnd = next < 0 ? rest.length : next;
    if (sEnd === sStart) return sink.reject('malformed_component');
    const c = rest.charCodeAt(sStart);
    if (c === 64 /* @ */) {
      const r = parseDecimal(rest, sStart + 1, sEnd);
      if (!(r > 0 && r <= 1)) return sink.reject('invalid_sample_rate');
      sampleRate = r;
    } else if (c === 35 /* # */) {
      tagsRaw = tagsRaw === '' ? rest.slice(sStart + 1, sEnd) : tagsRaw + ',' + rest.slice(sStart + 1, sEnd);
    } else if (c === 84 /* T */) {
      if (!isAllDigits(rest, sStart + 1, sEnd)) return sink.reject('malformed_timestamp');
      tsMs = Number(rest.slice(sStart + 1, sEnd)) * 1000;
      if (!Number.isSafeInteger(tsMs)) return sink.reject('malformed_timestamp');
    } else if (c === 99 /* c */ && rest.charCodeAt(sStart + 1) === 58 /* : */ && sEnd > sStart + 2) {
      containerId = rest.slice(sStart + 2, sEnd);
    } else {
      return sink.reject('malformed_component');
    }
    p = next;
  }

  let value = NaN;
  let relative = false;
  let member = '';
  if (type === 's') {
    if (valueStr === '') return sink.reject('malformed_value');
    member = valueStr;
  } else {
    value = parseDecimal(valueStr);
    if (Number.isNaN(value)) return sink.reject(NON_FINITE.test(valueStr) ? 'non_finite_value' : 'malformed_value');
    if (!Number.isFinite(value)) return sink.reject('non_finite_value');
    const first = valueStr.charCodeAt(0);
    relative = type === 'g' && (first === 43 || first === 45);
    if (type === 'c' && value < 0) return sink.reject('negative_counter');
  }

  m.nameRaw = nameRaw;
  m.type = type;
  m.value = value;
  m.member = member;
  m.relative = relative;
  m.sampleRate = sampleRate;
  m.tagsRaw = tagsRaw;
  m.containerId = containerId;
  m.tsMs = tsMs;
  m.key = containerId === '' ? nameRaw + '|' + typeStr + '|' + tagsRaw : nameRaw + '|' + typeStr + '|' + tagsRaw + '|' + containerId;
  sink.metric(m);
}

/** `_e{<title bytes>,<text bytes>}:<title>|<text>|d:…|h:…|p:…|t:…|k:…|s:…|#tags` */
function scanEvent(line: string, sink: StatsdSink): void {
  const close = line.indexOf('}:', 3);
  if (close < 0) return sink.reject('malformed_event');
  const lens = line.slice(3, close).split(',');
  if (lens.length !== 2 || !isAllDigits(lens[0]!, 0, lens[0]!.length) || !isAllDigits(lens[1]!, 0, lens[1]!.length)) {
    return sink.reject('malformed_event');
  }
  // Lengths are in bytes; the line is Latin-1 decoded, so one char is one byte.
  const titleLen = Number(lens[0]);
  const textLen = Number(lens[1]);
  const tStart = close + 2;
  if (titleLen === 0 || tStart + titleLen + 1 + textLen > line.length || line.charCodeAt(tStart + titleLen) !== 124) {
    return sink.reject('malformed_event');
  }
  const title = latin1ToUtf8(line.slice(tStart, tStart + titleLen));
  const text = latin1ToUtf8(line.slice(tStart + titleLen + 1, tStart + titleLen + 1 + textLen));
  if (title === null || text === null) return sink.reject('invalid_utf8');
  const ev: StatsdEvent = {
    title,
    text: text.replace(/\\n/g, '\n'),
    tsMs: null,
    hostname: null,
    priority: 'normal',
    alertType: 'info',
    aggregationKey: null,
    sourceType: null,
    tags: [],
  };
  const tail = line.slice(tStart + titleLen + 1 + textLen);
  if (tail !== '') {
    if (tail.charCodeAt(0) !== 124) return sink.reject('malformed_event');
    for (const section of tail.slice(1).split('|')) {
      const v = section.slice(2);
      if (section.startsWith('d:') && isAllDigits(v, 0, v.length)) ev.tsMs = Number(v) * 1000;
      else if (section.startsWith('h:')) ev.hostname = latin1ToUtf8(v);
      else if (section.startsWith('p:') && (v === 'normal' || v === 'low')) ev.priority = v;
      else if (section.startsWith('t:') && (v === 'error' || v === 'warning' || v === 'info' || v === 'success')) ev.alertType = v;
      else if (section.startsWith('k:')) ev.aggregationKey = latin1ToUtf8(v);
      else if (section.startsWith('s:')) ev.sourceType = latin1ToUtf8(v);
      else if (section.startsWith('#')) ev.tags.push(...splitTags(section.slice(1)));
      else return sink.reject('malformed_event');
    }
  }
  sink.event(ev);
}

/** `_sc|<name>|<status>|d:…|h:…|#tags|m:<message>` */
function scanServiceCheck(line: string, sink: StatsdSink): void {
  const parts = line.split('|');
  if (parts.length < 3 || parts[1] === '') return sink.reject('malformed_service_check');
  const status = parts[2];
  if (status !== '0' && status !== '1' && status !== '2' && status !== '3') return sink.reject('malformed_service_check');
  const name = latin1ToUtf8(parts[1]!);
  if (name === null) return sink.reject('invalid_utf8');
  const sc: StatsdServiceCheck = { name, status: Number(status) as 0 | 1 | 2 | 3, tsMs: null, hostname: null, message: null, tags: [] };
  for (let i = 3; i < parts.length; i++) {
    const section = parts[i]!;
    const v = section.slice(2);
    if (section.startsWith('d:') && isAllDigits(v, 0, v.length)) sc.tsMs = Number(v) * 1000;
    else if (section.startsWith('h:')) sc.hostname = latin1ToUtf8(v);
    else if (section.startsWith('#')) sc.tags.push(...splitTags(section.slice(1)));
    // The message is last and may itself contain '|'.
    else if (section.startsWith('m:')) {
      sc.message = latin1ToUtf8(parts.slice(i).join('|').slice(2));
      break;
    } else return sink.reject('malformed_service_check');
  }
  sink.serviceCheck(sc);
}

function splitTags(raw: string): string[] {
  const out: string[] = [];
  for (const t of raw.split(',')) {
    const u = latin1ToUtf8(t);
    if (u) out.push(u);
  }
  return out;
}

export interface ResolvedName {
  /** The name as sent (UTF-8), before escaping. */
  name: string;
  /** Label pairs from name tags and DogStatsD tags, in arrival order. Keys not yet escaped. */
  tags: Array<[string, string]>;
  /** How many tags were dropped as malformed (no value, empty key). */
  badTags: number;
}

/** Split a scanned metric's name and tag sections into a name and tag pairs. Only needed once
 * per distinct `key`; the aggregator caches the result. Returns a reject reason on failure. */
export function resolveName(m: Pick<ScannedMetric, 'nameRaw' | 'tagsRaw' | 'containerId'>): ResolvedName | StatsdRejectReason {
  const nameRaw = latin1ToUtf8(m.nameRaw);
  const tagsRaw = latin1ToUtf8(m.tagsRaw);
  if (nameRaw === null || tagsRaw === null) return 'invalid_utf8';
  const tags: Array<[string, string]> = [];
  const counter = { bad: 0 };
  let name = nameRaw;

  const sfxOpen = nameRaw.indexOf('[');
  const sfxClose = nameRaw.indexOf(']');
  if (sfxOpen >= 0 && sfxClose > sfxOpen) {
    splitPairs(nameRaw.slice(sfxOpen + 1, sfxClose), '=', tags, counter);
    name = nameRaw.slice(0, sfxOpen) + nameRaw.slice(sfxClose + 1);
  } else if ((sfxOpen >= 0) !== (sfxClose >= 0)) {
    counter.bad++;
  } else {
    for (let i = 0; i < nameRaw.length; i++) {
      const c = nameRaw.charCodeAt(i);
      if (c === 35 /* # Librato */ || c === 44 /* , InfluxDB */) {
        splitPairs(nameRaw.slice(i + 1), '=', tags, counter);
        name = nameRaw.slice(0, i);
        break;
      }
    }
  }
  if (tagsRaw !== '') {
    if (tags.length > 0) return 'mixed_tagging_styles';
    splitPairs(tagsRaw, ':', tags, counter, true);
  }
  if (m.containerId !== '') tags.push(['container_id', m.containerId]);
  if (name === '') return 'malformed_line';
  return { name, tags, badTags: counter.bad };
}

function splitPairs(raw: string, sep: string, out: Array<[string, string]>, counter: { bad: number }, trimHash = false): void {
  for (let tag of raw.split(',')) {
    if (trimHash && tag.charCodeAt(0) === 35) tag = tag.slice(1);
    const i = tag.indexOf(sep);
    if (i <= 0 || i === tag.length - 1) {
      counter.bad++;
      continue;
    }
    out.push([tag.slice(0, i), tag.slice(i + 1)]);
  }
}

export interface ParsedStatsdMetric {
  name: string;
  type: StatsdType;
  value: number;
  member: string;
  relative: boolean;
  sampleRate: number;
  tags: Array<[string, string]>;
  tsMs: number | null;
}

export interface ParsedStatsd {
  metrics: ParsedStatsdMetric[];
  events: StatsdEvent[];
  checks: StatsdServiceCheck[];
  rejects: Map<StatsdRejectReason, number>;
}

/** Everything in a datagram as plain data. For tests and tools; the receiver uses `scanStatsd`. */
export function parseStatsd(input: string | Uint8Array): ParsedStatsd {
  const out: ParsedStatsd = { metrics: [], events: [], checks: [], rejects: new Map() };
  const reject = (r: StatsdRejectReason) => out.rejects.set(r, (out.rejects.get(r) ?? 0) + 1);
  const text = typeof input === 'string' ? Buffer.from(input, 'utf8').toString('latin1') : input;
  scanStatsd(text, {
    metric(m) {
      const r = resolveName(m);
      if (typeof r === 'string') return reject(r);
      for (let i = 0; i < r.badTags; i++) reject('malformed_tag');
      out.metrics.push({
        name: r.name,
        type: m.type,
        value: m.value,
        member: m.type === 's' ? (latin1ToUtf8(m.member) ?? '') : '',
        relative: m.relative,
        sampleRate: m.sampleRate,
        tags: r.tags,
        tsMs: m.tsMs < 0 ? null : m.tsMs,
      });
    },
    event: (e) => out.events.push(e),
    serviceCheck: (c) => out.checks.push(c),
    reject,
  });
  return out;
}
