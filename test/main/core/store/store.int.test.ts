import { rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSelector, Store, type StoreOptions, toUplotColumns } from '../../../../src/main/core/store/index.ts';
import { CHECKPOINT_INTERVAL_MS } from '../../../../src/shared/limits.ts';
import { tempDir } from '../../../helpers/core.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 26, 0, 0, 0);

let dirs: string[] = [];
let open: Store[] = [];
afterEach(() => {
  for (const s of open) s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  open = [];
  dirs = [];
});

function make(clock: { now: number }, over: Partial<StoreOptions> = {}, dir?: string): Store {
  const d = dir ?? tempDir();
  if (!dir) dirs.push(d);
  const s = new Store({
    dir: d,
    maxSeries: 1000,
    hotWindowMs: H,
    retention: { rawMs: 72 * H, rollup5mMs: 30 * 24 * H, rollup1hMs: 365 * 24 * H, eventsMs: 30 * 24 * H },
    now: () => clock.now,
    ...over,
  });
  open.push(s);
  return s;
}

const reopen = (s: Store, clock: { now: number }, over: Partial<StoreOptions> = {}) => {
  s.close();
  open = open.filter((x) => x !== s);
  return make(clock, over, s.file.replace(/[/\\]radiator\.db$/, ''));
};

describe('store', () => {
  it('appends, refuses out-of-order and duplicate samples, and reads back uPlot columns', () => {
    const clock = { now: T0 };
    const st = make(clock);
    const a = st.resolve('a', [['x', '1']])!;
    const b = st.resolve('b', [])!;
    expect(st.append(a, T0 - 2000, 1)).toBe('ok');
    expect(st.append(a, T0 - 1000, 2)).toBe('ok');
    expect(st.append(a, T0 - 1000, 2)).toBe('duplicate');
    expect(st.append(a, T0 - 1000, 3)).toBe('out_of_order');
    expect(st.append(a, T0 - 5000, 3)).toBe('out_of_order');
    // Past the age bound the reason is the bound, whatever the series holds.
    expect(st.append(a, T0 - 8 * 24 * H, 3)).toBe('too_old');
    expect(st.append(b, T0 - 8 * 24 * H, 3)).toBe('too_old');
    expect(st.append(b, T0 + H, 3)).toBe('too_new');
    expect(st.append(b, T0 - 1000, 5)).toBe('ok');
    st.commit();
    const found = st.select(parseSelector('{__name__=~"a|b"}'), T0 - 10_000, T0);
    expect(found.map((f) => f.series.key)).toEqual(['a{x="1"}', 'b']);
    expect(toUplotColumns(found)).toEqual([
      [T0 - 2000, T0 - 1000],
      [1, 2],
      [null, 5],
    ]);
  });

  it('selects with all four matchers, Prometheus-style (a missing label equals "")', () => {
    const clock = { now: T0 };
    const st = make(clock);
    for (const [env, code] of [['prod', '200'], ['prod', '500'], ['dev', '200'], [null, '404']] as const) {
      const labels: Array<[string, string]> = [['code', code]];
      if (env) labels.push(['env', env]);
      st.append(st.resolve('req', labels.sort())!, T0 - 1000, 1);
    }
    const keys = (sel: string) => st.select(parseSelector(sel), T0 - 5000, T0).map((f) => f.series.key);
    expect(keys('req{env="prod"}')).toEqual(['req{code="200",env="prod"}', 'req{code="500",env="prod"}']);
    expect(keys('req{env!="prod"}')).toEqual(['req{code="200",env="dev"}', 'req{code="404"}']);
    expect(keys('req{code=~"2.."}')).toEqual(['req{code="200",env="dev"}', 'req{code="200",env="prod"}']);
    expect(keys('req{code!~"2..|5.."}')).toEqual(['req{code="404"}']);
    expect(keys('req{env=""}')).toEqual(['req{code="404"}']);
    expect(keys('{__name__="req",env=~"(?i)PROD"}')).toHaveLength(2);
  });

  it('keeps every committed sample across a restart (replaying the write-ahead log)', () => {
    const clock = { now: T0 };
    let st = make(clock);
    const s = st.resolve('g', [])!;
    for (let i = 0; i < 500; i++) st.append(s, T0 - 500_000 + i * 1000, i);
    st.commit();
    st = reopen(st, clock);
    const [f] = st.select(parseSelector('g'), 0, T0);
    expect(f!.ts.length).toBe(500);
    expect(f!.values[499]).toBe(499);
    // Appends continue in order after the restart.
    const again = st.index.get('g')!;
    expect(st.append(again, T0 - 1000, 1)).toBe('out_of_order');
    expect(st.append(again, T0, 500)).toBe('ok');
  });

  it('checkpoints open chunks, trims the log, and still recovers everything', () => {
    const clock = { now: T0 };
    let st = make(clock);
    const s = st.resolve('g', [])!;
    for (let i = 0; i < 50; i++) st.append(s, T0 - 50_000 + i * 1000, i);
    st.commit();
    clock.now += CHECKPOINT_INTERVAL_MS + 1;
    st.maintain(); // starts and, with one series, finishes the checkpoint
    expect(st.getStats().walRecords).toBe(0);
    for (let i = 0; i < 5; i++) st.append(s, clock.now - 5000 + i * 1000, 100 + i);
    st.commit();
    st = reopen(st, clock);
    const [f] = st.select(parseSelector('g'), 0, clock.now);
    expect(f!.ts.length).toBe(55);
    expect(f!.values[54]).toBe(104);
  });

  it('evicts old chunks from memory and reads them back from disk, seamlessly', () => {
    const clock = { now: T0 };
    const st = make(clock, { hotWindowMs: H });
    const s = st.resolve('g', [])!;
    const start = T0;
    for (let i = 0; i < 3 * 360; i++) {
      clock.now = start + i * 10_000;
      st.append(s, clock.now, i);
      if (i % 30 === 0) {
        st.commit();
        st.maintain();
      }
    }
    st.commit();
    clock.now += 61_000;
    st.maintain();
    expect(s.memFrom).toBeGreaterThan(start);
    const { ts, values } = st.readRaw(s, start, clock.now);
    expect(ts.length).toBe(3 * 360);
    expect(values[0]).toBe(0);
    expect([...values].every((v, i) => v === i)).toBe(true);
    // A range wholly on disk, and one across the edge.
    expect(st.readRaw(s, start + 100_000, start + 200_000).ts.length).toBe(11);
    expect(st.readRaw(s, s.memFrom - 50_000, s.memFrom + 50_000).ts.length).toBe(11);
  });

  it('reads many series from disk and memory in batches exactly as sample by sample', () => {
    // 600 series (more than one disk batch), each with chunks evicted to disk, chunks in memory,
    // and some with history imported straight to disk; every range edge inside a chunk, on a
    // sample, at the memory edge, wholly on disk, wholly in memory.
    const clock = { now: T0 };
    const st = make(clock, { hotWindowMs: H });
    const all: Array<{ s: ReturnType<Store['resolve']>; ts: number[]; values: number[] }> = [];
    for (let k = 0; k < 600; k++) {
      const s = st.resolve('m', [['k', String(k).padStart(3, '0')]])!;
      const rec = { s, ts: [] as number[], values: [] as number[] };
      if (k % 3 === 0) {
        const hts = Array.from({ length: 50 }, (_, i) => T0 - 3 * H + i * 60_000 + k);
        const hvs = hts.map((_, i) => -i - k);
        st.importSamples(s, hts, hvs);
        rec.ts.push(...hts);
        rec.values.push(...hvs);
      }
      all.push(rec);
    }
    for (let i = 0; i < 2 * 360; i++) {
      clock.now = T0 + i * 10_000;
      for (const [k, r] of all.entries()) {
        if ((i + k) % 7 === 0) continue; // gaps, so series differ
        st.append(r.s!, clock.now, i * 1000 + k);
        r.ts.push(clock.now);
        r.values.push(i * 1000 + k);
      }
      if (i % 30 === 0) {
        st.commit();
        st.maintain();
      }
    }
    // A series whose only samples were imported into the past: its last sample is on disk only.
    const pastOnly = st.resolve('m', [['k', 'zzz']])!;
    const pts = Array.from({ length: 30 }, (_, i) => T0 - 3 * H + i * 60_000 + 7);
    st.importSamples(pastOnly, pts, pts.map((_, i) => 5 * i));
    all.push({ s: pastOnly, ts: pts, values: pts.map((_, i) => 5 * i) });
    st.commit();
    clock.now += 61_000;
    for (let i = 0; i < 50; i++) st.maintain();
    const s0 = all[1]!.s!;
    expect(s0.memFrom).toBeGreaterThan(T0);
    const edge = s0.memFrom;
    const ranges: Array<[number, number]> = [
      [T0 - 4 * H, clock.now],
      [T0 - 3 * H + 30_000, T0 - 2 * H],
      [T0 + 5_000, edge - 1],
      [edge - 55_000, edge + 55_000],
      [edge, clock.now],
      [edge + 1, edge + 25_000],
      [T0 + 100_000, T0 + 100_000],
    ];
    for (const [from, to] of ranges) {
      const want = all
        .map((r) => {
          const idx = r.ts.map((t, i) => i).filter((i) => r.ts[i]! >= from && r.ts[i]! <= to);
          return { key: r.s!.key, ts: idx.map((i) => r.ts[i]!), values: idx.map((i) => r.values[i]!) };
        })
        .filter((r) => r.ts.length > 0)
        .sort((a, b) => (a.key < b.key ? -1 : 1));
      const got = st.select(parseSelector('m'), from, to).map((f) => ({ key: f.series.key, ts: [...f.ts], values: [...f.values] }));
      expect(got, `select [${from - T0}, ${to - T0}]`).toEqual(want);
      const each = [...st.selectEach(parseSelector('m'), from, to)].map((f) => ({ key: f.series.key, ts: [...f.ts], values: [...f.values] }));
      expect(each, `selectEach [${from - T0}, ${to - T0}]`).toEqual(want);
      for (const w of want.slice(0, 5)) expect([...st.readRaw(all.find((r) => r.s!.key === w.key)!.s!, from, to).ts]).toEqual(w.ts);
      // Only the newest sample wanted (an instant selector): the same series, each ending in the
      // same newest sample; where the series' last sample is in memory, that sample alone.
      for (const reuse of [false, true]) {
        // Read one at a time, as the engine does (with `reuse`, each is valid until the next).
        const newest: Array<{ key: string; n: number; ts: number | undefined; value: number | undefined }> = [];
        for (const f of st.selectEach(parseSelector('m'), from, to, { newest: true, reuse })) newest.push({ key: f.series.key, n: f.ts.length, ts: f.ts[f.ts.length - 1], value: f.values[f.values.length - 1] });
        expect(newest.map(({ n, ...r }) => r), `newest [${from - T0}, ${to - T0}]`).toEqual(want.map((w) => ({ key: w.key, ts: w.ts.at(-1), value: w.values.at(-1) })));
        const lastInMemory = to >= clock.now - 10_000;
        if (lastInMemory) expect(newest.filter((r) => r.key !== pastOnly.key).every((r) => r.n === 1)).toBe(true);
        else if (want.some((w) => w.ts.length > 1)) expect(newest.some((r) => r.n > 1)).toBe(true);
      }
    }
  });

  it('rolls up into 5-minute and 1-hour buckets with min, max, sum, count and last', () => {
    const clock = { now: T0 };
    const st = make(clock);
    const s = st.resolve('g', [])!;
    for (let i = 0; i < 2 * 360; i++) {
      clock.now = T0 + i * 10_000;
      st.append(s, clock.now, i % 30);
      if (i % 6 === 0) {
        st.commit();
        st.maintain();
      }
    }
    st.commit();
    clock.now = T0 + 3 * H;
    for (let i = 0; i < 10; i++) st.maintain();
    const [r5] = st.selectRollup(parseSelector('g'), 300_000, T0, T0 + 2 * H - 1);
    expect(r5!.ts.length).toBe(24);
    expect(r5!.ts[0]).toBe(T0);
    expect([r5!.min[0], r5!.max[0], r5!.sum[0], r5!.count[0], r5!.last[0]]).toEqual([0, 29, 435, 30, 29]);
    const [r1] = st.selectRollup(parseSelector('g'), 3_600_000, T0, T0 + 2 * H - 1);
    expect(r1!.ts.length).toBe(2);
    expect([r1!.min[0], r1!.max[0], r1!.sum[0], r1!.count[0], r1!.last[0]]).toEqual([0, 29, 435 * 12, 360, 29]);
    // Rows on disk, not just computed on the fly.
    const db = new DatabaseSync(join(dirs[0]!, 'radiator.db'));
    const n = db.prepare('SELECT count(*) AS n FROM rollups').get() as { n: number };
    db.close();
    expect(n.n).toBe(24 + 2);
  });

  it('re-rolls every roll-up bucket that imported history lands in, for each of many series', () => {
    // Buckets before the store opened count as rolled up, so imported samples are late in every
    // bucket they touch; each (series, bucket) must be rolled up again from what was imported.
    const clock = { now: T0 + 6 * H };
    const st = make(clock);
    const want = new Map<string, { min: number; max: number; sum: number; count: number; last: number }>();
    for (let k = 0; k < 3; k++) {
      const s = st.resolve('imp', [['k', String(k)]])!;
      const ts = Array.from({ length: 2 * 60 + 7 }, (_, i) => T0 + 30 * 60_000 + i * 60_000 + k * 1000);
      const vs = ts.map((_, i) => (i * 7 + k) % 23);
      expect(st.importSamples(s, ts, vs).imported).toBe(ts.length);
      for (const res of [300_000, 3_600_000]) {
        ts.forEach((t, i) => {
          const key = `${k}:${res}:${Math.floor(t / res) * res}`;
          const b = want.get(key) ?? { min: Infinity, max: -Infinity, sum: 0, count: 0, last: NaN };
          want.set(key, { min: Math.min(b.min, vs[i]!), max: Math.max(b.max, vs[i]!), sum: b.sum + vs[i]!, count: b.count + 1, last: vs[i]! });
        });
      }
    }
    for (let i = 0; i < 20; i++) st.maintain();
    const db = new DatabaseSync(join(dirs[0]!, 'radiator.db'));
    const rows = db.prepare('SELECT res, series_id, ts, min, max, sum, count, last FROM rollups ORDER BY res, series_id, ts').all() as Array<Record<string, number>>;
    db.close();
    const ids = new Map([...st.index.select(parseSelector('imp'))].map((s) => [s.id, s.labels[0]![1]]));
    const got = new Map(rows.map((r) => [`${ids.get(r.series_id!)}:${r.res}:${r.ts}`, { min: r.min!, max: r.max!, sum: r.sum!, count: r.count!, last: r.last! }]));
    expect(got).toEqual(want);
  });

  it('applies retention to raw chunks', () => {
    const clock = { now: T0 };
    const st = make(clock, { hotWindowMs: H, retention: { rawMs: 2 * H, rollup5mMs: 24 * H, rollup1hMs: 48 * H, eventsMs: 24 * H } });
    const s = st.resolve('g', [])!;
    for (let i = 0; i < 5 * 60; i++) {
      clock.now = T0 + i * 60_000;
      st.append(s, clock.now, i);
      st.commit();
    }
    clock.now += 120_000;
    st.maintain();
    clock.now += 61_000;
    st.maintain();
    const { ts } = st.readRaw(s, T0, clock.now);
    expect(ts[0]).toBeGreaterThanOrEqual(clock.now - 2 * H - 120 * 60_000);
    expect(ts.length).toBeLessThan(5 * 60);
  });

  it('reads history older than raw retention from roll-ups, as the last value of each bucket at its end', () => {
    const clock = { now: T0 };
    const st = make(clock, { hotWindowMs: H, retention: { rawMs: 2 * H, rollup5mMs: 24 * H, rollup1hMs: 48 * H, eventsMs: 24 * H } });
    const s = st.resolve('g', [])!;
    for (let i = 0; i < 5 * 60; i++) {
      clock.now = T0 + i * 60_000;
      st.append(s, clock.now, i);
      st.commit();
      st.maintain();
    }
    clock.now = T0 + 5 * H;
    for (let i = 0; i < 10; i++) st.maintain();
    const [f] = st.select(parseSelector('g'), T0, clock.now);
    const rawEdge = clock.now - 2 * H;
    const old = [...f!.ts].filter((t) => t < rawEdge);
    const recent = [...f!.ts].filter((t) => t >= rawEdge);
    // every 5 minutes before the edge, every minute after it
    expect(old.length).toBe(35); // the bucket ending at the edge itself is the raw sample there
    expect(old.every((t) => t % 300_000 === 0)).toBe(true);
    expect(recent.length).toBe(120);
    // the bucket [T0, T0+5m) ends at T0+5m with its last value, 4
    expect(f!.values[0]).toBe(4);
    expect(f!.ts[0]).toBe(T0 + 300_000);
  });

  it('caps the number of series, with a reserve for overflow series', () => {
    const clock = { now: T0 };
    const st = make(clock, { maxSeries: 3 });
    expect(st.resolve('a', [])).not.toBeNull();
    expect(st.resolve('b', [])).not.toBeNull();
    expect(st.resolve('c', [])).not.toBeNull();
    expect(st.resolve('d', [])).toBeNull();
    expect(st.refusedSeries).toBe(1);
    expect(st.resolve('d', [['radiator_overflow', 'true']], { overflow: true })).not.toBeNull();
    expect(st.resolve('a', [])).not.toBeNull(); // existing series still resolve
  });
});

