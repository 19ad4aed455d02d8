// The capped LRU behind build de-duplication: remembers what it saw, forgets the least recently
// seen first, never grows past its cap.
import { describe, expect, it } from 'vitest';
import { RecentIds } from '../../../../src/main/core/pipeline/recent-ids.ts';

describe('RecentIds', () => {
  it('says whether an id was seen, and evicts the least recently seen past the cap', () => {
    const r = new RecentIds(2);
    expect(r.seen('a')).toBe(false);
    expect(r.seen('a')).toBe(true);
    expect(r.seen('b')).toBe(false);
    expect(r.seen('a')).toBe(true); // a is now the most recent
    expect(r.seen('c')).toBe(false); // evicts b
    expect(r.size).toBe(2);
    expect(r.seen('a')).toBe(true);
    expect(r.seen('b')).toBe(false);
  });

  it('keys are data, not object properties', () => {
    const r = new RecentIds(4);
    expect(r.seen('__proto__')).toBe(false);
    expect(r.seen('constructor')).toBe(false);
    expect(r.seen('__proto__')).toBe(true);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses cap %s', (cap) => {
    expect(() => new RecentIds(cap)).toThrow(RangeError);
  });
});
