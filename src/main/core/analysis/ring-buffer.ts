// A fixed-capacity FIFO of numbers: the bounded memory every detector keeps per series.

export class RingBuffer {
  readonly capacity: number;
  private readonly data: Float64Array;
  private head = 0; // index of the oldest value
  private size = 0;

  constructor(capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`ring buffer capacity must be at least 1, got ${capacity}`);
    this.capacity = Math.floor(capacity);
    this.data = new Float64Array(this.capacity);
  }

  get length(): number {
    return this.size;
  }

  get full(): boolean {
    return this.size === this.capacity;
  }

  /** Appends v; returns the value it pushed out, or undefined while not yet full. */
  push(v: number): number | undefined {
    if (this.size < this.capacity) {
      this.data[this.index(this.size)] = v;
      this.size++;
      return undefined;
    }
    const evicted = this.data[this.head]!;
    this.data[this.head] = v;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    return evicted;
  }

  /** The i-th value, oldest first (0 ≤ i < length). */
  at(i: number): number {
    return this.data[this.index(i)]!;
  }

  /** The i-th value counting back from the newest (0 = newest). */
  back(i: number): number {
    return this.data[this.index(this.size - 1 - i)]!;
  }

  /** Copies the values, oldest first, into out (which must hold length values). */
  copyTo(out: Float64Array | number[]): void {
    for (let i = 0; i < this.size; i++) out[i] = this.data[this.index(i)]!;
  }

  /**
   * Where the i-th value (oldest first) is stored: (head + i) mod capacity for 0 ≤ i < capacity,
   * by a subtraction rather than a division (and, like %, negative for a negative i).
   */
  private index(i: number): number {
    const k = this.head + i;
    return k >= this.capacity ? k - this.capacity : k;
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }
}
