// Crash safety: `radiator serve` is killed with SIGKILL at random moments while data arrives and
// checkpoints run; every restart must open the data without repair and hold every sample that was
// flushed (visible through the API) before the kill.
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { tempDir, waitFor } from '../../../helpers/core.ts';
import { serve, type Served } from '../../../helpers/serve.ts';

const dir = tempDir('radiator-kill9-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ARGS = ['--data-dir', dir, '--http-port', '0', '--statsd-port', 'off', '--statsd-tcp-port', 'off', '--push-port', 'off', '--otlp-port', 'off', '--no-host-metrics', '--flush-interval', '100ms', '--set', 'store.checkpointInterval=1s'];

async function read(port: number): Promise<Map<number, number>> {
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/columns?match=kill_seq&from=-1h`);
  const body = (await r.json()) as { columns: Array<Array<number | null>> };
  const out = new Map<number, number>();
  if (body.columns.length < 2) return out;
  body.columns[0]!.forEach((ts, i) => {
    const v = body.columns[1]![i];
    if (typeof v === 'number') out.set(ts as number, v);
  });
  return out;
}

describe('kill -9', () => {
  it('loses nothing that was flushed, across five kills at random moments', async () => {
    const confirmed = new Map<number, number>(); // ts → value, seen through the API before a kill
    let seq = 0;
    let seed = 12345;
    const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let round = 0; round < 5; round++) {
      const s: Served = await serve(ARGS);
      const port = s.ports.api!;
      // Everything confirmed before earlier kills is still there.
      const after = await read(port);
      for (const [ts, v] of confirmed) expect({ ts, v: after.get(ts) }).toEqual({ ts, v });

      // Write and confirm for a while, then keep writing while the kill lands.
      let writing = true;
      const writer = (async () => {
        while (writing) {
          const value = ++seq;
          try {
            await fetch(`http://127.0.0.1:${port}/api/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'kill_seq', value }) });
          } catch {
            return; // killed
          }
          await new Promise((r) => setTimeout(r, 15));
        }
      })();
      // A random moment 0.7–2.2 s in, but not before this round confirmed a dozen samples (on a
      // busy machine a round can otherwise end with almost nothing to check); bounded either way.
      const before = confirmed.size;
      const until = Date.now() + 700 + rnd() * 1500;
      const latest = Date.now() + 20_000;
      while (Date.now() < latest && (Date.now() < until || confirmed.size - before < 12)) {
        try {
          for (const [ts, v] of await read(port)) confirmed.set(ts, v);
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 20 + rnd() * 60));
      }
      s.proc.kill('SIGKILL');
      writing = false;
      await writer;
      await s.exited;
    }
    const last = await serve(ARGS);
    const final = await waitFor(() => read(last.ports.api!));
    expect(confirmed.size).toBeGreaterThan(50);
    for (const [ts, v] of confirmed) expect({ ts, v: final.get(ts) }).toEqual({ ts, v });
    last.proc.kill('SIGTERM');
    expect(await last.exited).toBe(0);
  }, 150_000);
});
