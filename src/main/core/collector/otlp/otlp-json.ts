// OTLP/HTTP JSON bodies (the protobuf JSON mapping the OTLP spec fixes): lowerCamelCase keys
// (snake_case accepted too), 64-bit integers as decimal strings or numbers, enums as integers,
// doubles as numbers or "NaN"/"Infinity"/"-Infinity". Unknown keys are ignored, as the spec asks;
// a value of the wrong shape is refused with the path to it.

import { MAX_OTLP_ATTRIBUTE_DEPTH } from '../../../../shared/limits.ts';
import {
  attrString,
  OtlpDecodeError,
  type Attributes,
  type ExponentialBuckets,
  type ExponentialHistogramPoint,
  type HistogramPoint,
  type NumberPoint,
  type OtlpData,
  type OtlpMetric,
  type OtlpRequest,
  type SummaryPoint,
} from './otlp-model.ts';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (path: string, what: string): never => {
  throw new OtlpDecodeError(`json: ${path} ${what}`);
};

/** The value under the lowerCamelCase key, or its snake_case spelling. */
function field(o: Obj, camel: string): unknown {
  if (Object.hasOwn(o, camel)) return o[camel];
  const snake = camel.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
  return Object.hasOwn(o, snake) ? o[snake] : undefined;
}

function obj(v: unknown, path: string): Obj {
  if (v === undefined || v === null) return {};
  return isObj(v) ? v : bad(path, 'must be an object');
}

function arr(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : bad(path, 'must be an array');
}

function str(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : bad(path, 'must be a string');
}

/** int64/uint64/fixed64: a JSON number or a decimal string. */
function int(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) return Number(v);
  return bad(path, `must be an integer or a decimal string (got ${JSON.stringify(v)?.slice(0, 40)})`);
}

function dbl(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return bad(path, `must be a number (got ${JSON.stringify(v)?.slice(0, 40)})`);
}

function anyValue(v: unknown, path: string, depth: number): unknown {
  if (depth > MAX_OTLP_ATTRIBUTE_DEPTH) bad(path, `nests deeper than ${MAX_OTLP_ATTRIBUTE_DEPTH}`);
  const o = obj(v, path);
  if (Object.hasOwn(o, 'stringValue') || Object.hasOwn(o, 'string_value')) return str(field(o, 'stringValue'), path + '.stringValue');
  if (Object.hasOwn(o, 'boolValue') || Object.hasOwn(o, 'bool_value')) return field(o, 'boolValue') === true;
  if (Object.hasOwn(o, 'intValue') || Object.hasOwn(o, 'int_value')) return int(field(o, 'intValue'), path + '.intValue');
  if (Object.hasOwn(o, 'doubleValue') || Object.hasOwn(o, 'double_value')) return dbl(field(o, 'doubleValue'), path + '.doubleValue');
  if (Object.hasOwn(o, 'bytesValue') || Object.hasOwn(o, 'bytes_value')) return str(field(o, 'bytesValue'), path + '.bytesValue');
  if (Object.hasOwn(o, 'arrayValue') || Object.hasOwn(o, 'array_value')) {
    const a = obj(field(o, 'arrayValue'), path + '.arrayValue');
    return arr(a.values, path + '.arrayValue.values').map((x, i) => anyValue(x, `${path}.arrayValue.values[${i}]`, depth + 1));
  }
  if (Object.hasOwn(o, 'kvlistValue') || Object.hasOwn(o, 'kvlist_value')) {
    const kv = obj(field(o, 'kvlistValue'), path + '.kvlistValue');
    const out: Record<string, unknown> = Object.create(null);
    arr(kv.values, path + '.kvlistValue.values').forEach((x, i) => {
      const p = `${path}.kvlistValue.values[${i}]`;
      const e = obj(x, p);
      out[str(e.key, p + '.key')] = anyValue(e.value, p + '.value', depth + 1);
    });
    return out;
  }
  return '';
}

function attributes(v: unknown, path: string): Attributes {
  return arr(v, path).map((x, i) => {
    const p = `${path}[${i}]`;
    const kv = obj(x, p);
    return [str(kv.key, p + '.key'), attrString(anyValue(kv.value, p + '.value', 0))];
  });
}

const flags = (o: Obj, p: string) => int(o.flags, p + '.flags');

function numberPoint(v: unknown, p: string): NumberPoint {
  const o = obj(v, p);
  const asInt = field(o, 'asInt');
  return { attributes: attributes(o.attributes, p + '.attributes'), value: asInt !== undefined ? int(asInt, p + '.asInt') : dbl(field(o, 'asDouble'), p + '.asDouble'), flags: flags(o, p) };
}

function optionalSum(o: Obj, p: string): number | null {
  return o.sum === undefined || o.sum === null ? null : dbl(o.sum, p + '.sum');
}

