// A token bucket: `perSecond` units a second, with one second's worth of burst. Receivers check
// it before doing work and take what they used after, so a flood is refused (429) early
// instead of growing queues; it may go negative by one request's worth, which the refill repays.

export class RateBudget {
  private readonly perSecond: number;
  private readonly now: () => number;
  private tokens: number;
  private last: number;

  constructor(perSecond: number, now: () => number = () => performance.now()) {
    this.perSecond = perSecond;
    this.now = now;
    this.tokens = perSecond;
    this.last = now();
  }

  get limit(): number {
    return this.perSecond;
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
  }

  /** Whether there is anything left to spend right now. */
  hasRoom(): boolean {
    this.refill();
    return this.tokens > 0;
  }

  take(n: number): void {
    this.refill();
    this.tokens -= n;
  }

  /** Take `n` if they are there; false (taking nothing) when not. */
  tryTake(n: number): boolean {
    this.refill();
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}
