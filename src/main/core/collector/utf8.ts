// Text bodies must be UTF-8: a body that is not is refused (INVALID_UTF8, with the byte offset)
// instead of being decoded with U+FFFD in place of the bad bytes, which would store names and
// tags no sender wrote. Pure; the fast path is Node's own validator.

import { isUtf8 } from 'node:buffer';
import { RadiatorError } from '../../../shared/errors.ts';

/** The offset of the first byte that does not begin or continue a well-formed UTF-8 character
 * (overlong forms, surrogates and code points past U+10FFFF included), or -1 when all are fine. */
export function invalidUtf8Offset(b: Uint8Array): number {
  if (isUtf8(b)) return -1;
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    // Lead byte → continuation count and the allowed range of the first continuation byte.
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined) return i;
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i;
    }
    i += n + 1;
  }
  return -1;
}

/** Throws INVALID_UTF8 naming the offset; `what` says which body ("the JSON body"). */
export function requireUtf8(b: Uint8Array, what: string): void {
  const at = invalidUtf8Offset(b);
  if (at >= 0) throw new RadiatorError('INVALID_UTF8', `${what} is not valid UTF-8: byte ${at} (0x${b[at]!.toString(16).padStart(2, '0')}) does not start or continue a character`);
}
