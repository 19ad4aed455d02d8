// The StatsD / DogStatsD line protocol, as pure functions. `scanStatsd` is the hot path: it walks
// a datagram's bytes without making strings — names and tags are hashed in place and only decoded
// when a key is seen for the first time — and hands each metric to a sink in a reused object;
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
  /** The bytes the line is in, and where its raw name section (name tags included) sits. Names
   * are not decoded on the hot path: `metricName(m)` does that when it is needed. */
  bytes: Uint8Array;
  nameStart: number;
  nameEnd: number;
  /** A 30-bit FNV-1a hash of the raw name, for lookups without a string, and a second,
   * independent 32-bit hash: with the length they tell names apart without comparing bytes
   * (both colliding is about 1 in 2^62). */
  nameHash: number;
  nameHash2: number;
  type: StatsdType;
  /** Parsed number; for timers still in ms. NaN for sets. */
  value: number;
  /** The raw member for sets (`s`), Latin-1 decoded. */
  member: string;
  /** Gauge delta (`+n`/`-n`). */
  relative: boolean;
  /** 1 when absent. */
  sampleRate: number;
  /** The first DogStatsD tag section (without `#`) as a byte range; start < 0 when absent. */
  tagsStart: number;
  tagsEnd: number;
  /** Further `#` sections, joined with ',' (rare); '' normally. */
  tagsExtra: string;
  /** The `c:` container id as a byte range; start < 0 when absent. */
  containerStart: number;
  containerEnd: number;
  /** A 32-bit hash and the total length of the tags and container id, for cache keys. */
  tagsHash: number;
  tagsLen: number;
  /** ms since the epoch, or -1 when the line carries no `|T`. */
  tsMs: number;
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

/** Latin-1 text of `b[start, end)`: one char per byte, so byte lengths stay char lengths. */
export function latin1(b: Uint8Array, start = 0, end = b.length): string {
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');
}

/** Walk a datagram (or several, or a TCP line batch). Lines are separated by `\n`. A string is
 * read as Latin-1 (one byte per char). */
export function scanStatsd(input: string | Uint8Array, sink: StatsdSink, scratch: ScannedMetric = newScannedMetric()): void {
  const b = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const n = b.length;
  let start = 0;
  while (start < n) {
    let end = b.indexOf(10, start);
    if (end < 0) end = n;
    let lineEnd = end;
    if (lineEnd > start && b[lineEnd - 1] === 13) lineEnd--;
    if (lineEnd > start) {
      if (lineEnd - start > MAX_STATSD_LINE_BYTES) sink.reject('line_too_long');
      else scanLine(b, start, lineEnd, sink, scratch);
    }
    start = end + 1;
  }
}

export function newScannedMetric(): ScannedMetric {
  return {
    bytes: new Uint8Array(0),
    nameStart: 0,
    nameEnd: 0,
    nameHash: 0,
    nameHash2: 0,
    type: 'c',
    value: 0,
    member: '',
    relative: false,
    sampleRate: 1,
    tagsStart: -1,
    tagsEnd: -1,
    tagsExtra: '',
    containerStart: -1,
    containerEnd: -1,
    tagsHash: 0,
    tagsLen: 0,
    tsMs: -1,
  };
}

/** The raw name section of a scanned metric (Latin-1 decoded). */
export const metricName = (m: ScannedMetric): string => latin1(m.bytes, m.nameStart, m.nameEnd);
/** The raw DogStatsD tags of a scanned metric, '' when none. */
export const metricTags = (m: ScannedMetric): string => {
  const first = m.tagsStart < 0 ? '' : latin1(m.bytes, m.tagsStart, m.tagsEnd);
  return m.tagsExtra === '' ? first : first === '' ? m.tagsExtra : first + ',' + m.tagsExtra;
};
export const metricContainer = (m: ScannedMetric): string => (m.containerStart < 0 ? '' : latin1(m.bytes, m.containerStart, m.containerEnd));