describe('events', () => {
  it('stores and queries events by time overlap, kind and tags', () => {
    const clock = { now: T0 };
    const st = make(clock);
    const base = { text: '', service: null, version: null, source: 'test', tsEnd: null };
    st.events.add({ ...base, ts: T0 - 3 * H, kind: 'deploy', title: 'old deploy', tags: ['env:prod'] });
    st.events.add({ ...base, ts: T0 - H, kind: 'deploy', title: 'deploy', tags: ['env:prod', 'service:web'] });
    st.events.add({ ...base, ts: T0 - 5 * H, tsEnd: T0 - 30 * 60_000, kind: 'incident', title: 'long incident', tags: [] });
    st.events.add({ ...base, ts: T0 - 10 * 60_000, kind: 'build', title: 'build', tags: ['env:dev'] });
    const titles = (q: Parameters<typeof st.events.query>[0]) => st.events.query(q).map((e) => e.title);
    expect(titles({ from: T0 - 2 * H, to: T0 })).toEqual(['build', 'deploy', 'long incident']);
    expect(titles({ from: T0 - 2 * H, to: T0, kinds: ['deploy'] })).toEqual(['deploy']);
    expect(titles({ from: 0, to: T0, tags: ['env:prod'] })).toEqual(['deploy', 'old deploy']);
    expect(titles({ from: 0, to: T0, tags: ['env:prod', 'service:web'] })).toEqual(['deploy']);
    expect(titles({ from: 0, to: T0, limit: 2 })).toHaveLength(2);
  });
});
