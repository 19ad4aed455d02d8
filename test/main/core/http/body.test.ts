// Request bodies read as text chunk by chunk (readBodyText, used by /api/v1/import so a large body
// never becomes one large malloc'd Buffer) give exactly the text readBody's Buffer decodes to,
// including characters split between chunks and gzip, with the same limits.
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readBody, readBodyText } from '../../../../src/main/core/http/body.ts';

/** A request whose body arrives in the given chunks. */
function request(chunks: Buffer[], headers: Record<string, string> = {}): IncomingMessage {
  const s = Object.assign(new PassThrough(), { headers });
  setImmediate(() => {
    for (const c of chunks) s.write(c);
    s.end();
  });
  return s as unknown as IncomingMessage;
}

/** `buf` cut into pieces of `n` bytes (so multi-byte characters are split). */
const cut = (buf: Buffer, n: number) => Array.from({ length: Math.ceil(buf.length / n) }, (_, i) => buf.subarray(i * n, (i + 1) * n));

const TEXT = '# HELP x_total 日本語 and 中文字, ünïcödé 🚀\nx_total{a="日本"} 1 1700000000\n'.repeat(50);

describe('readBodyText', () => {
  it.each([1, 2, 3, 5, 7, 64, 100_000])('gives the same text as readBody in chunks of %i bytes', async (n) => {
    const bytes = Buffer.from(TEXT, 'utf8');
    const text = await readBodyText(request(cut(bytes, n)), { limitBytes: 1 << 20 });
    const buf = await readBody(request(cut(bytes, n)), { limitBytes: 1 << 20 });
    expect(text).toBe(TEXT);
    expect(text).toBe(buf.toString('utf8'));
  });

  it('decodes bytes that are not UTF-8 as readBody’s Buffer would (replacement characters)', async () => {
    const bytes = Buffer.from([0x61, 0xe6, 0x97, 0x62, 0xff, 0xe6]);
    const text = await readBodyText(request(cut(bytes, 1)), { limitBytes: 100 });
    expect(text).toBe(bytes.toString('utf8'));
  });

  it('inflates gzip', async () => {
    const gz = gzipSync(Buffer.from(TEXT, 'utf8'));
    expect(await readBodyText(request(cut(gz, 100), { 'content-encoding': 'gzip' }), { limitBytes: 1 << 20 })).toBe(TEXT);
  });

  it('refuses a body past the limit, as readBody does', async () => {
    const bytes = Buffer.from(TEXT, 'utf8');
    await expect(readBodyText(request(cut(bytes, 100)), { limitBytes: 1000 })).rejects.toMatchObject({ code: 'INGEST_BODY_TOO_LARGE' });
    await expect(readBody(request(cut(bytes, 100)), { limitBytes: 1000 })).rejects.toMatchObject({ code: 'INGEST_BODY_TOO_LARGE' });
  });
});