/** The type section `b[start, end)`. */
function typeAt(b: Uint8Array, start: number, end: number): StatsdType | '' | undefined {
  const len = end - start;
  if (len === 1) {
    switch (b[start]) {
      case 99:
        return 'c';
      case 103:
        return 'g';
      case 104:
        return 'h';
      case 100:
        return 'd';
      case 115:
        return 's';
    }
    return undefined;
  }
  if (len === 2 && b[start] === 109 && b[start + 1] === 115) return 'ms';
  return len === 0 ? '' : undefined;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** A decimal in `b[start, end)`. Plain forms are computed from the digits (an integer over a power
 * of ten is correctly rounded, so the result equals Number()); exponents and very long numbers go
 * through parseDecimal. NaN when malformed. */
function decimalAt(b: Uint8Array, start: number, end: number): number {
  let i = start;
  const first = b[i];
  const neg = first === 45;
  if (neg || first === 43) i++;
  let m = 0;
  let digits = 0;
  let frac = -1;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && frac < 0) frac = 0;
    else break;
  }
  if (i === end && digits > 0 && digits <= 15) {
    const v = frac > 0 ? m / POW10[frac]! : m;
    return neg ? -v : v;
  }
  return parseDecimal(latin1(b, start, end));
}

function digitsAt(b: Uint8Array, start: number, end: number): number {
  if (start >= end || end - start > 15) return NaN;
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c < 48 || c > 57) return NaN;
    v = v * 10 + (c - 48);
  }
  return v;
}

/** One line, `b[start, end)`. The common form is read in place; the rare ones (events, service
 * checks, packed values, legacy multi-metric lines) are decoded to text first. */
function scanLine(b: Uint8Array, start: number, end: number, sink: StatsdSink, m: ScannedMetric): void {
  if (b[start] === 95 /* _ */ && (b[start + 1] === 101 || b[start + 1] === 115)) {
    const line = latin1(b, start, end);
    if (line.startsWith('_e{')) return scanEvent(line, sink);
    if (line.startsWith('_sc|')) return scanServiceCheck(line, sink);
  }
  // Find the ':' and hash the name on the way.
  let h = 0x811c9dc5 | 0;
  let h2 = 5381;
  let colon = start;
  for (; colon < end; colon++) {
    const ch = b[colon]!;
    if (ch === 58) break;
    h = Math.imul(h ^ ch, 16777619);
    h2 = Math.imul(h2, 33) ^ ch;
  }
  if (colon <= start || colon >= end) return sink.reject('malformed_line');
  let bar = colon + 1;
  while (bar < end && b[bar] !== 124) {
    if (b[bar] === 58) return scanPacked(latin1(b, start, end), colon - start, sink, m);
    bar++;
  }
  if (bar >= end) return sink.reject('malformed_line');
  let typeEnd = bar + 1;
  while (typeEnd < end && b[typeEnd] !== 124) typeEnd++;
  const type = typeAt(b, bar + 1, typeEnd);
  if (type === undefined || type === '') {
    // `a:1|c:2|ms`: a ':' inside what should be the type section.
    for (let i = bar + 1; i < typeEnd; i++) if (b[i] === 58) return scanLegacy(latin1(b, start, end), colon - start, sink, m);
    return sink.reject(type === '' ? 'malformed_line' : 'unknown_type');
  }

  let sampleRate = 1;
  let tagsStart = -1;
  let tagsEnd = -1;
  let tagsExtra = '';
  let containerStart = -1;
  let containerEnd = -1;
  let tsMs = -1;
  let th = 0x811c9dc5 | 0;
  let tlen = 0;
  let p = typeEnd;
  while (p < end) {
    const sStart = p + 1;
    let next = sStart;
    while (next < end && b[next] !== 124) next++;
    if (next === sStart) return sink.reject('malformed_component');
    const c = b[sStart];
    if (c === 64 /* @ */) {
      const r = decimalAt(b, sStart + 1, next);
      if (!(r > 0 && r <= 1)) return sink.reject('invalid_sample_rate');
      sampleRate = r;
    } else if (c === 35 /* # */) {
      if (tagsStart < 0) {
        tagsStart = sStart + 1;
        tagsEnd = next;
      } else tagsExtra = tagsExtra === '' ? latin1(b, sStart + 1, next) : tagsExtra + ',' + latin1(b, sStart + 1, next);
      for (let i = sStart + 1; i < next; i++) th = Math.imul(th ^ b[i]!, 16777619);
      th = Math.imul(th ^ 44, 16777619);
      tlen += next - sStart;
    } else if (c === 84 /* T */) {
      const secs = digitsAt(b, sStart + 1, next);
      if (Number.isNaN(secs)) return sink.reject('malformed_timestamp');
      tsMs = secs * 1000;
    } else if (c === 99 /* c */ && b[sStart + 1] === 58 /* : */ && next > sStart + 2) {
      containerStart = sStart + 2;
      containerEnd = next;
      th = Math.imul(th ^ 255, 16777619);
      for (let i = containerStart; i < next; i++) th = Math.imul(th ^ b[i]!, 16777619);
      tlen += next - sStart + 1000;
    } else {
      // A ':' further on, with no tags or container: the legacy multi-metric form.
      if (tagsStart < 0 && containerStart < 0) {
        for (let i = sStart; i < end; i++) if (b[i] === 58) return scanLegacy(latin1(b, start, end), colon - start, sink, m);
      }
      return sink.reject('malformed_component');
    }
    p = next;
  }

  let value = NaN;
  let relative = false;
  let member = '';
  const vStart = colon + 1;
  if (type === 's') {
    if (bar === vStart) return sink.reject('malformed_value');
    member = latin1(b, vStart, bar);
  } else {
    const first = b[vStart];
    relative = type === 'g' && (first === 43 || first === 45);
    value = decimalAt(b, vStart, bar);
    if (Number.isNaN(value)) return sink.reject(NON_FINITE.test(latin1(b, vStart, bar)) ? 'non_finite_value' : 'malformed_value');
    if (!Number.isFinite(value)) return sink.reject('non_finite_value');
    if (type === 'c' && value < 0) return sink.reject('negative_counter');
  }
  m.bytes = b;
  m.nameStart = start;
  m.nameEnd = colon;
  m.nameHash = h & 0x3fffffff;
  m.nameHash2 = h2 | 0;
  m.type = type;
  m.value = value;
  m.member = member;
  m.relative = relative;
  m.sampleRate = sampleRate;
  m.tagsStart = tagsStart;
  m.tagsEnd = tagsEnd;
  m.tagsExtra = tagsExtra;
  m.containerStart = containerStart;
  m.containerEnd = containerEnd;
  m.tagsHash = th | 0;
  m.tagsLen = tlen;
  m.tsMs = tsMs;
  sink.metric(m);
}

