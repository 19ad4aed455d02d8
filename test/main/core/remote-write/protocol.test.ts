// The remote-write wire format: 1.0 encoded and decoded (bytes checked by hand against the
// proto), 2.0 decoded through its symbols table, the staleness marker's bits kept, and every
// malformed or oversized body refused with the error that names it.
import { describe, expect, it } from 'vitest';
import snappy from 'snappyjs';
import { Writer } from '../../../../src/main/core/collector/protobuf-writer.ts';
import {
  decodeWriteRequest,
  decodeWriteRequestV2,
  encodeWriteRequest,
  encodeWriteRequestV2,
  RemoteWriteDecodeError,
  RemoteWriteLimitError,
  snappyUncompressedLength,
  type WriteRequest,
} from '../../../../src/main/core/remote-write/protocol.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const ascii = (s: string) => Buffer.from(s).toString('hex');

describe('encodeWriteRequest (1.0)', () => {
  it('writes the bytes prompb would: one series, one sample', () => {
    const got = encodeWriteRequest({ timeseries: [{ labels: [['__name__', 'up']], samples: [{ value: 1, timestampMs: 1000 }] }], metadata: [] });
    const label = `0a08${ascii('__name__')}1202${ascii('up')}`;
    const smp = `09000000000000f03f10e807`;
    expect(hex(got)).toBe(`0a1e0a0e${label}120c${smp}`);
  });

  it('writes metadata as MetricMetadata (type, family, help, unit in fields 1, 2, 4, 5)', () => {
    const got = encodeWriteRequest({ timeseries: [], metadata: [{ type: 'counter', family: 'x', help: 'h', unit: '' }] });
    expect(hex(got)).toBe(`1a0808011201${ascii('x')}2201${ascii('h')}`);
  });
});

