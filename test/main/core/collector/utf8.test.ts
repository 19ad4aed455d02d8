// The UTF-8 check text bodies go through: a table of well-formed and malformed byte sequences,
// with the offset of the first bad byte.
import { describe, expect, it } from 'vitest';
import { invalidUtf8Offset, requireUtf8 } from '../../../../src/main/core/collector/utf8.ts';

const bytes = (...xs: Array<number | string>) => Uint8Array.from(xs.flatMap((x) => (typeof x === 'string' ? [...Buffer.from(x)] : [x])));

describe('invalidUtf8Offset', () => {
  it.each([
    ['empty', bytes(), -1],
    ['ASCII', bytes('{"a":1}'), -1],
    ['2-, 3- and 4-byte characters', bytes('é€𝄞'), -1],
    ['a lone continuation byte', bytes('ab', 0x80), 2],
    ['0xff', bytes('{"', 0xff, '"}'), 2],
    ['an overlong "/" (0xc0 0xaf)', bytes(0xc0, 0xaf), 0],
    ['an overlong 3-byte form (0xe0 0x80 0xaf)', bytes('x', 0xe0, 0x80, 0xaf), 1],
    ['a UTF-16 surrogate (0xed 0xa0 0x80)', bytes(0xed, 0xa0, 0x80), 0],
    ['past U+10FFFF (0xf4 0x90 0x80 0x80)', bytes(0xf4, 0x90, 0x80, 0x80), 0],
    ['a character cut at the end', bytes('ok', 0xe2, 0x82), 2],
    ['a lead byte followed by ASCII', bytes(0xc3, 'a'), 0],
  ])('%s → %i', (_name, input, at) => {
    expect(invalidUtf8Offset(input)).toBe(at);
  });

  it('requireUtf8 throws INVALID_UTF8 naming the body and the offset', () => {
    expect(() => requireUtf8(bytes('abc', 0xff), 'the JSON body')).toThrow(expect.objectContaining({ code: 'INVALID_UTF8', message: expect.stringMatching(/^the JSON body is not valid UTF-8: byte 3 \(0xff\)/) }));
    expect(() => requireUtf8(bytes('é'), 'x')).not.toThrow();
  });
});
