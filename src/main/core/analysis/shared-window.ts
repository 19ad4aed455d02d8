// One window of a series' values that several detectors read. In an ensemble, MAD and histogram
// keep the same sorted window of the last `window` values, and σ and Grubbs the same rolling
// moments; one copy kept for both halves the memory and the upkeep, and scores nothing
// differently. Each reader judges a point against the values before it and only then would push
// it; here the point is held back and pushed when any reader takes the window for the next point,
// so every reader of point n sees the first n values, whichever reads first.

export class SharedWindow<W extends { push(v: number): unknown }> {
  readonly window: W;
  /** The value held back, and its index (−1 if none). */
  private heldAt = -1;
  private held = 0;

  constructor(window: W) {
    this.window = window;
  }

  /** The window holding the series' first `at` values (`at`: how many points the reader has seen before this one). */
  before(at: number): W {
    if (this.heldAt >= 0 && this.heldAt < at) {
      this.window.push(this.held);
      this.heldAt = -1;
    }
    return this.window;
  }

  /** The reader's point number `at` (0-based) had value v: it joins the window before point at + 1 is judged. */
  after(at: number, v: number): void {
    this.heldAt = at;
    this.held = v;
  }
}