describe('decodeWriteRequest (1.0)', () => {
  const req: WriteRequest = {
    timeseries: [
      {
        labels: [['__name__', 'http_requests_total'], ['job', 'api'], ['path', 'ü/'.repeat(100)]],
        samples: [{ value: 1.5, timestampMs: 1_700_000_000_000 }, { value: -0, timestampMs: 1_700_000_015_000 }, { value: Infinity, timestampMs: 1_700_000_030_000 }],
      },
      { labels: [['__name__', 'g']], samples: [{ value: NaN, timestampMs: 5 }, { value: NaN, timestampMs: 6, stale: true }] },
    ],
    metadata: [{ type: 'histogram', family: 'latency_seconds', help: 'How long.', unit: 'seconds' }],
  };

  it('round-trips through encodeWriteRequest, long labels and all', () => {
    const back = decodeWriteRequest(encodeWriteRequest(req));
    expect(back.metadata).toEqual(req.metadata);
    expect(back.timeseries[0]!.labels).toEqual(req.timeseries[0]!.labels);
    expect(back.timeseries[0]!.samples.map((s) => s.timestampMs)).toEqual([1_700_000_000_000, 1_700_000_015_000, 1_700_000_030_000]);
    expect(back.timeseries[0]!.samples.map((s) => s.value)).toEqual([1.5, -0, Infinity]);
    const g = back.timeseries[1]!.samples;
    expect(Number.isNaN(g[0]!.value) && !g[0]!.stale).toBe(true);
    expect(Number.isNaN(g[1]!.value) && g[1]!.stale).toBe(true);
  });

  it('knows the staleness marker by its bits (0x7ff0000000000002), not by being NaN', () => {
    const bytes = encodeWriteRequest({ timeseries: [{ labels: [['__name__', 'g']], samples: [{ value: 0, timestampMs: 1, stale: true }] }], metadata: [] });
    expect(hex(bytes)).toContain('09020000000000f07f');
  });

  it('reads negative timestamps (int64 two\'s complement)', () => {
    const w = new Writer();
    w.fork(1).fork(2).doubleField(1, 2).int64Field(2, -5).join().join();
    expect(decodeWriteRequest(w.finish()).timeseries[0]!.samples[0]).toEqual({ value: 2, timestampMs: -5 });
  });

  it('counts native histograms and exemplars without decoding them, and skips unknown fields', () => {
    const w = new Writer();
    w.fork(1).fork(1).string(1, '__name__').string(2, 'h').join().fork(3).doubleField(2, 1).join().fork(4).uint(1, 3).join().fork(4).join().uint(9, 7).join();
    w.uint(15, 1);
    const ts = decodeWriteRequest(w.finish()).timeseries[0]!;
    expect(ts).toEqual({ labels: [['__name__', 'h']], samples: [], histograms: 2, exemplars: 1 });
  });

  it.each([
    ['a truncated body', encodeWriteRequest(req).subarray(0, 40)],
    ['a length past the end', Uint8Array.from([0x0a, 0x20, 0x0a])],
    ['an unknown wire type', Uint8Array.from([0x0f])],
    ['invalid UTF-8 in a label', Uint8Array.from([0x0a, 0x05, 0x0a, 0x03, 0x0a, 0x01, 0xff])],
    ['a 1.0 body that is really text', new TextEncoder().encode('up{job="x"} 1\n')],
  ])('refuses %s with RemoteWriteDecodeError', (_what, bytes) => {
    expect(() => decodeWriteRequest(bytes)).toThrow(RemoteWriteDecodeError);
  });

  it('stops at maxEntries (label pairs and samples, all series together), 1.0 and 2.0 alike', () => {
    const r: WriteRequest = { timeseries: Array.from({ length: 3 }, (_, i) => ({ labels: [['__name__', `m${i}`], ['a', 'b']], samples: [{ value: 1, timestampMs: 1 }] })), metadata: [] };
    const limits = { maxSeries: 10, maxLabelsPerSeries: 10, maxEntries: 8 };
    expect(decodeWriteRequest(encodeWriteRequest(r), { ...limits, maxEntries: 9 }).timeseries).toHaveLength(3);
    expect(() => decodeWriteRequest(encodeWriteRequest(r), limits)).toThrow(/more than 8 labels and samples/);
    // 2.0 counts its symbols too: 7 ('' included), and 9 label pairs and samples.
    expect(decodeWriteRequestV2(encodeWriteRequestV2(r), { ...limits, maxEntries: 16 }).timeseries).toHaveLength(3);
    let err: unknown;
    try {
      decodeWriteRequestV2(encodeWriteRequestV2(r), { ...limits, maxEntries: 15 });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ bound: 'entries', limit: 15 });
  });

  it('stops at maxSeries and maxLabelsPerSeries with RemoteWriteLimitError naming the limit', () => {
    const many: WriteRequest = { timeseries: Array.from({ length: 5 }, (_, i) => ({ labels: [['__name__', `m${i}`]], samples: [] })), metadata: [] };
    expect(() => decodeWriteRequest(encodeWriteRequest(many), { maxSeries: 4, maxLabelsPerSeries: 10 })).toThrow(/more than 4 series/);
    const wide: WriteRequest = { timeseries: [{ labels: Array.from({ length: 11 }, (_, i) => [`l${i}`, 'v'] as const), samples: [] }], metadata: [] };
    let err: unknown;
    try {
      decodeWriteRequest(encodeWriteRequest(wide), { maxSeries: 4, maxLabelsPerSeries: 10 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RemoteWriteLimitError);
    expect((err as RemoteWriteLimitError).limit).toBe(10);
  });
});

describe('2.0', () => {
  const req: WriteRequest = {
    timeseries: [
      { labels: [['__name__', 'rpc_seconds_bucket'], ['le', '0.1']], samples: [{ value: 3, timestampMs: 10 }] },
      { labels: [['__name__', 'rpc_seconds_bucket'], ['le', '+Inf']], samples: [{ value: 4, timestampMs: 10 }] },
      { labels: [['__name__', 'up']], samples: [{ value: 1, timestampMs: 10 }, { value: 0, timestampMs: 20, stale: true }] },
    ],
    metadata: [{ type: 'histogram', family: 'rpc_seconds', help: 'RPC latency.', unit: 'seconds' }],
  };

  it('decodes a Request through its symbols table into the 1.0 shape, metadata once per family', () => {
    const back = decodeWriteRequestV2(encodeWriteRequestV2(req));
    expect(back.timeseries.map((t) => t.labels)).toEqual(req.timeseries.map((t) => t.labels));
    expect(back.timeseries[2]!.samples[1]!.stale).toBe(true);
    expect(back.metadata).toEqual(req.metadata);
  });

  it('refuses a label reference past the symbols table, and an odd number of references', () => {
    const w = new Writer();
    w.string(4, '', true).string(4, '__name__');
    w.fork(5).packedVarints(1, [1, 7]).join();
    expect(() => decodeWriteRequestV2(w.finish())).toThrow(/symbol reference 7 is past the table of 2/);
    const odd = new Writer();
    odd.string(4, '', true).string(4, '__name__');
    odd.fork(5).packedVarints(1, [1]).join();
    expect(() => decodeWriteRequestV2(odd.finish())).toThrow(/odd number/);
  });

  it('a 1.0 body read as 2.0 decodes to nothing (its fields are reserved in 2.0)', () => {
    const v1 = encodeWriteRequest(req);
    expect(decodeWriteRequestV2(v1).timeseries).toEqual([]);
  });
});

describe('snappyUncompressedLength', () => {
  it('reads the block header snappyjs writes, before decompressing', () => {
    const raw = new Uint8Array(300_000).fill(7);
    expect(snappyUncompressedLength(snappy.compress(raw))).toBe(300_000);
  });
  it('is null for a header that does not end', () => {
    expect(snappyUncompressedLength(Uint8Array.from([0xff, 0xff]))).toBeNull();
    expect(snappyUncompressedLength(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBeNull();
  });
});

describe('Writer', () => {
  it('moves a nested body when its length needs more than one byte', () => {
    const w = new Writer(16);
    const s = 'x'.repeat(200);
    w.fork(1).string(1, s).join();
    const r = w.finish();
    // tag, length 203 as two bytes, then the string field: tag, length 200 as two bytes.
    expect(hex(r.subarray(0, 6))).toBe('0acb010ac801');
    expect(r.length).toBe(6 + 200);
  });
});
