// The Prometheus protobuf exposition (io.prometheus.client.MetricFamily, length-delimited), which
// the Go client uses when it pushes. A small wire-format reader for that one schema, flattened
// into the same families the text parser returns (`_bucket`/`_sum`/`_count` for histograms,
// `quantile` labels for summaries).

import { ExpositionError, type ExpositionSample, type FamilyType, type MetricFamily } from './exposition-parser.ts';
import { Reader } from './protobuf-reader.ts';

const TYPE_NAMES: FamilyType[] = ['counter', 'gauge', 'summary', 'untyped', 'histogram', 'gaugehistogram'];

interface RawMetric {
  labels: Array<[string, string]>;
  gauge?: number;
  counter?: number;
  untyped?: number;
  summary?: { count: number; sum: number; quantiles: Array<[number, number]> };
  histogram?: { count: number; sum: number; buckets: Array<[number, number]>; native: boolean };
  tsMs: number | null;
}

const readValue = (r: Reader): number => {
  let v = NaN;
  r.fields((f, w) => (f === 1 && w === 1 ? (v = r.double()) : r.skip(w)));
  return v;
};

function readMetric(r: Reader): RawMetric {
  const m: RawMetric = { labels: [], tsMs: null };
  r.fields((f, w) => {
    if (f === 1 && w === 2) {
      const lp = r.bytes();
      let name = '';
      let value = '';
      lp.fields((g, w2) => {
        if (g === 1 && w2 === 2) name = lp.string();
        else if (g === 2 && w2 === 2) value = lp.string();
        else lp.skip(w2);
      });
      m.labels.push([name, value]);
    } else if (f === 2 && w === 2) m.gauge = readValue(r.bytes());
    else if (f === 3 && w === 2) m.counter = readValue(r.bytes());
    else if (f === 5 && w === 2) m.untyped = readValue(r.bytes());
    else if (f === 4 && w === 2) {
      const s = r.bytes();
      const out = { count: 0, sum: 0, quantiles: [] as Array<[number, number]> };
      s.fields((g, w2) => {
        if (g === 1 && w2 === 0) out.count = s.varint();
        else if (g === 2 && w2 === 1) out.sum = s.double();
        else if (g === 3 && w2 === 2) {
          const q = s.bytes();
          let qq = NaN;
          let qv = NaN;
          q.fields((h, w3) => (h === 1 && w3 === 1 ? (qq = q.double()) : h === 2 && w3 === 1 ? (qv = q.double()) : q.skip(w3)));
          out.quantiles.push([qq, qv]);
        } else s.skip(w2);
      });
      m.summary = out;
    } else if (f === 7 && w === 2) {
      const h = r.bytes();
      const out = { count: 0, sum: 0, buckets: [] as Array<[number, number]>, native: false };
      let countFloat: number | null = null;
      h.fields((g, w2) => {
        if (g === 1 && w2 === 0) out.count = h.varint();
        else if (g === 4 && w2 === 1) countFloat = h.double();
        else if (g === 2 && w2 === 1) out.sum = h.double();
        else if (g === 3 && w2 === 2) {
          const b = h.bytes();
          let cum = 0;
          let cumFloat: number | null = null;
          let ub = NaN;
          b.fields((k, w3) => {
            if (k === 1 && w3 === 0) cum = b.varint();
            else if (k === 4 && w3 === 1) cumFloat = b.double();
            else if (k === 2 && w3 === 1) ub = b.double();
            else b.skip(w3);
          });
          out.buckets.push([ub, cumFloat ?? cum]);
        } else if (g === 5 || g === 12 || g === 9) {
          out.native = true;
          h.skip(w2);
        } else h.skip(w2);
      });
      if (countFloat !== null) out.count = countFloat;
      m.histogram = out;
    } else if (f === 6 && w === 0) m.tsMs = r.varint();
    else r.skip(w);
  });
  return m;
}

/** A float as Go's strconv.FormatFloat(v, 'g', -1, 64) writes it, which is how the Go client's
 * text output (and so a Prometheus that scrapes it) spells `le` and `quantile`: 1e+06, 1e-05. */
export function goFloat(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, ex] = v.toExponential().split('e'); // shortest round-trip digits
  const exp = Number(ex);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(v);
}

const fmt = goFloat;

/** Parse length-delimited MetricFamily messages. Throws ExpositionError (line = message number). */
export function parseProtobufExposition(body: Uint8Array): MetricFamily[] {
  const out: MetricFamily[] = [];
  const r = new Reader(body);
  let n = 0;
  while (!r.done) {
    n++;
    try {
      const msg = r.bytes();
      const fam: MetricFamily = { name: '', type: 'untyped', help: '', unit: '', samples: [] };
      const metrics: RawMetric[] = [];
      msg.fields((f, w) => {
        if (f === 1 && w === 2) fam.name = msg.string();
        else if (f === 2 && w === 2) fam.help = msg.string();
        else if (f === 3 && w === 0) fam.type = TYPE_NAMES[msg.varint()] ?? 'untyped';
        else if (f === 4 && w === 2) metrics.push(readMetric(msg.bytes()));
        else if (f === 5 && w === 2) fam.unit = msg.string();
        else msg.skip(w);
      });
      if (fam.name === '') throw new Error('metric family without a name');
      for (const m of metrics) fam.samples.push(...flatten(fam, m));
      out.push(fam);
    } catch (e) {
      if (e instanceof ExpositionError) throw e;
      throw new ExpositionError(n, `protobuf message ${n}: ${(e as Error).message}`);
    }
  }
  return out;
}

function flatten(fam: MetricFamily, m: RawMetric): ExpositionSample[] {
  const s = (name: string, value: number, extra?: [string, string]): ExpositionSample => ({
    name,
    labels: extra ? [...m.labels, extra] : m.labels,
    value,
    tsMs: m.tsMs,
  });
  switch (fam.type) {
    case 'counter':
      return [s(fam.name, m.counter ?? NaN)];
    case 'gauge':
      return [s(fam.name, m.gauge ?? NaN)];
    case 'untyped':
      return [s(fam.name, m.untyped ?? NaN)];
    case 'summary': {
      const sum = m.summary ?? { count: 0, sum: 0, quantiles: [] };
      return [
        ...sum.quantiles.map(([q, v]) => s(fam.name, v, ['quantile', fmt(q)])),
        s(fam.name + '_sum', sum.sum),
        s(fam.name + '_count', sum.count),
      ];
    }
    default: {
      const h = m.histogram ?? { count: 0, sum: 0, buckets: [], native: false };
      if (h.native && h.buckets.length === 0) {
        throw new Error(`"${fam.name}" is a native histogram, which Radiator does not store; push classic buckets`);
      }
      const buckets = h.buckets.map(([ub, c]) => s(fam.name + '_bucket', c, ['le', fmt(ub)]));
      if (!h.buckets.some(([ub]) => ub === Infinity)) buckets.push(s(fam.name + '_bucket', h.count, ['le', '+Inf']));
      const sumName = fam.type === 'gaugehistogram' ? '_gsum' : '_sum';
      const countName = fam.type === 'gaugehistogram' ? '_gcount' : '_count';
      return [...buckets, s(fam.name + sumName, h.sum), s(fam.name + countName, h.count)];
    }
  }
}
