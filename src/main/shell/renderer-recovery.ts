// A kiosk runs unattended for weeks: a crashed or hung screen is reloaded by itself. Reloads
// back off (so a page that crashes at once does not spin the CPU), and a hang is given a grace
// period before it counts.

export type RecoveryEvent = { type: 'crashed'; reason: string } | { type: 'unresponsive' } | { type: 'responsive' };
export type RecoveryAction = { do: 'reload'; afterMs: number } | { do: 'wait' } | { do: 'nothing' };

export const HANG_GRACE_MS = 15_000;
const WINDOW_MS = 10 * 60_000;

export class RendererRecovery {
  private reloads: number[] = [];
  private hungSince: number | null = null;

  /** What to do about `e` at time `now`. */
  on(e: RecoveryEvent, now: number): RecoveryAction {
    if (e.type === 'responsive') {
      this.hungSince = null;
      return { do: 'nothing' };
    }
    if (e.type === 'unresponsive') {
      this.hungSince ??= now;
      return { do: 'wait' };
    }
    if (e.reason === 'clean-exit') return { do: 'nothing' };
    return this.reload(now);
  }

  /** Call periodically while a window is unresponsive. */
  check(now: number): RecoveryAction {
    if (this.hungSince === null || now - this.hungSince < HANG_GRACE_MS) return { do: 'nothing' };
    this.hungSince = null;
    return this.reload(now);
  }

  private reload(now: number): RecoveryAction {
    this.reloads = this.reloads.filter((t) => now - t < WINDOW_MS);
    // 0 s, 2 s, 4 s, … up to a minute between reloads when they keep coming.
    const afterMs = Math.min(60_000, this.reloads.length === 0 ? 0 : 1_000 * 2 ** Math.min(6, this.reloads.length));
    this.reloads.push(now + afterMs);
    return { do: 'reload', afterMs };
  }
}
