// A kiosk's crashed or hung screen reloads by itself, with backoff.
import { describe, expect, it } from 'vitest';
import { HANG_GRACE_MS, RendererRecovery } from '../../../src/main/shell/renderer-recovery.ts';

describe('renderer recovery', () => {
  it('reloads a crashed renderer at once, then backs off when it keeps crashing', () => {
    const r = new RendererRecovery();
    const waits = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => r.on({ type: 'crashed', reason: 'crashed' }, i * 1_000));
    expect(waits.map((w) => (w.do === 'reload' ? w.afterMs : -1))).toEqual([0, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    // After a quiet ten minutes it starts over.
    expect(r.on({ type: 'crashed', reason: 'oom' }, 3_600_000)).toEqual({ do: 'reload', afterMs: 0 });
  });

  it('ignores a clean exit', () => {
    expect(new RendererRecovery().on({ type: 'crashed', reason: 'clean-exit' }, 0)).toEqual({ do: 'nothing' });
  });

  it('gives a hang a grace period, and forgets it when the page answers again', () => {
    const r = new RendererRecovery();
    expect(r.on({ type: 'unresponsive' }, 0)).toEqual({ do: 'wait' });
    expect(r.check(HANG_GRACE_MS - 1)).toEqual({ do: 'nothing' });
    expect(r.check(HANG_GRACE_MS)).toEqual({ do: 'reload', afterMs: 0 });
    r.on({ type: 'unresponsive' }, 100_000);
    r.on({ type: 'responsive' }, 105_000);
    expect(r.check(200_000)).toEqual({ do: 'nothing' });
  });
});
