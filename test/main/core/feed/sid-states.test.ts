import { describe, expect, it } from 'vitest';
import { SidState, SidStates } from '../../../../src/main/core/feed/feed-client.ts';

describe('SidStates: what a subscription knows of each series id', () => {
  it('keeps each id apart across page edges and far ids, and is Unknown where never set', () => {
    const s = new SidStates();
    const ids = [0, 1, 4095, 4096, 4097, 8191, 1_000_003, 2 ** 31 - 1];
    ids.forEach((id, i) => s.set(id, ([SidState.NoMatch, SidState.Match, SidState.Announced] as const)[i % 3]!));
    ids.forEach((id, i) => expect(s.get(id)).toBe([SidState.NoMatch, SidState.Match, SidState.Announced][i % 3]));
    for (const id of [2, 4094, 4098, 8192, 1_000_002, 1_000_004, 2 ** 31 - 2, 123_456_789]) expect(s.get(id)).toBe(SidState.Unknown);
    s.set(4096, SidState.Announced);
    expect(s.get(4096)).toBe(SidState.Announced);
    expect(s.get(4097)).toBe(SidState.Match);
  });
});