/** `a:1|c:2|ms` → `a:1|c`, `a:2|ms` (statsd_exporter's legacy multi-metric form). */
function scanLegacy(line: string, colon: number, sink: StatsdSink, m: ScannedMetric): void {
  const name = line.slice(0, colon);
  for (const sample of line.slice(colon + 1).split(':')) {
    if (sample.indexOf('|') < 0) {
      sink.reject('malformed_component');
      continue;
    }
    const one = Buffer.from(name + ':' + sample, 'latin1');
    scanLine(one, 0, one.length, sink, m);
  }
}

/** Packed values: `name:1:2:3|d`, only for the types that aggregate observations. */
function scanPacked(line: string, colon: number, sink: StatsdSink, m: ScannedMetric): void {
  const bar = line.indexOf('|', colon + 1);
  if (bar < 0) return sink.reject('malformed_line');
  let typeEnd = line.indexOf('|', bar + 1);
  if (typeEnd < 0) typeEnd = line.length;
  const t = line.slice(bar + 1, typeEnd);
  if (t !== 'ms' && t !== 'h' && t !== 'd') return sink.reject('invalid_packed_type');
  const values = line.slice(colon + 1, bar).split(':');
  if (values.length > MAX_STATSD_PACKED_VALUES) return sink.reject('too_many_packed_values');
  const name = line.slice(0, colon);
  const rest = line.slice(bar);
  for (const v of values) {
    const one = Buffer.from(name + ':' + v + rest, 'latin1');
    scanLine(one, 0, one.length, sink, m);
  }
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
export function resolveName(m: { nameRaw: string; tagsRaw: string; containerId: string }): ResolvedName | StatsdRejectReason {
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
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  scanStatsd(bytes, {
    metric(m) {
      const r = resolveName({ nameRaw: metricName(m), tagsRaw: metricTags(m), containerId: metricContainer(m) });
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