function histogramPoint(v: unknown, p: string): HistogramPoint {
  const o = obj(v, p);
  return {
    attributes: attributes(o.attributes, p + '.attributes'),
    count: int(o.count, p + '.count'),
    sum: optionalSum(o, p),
    bucketCounts: arr(field(o, 'bucketCounts'), p + '.bucketCounts').map((x, i) => int(x, `${p}.bucketCounts[${i}]`)),
    bounds: arr(field(o, 'explicitBounds'), p + '.explicitBounds').map((x, i) => dbl(x, `${p}.explicitBounds[${i}]`)),
    flags: flags(o, p),
  };
}

function buckets(v: unknown, p: string): ExponentialBuckets {
  const o = obj(v, p);
  return { offset: int(o.offset, p + '.offset'), counts: arr(field(o, 'bucketCounts'), p + '.bucketCounts').map((x, i) => int(x, `${p}.bucketCounts[${i}]`)) };
}

function exponentialPoint(v: unknown, p: string): ExponentialHistogramPoint {
  const o = obj(v, p);
  return {
    attributes: attributes(o.attributes, p + '.attributes'),
    count: int(o.count, p + '.count'),
    sum: optionalSum(o, p),
    scale: int(o.scale, p + '.scale'),
    zeroCount: int(field(o, 'zeroCount'), p + '.zeroCount'),
    zeroThreshold: dbl(field(o, 'zeroThreshold'), p + '.zeroThreshold'),
    positive: buckets(o.positive, p + '.positive'),
    negative: buckets(o.negative, p + '.negative'),
    flags: flags(o, p),
  };
}

function summaryPoint(v: unknown, p: string): SummaryPoint {
  const o = obj(v, p);
  return {
    attributes: attributes(o.attributes, p + '.attributes'),
    count: int(o.count, p + '.count'),
    sum: dbl(o.sum, p + '.sum'),
    quantiles: arr(field(o, 'quantileValues'), p + '.quantileValues').map((x, i) => {
      const q = obj(x, `${p}.quantileValues[${i}]`);
      return [dbl(q.quantile, `${p}.quantileValues[${i}].quantile`), dbl(q.value, `${p}.quantileValues[${i}].value`)] as [number, number];
    }),
    flags: flags(o, p),
  };
}

function data(m: Obj, p: string): OtlpData {
  const pts = <P>(o: Obj, dp: string, one: (v: unknown, p: string) => P): P[] => arr(field(o, 'dataPoints'), dp + '.dataPoints').map((x, i) => one(x, `${dp}.dataPoints[${i}]`));
  const temporality = (o: Obj, dp: string) => int(field(o, 'aggregationTemporality'), dp + '.aggregationTemporality');
  if (m.gauge !== undefined) {
    const o = obj(m.gauge, p + '.gauge');
    return { kind: 'gauge', points: pts(o, p + '.gauge', numberPoint) };
  }
  if (m.sum !== undefined) {
    const o = obj(m.sum, p + '.sum');
    return { kind: 'sum', temporality: temporality(o, p + '.sum'), monotonic: field(o, 'isMonotonic') === true, points: pts(o, p + '.sum', numberPoint) };
  }
  if (m.histogram !== undefined) {
    const o = obj(m.histogram, p + '.histogram');
    return { kind: 'histogram', temporality: temporality(o, p + '.histogram'), points: pts(o, p + '.histogram', histogramPoint) };
  }
  const exp = field(m, 'exponentialHistogram');
  if (exp !== undefined) {
    const o = obj(exp, p + '.exponentialHistogram');
    return { kind: 'exponential_histogram', temporality: temporality(o, p + '.exponentialHistogram'), points: pts(o, p + '.exponentialHistogram', exponentialPoint) };
  }
  if (m.summary !== undefined) {
    const o = obj(m.summary, p + '.summary');
    return { kind: 'summary', points: pts(o, p + '.summary', summaryPoint) };
  }
  return { kind: 'none' };
}

/** A parsed JSON body → the request. Throws OtlpDecodeError naming the path of a bad value. */
export function decodeOtlpJson(body: unknown): OtlpRequest {
  const root = obj(body, '(body)');
  const req: OtlpRequest = { resourceMetrics: [] };
  arr(field(root, 'resourceMetrics'), 'resourceMetrics').forEach((x, i) => {
    const p = `resourceMetrics[${i}]`;
    const rm = obj(x, p);
    const resource = obj(rm.resource, p + '.resource');
    const metrics: OtlpMetric[] = [];
    arr(field(rm, 'scopeMetrics'), p + '.scopeMetrics').forEach((y, j) => {
      const sp = `${p}.scopeMetrics[${j}]`;
      const sm = obj(y, sp);
      arr(sm.metrics, sp + '.metrics').forEach((z, k) => {
        const mp = `${sp}.metrics[${k}]`;
        const m = obj(z, mp);
        metrics.push({ name: str(m.name, mp + '.name'), description: str(m.description, mp + '.description'), unit: str(m.unit, mp + '.unit'), data: data(m, mp) });
      });
    });
    req.resourceMetrics.push({ resource: attributes(resource.attributes, p + '.resource.attributes'), metrics });
  });
  return req;
}
