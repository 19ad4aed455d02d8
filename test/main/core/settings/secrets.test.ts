import { describe, expect, it } from 'vitest';
import { keptWithoutSecret, redactSecrets, restoreSecrets } from '../../../../src/main/core/settings/secrets.ts';
import { SECRET_KEPT } from '../../../../src/shared/settings-sections.ts';

const sources = [
  { id: 'a', name: 'A', url: 'http://a', auth: { type: 'bearer', token: 'token-a' } },
  { id: 'b', name: 'B', url: 'http://b', auth: { type: 'basic', username: 'u', password: 'pw-b' } },
  { id: 'c', name: 'C', url: 'http://c', auth: null },
];

describe('secrets in settings sections', () => {
  it('never shows them, and leaves the rest alone', () => {
    expect(redactSecrets('sources', sources)).toEqual([
      { ...sources[0], auth: { type: 'bearer', token: SECRET_KEPT } },
      { ...sources[1], auth: { type: 'basic', username: 'u', password: SECRET_KEPT } },
      sources[2],
    ]);
    expect(redactSecrets('server', { host: '0.0.0.0', token: 'admin-token-1234567' })).toEqual({ host: '0.0.0.0', token: SECRET_KEPT });
    expect(redactSecrets('server', { host: '127.0.0.1', token: null })).toEqual({ host: '127.0.0.1', token: null });
    expect(redactSecrets('alerts', { rules: [], webhooks: [{ id: 'w', headers: { Authorization: 'Bearer x', 'X-Team': 'y' } }] })).toEqual({ rules: [], webhooks: [{ id: 'w', headers: { Authorization: SECRET_KEPT, 'X-Team': SECRET_KEPT } }] });
    expect(redactSecrets('display', { theme: 'dark' })).toEqual({ theme: 'dark' });
    expect(redactSecrets('scrape', { targets: [{ id: 'n', auth: { type: 'bearer', token: 'scrape-token' } }, { id: 'm', auth: { type: 'basic', username: 'u', password: 'pw' } }] })).toEqual({
      targets: [{ id: 'n', auth: { type: 'bearer', token: SECRET_KEPT } }, { id: 'm', auth: { type: 'basic', username: 'u', password: SECRET_KEPT } }],
    });
    expect(redactSecrets('pipeline', { webhooks: [{ id: 'gh', type: 'github', secret: 'a-long-webhook-secret' }], cctray: [] })).toEqual({ webhooks: [{ id: 'gh', type: 'github', secret: SECRET_KEPT }], cctray: [] });
  });

  it('puts a kept secret back from the entry with the same id, even after a reorder', () => {
    const incoming = [redactSecrets('sources', sources) as typeof sources][0]!.slice().reverse();
    const restored = restoreSecrets('sources', incoming, sources) as typeof sources;
    expect(restored.find((s) => s.id === 'a')!.auth).toEqual({ type: 'bearer', token: 'token-a' });
    expect(restored.find((s) => s.id === 'b')!.auth).toEqual({ type: 'basic', username: 'u', password: 'pw-b' });
  });

  it('keeps a new secret, and reports a kept one with nothing behind it', () => {
    const incoming = [{ id: 'a', auth: { type: 'bearer', token: 'new' } }, { id: 'z', auth: { type: 'bearer', token: SECRET_KEPT } }];
    const restored = restoreSecrets('sources', incoming, sources);
    expect(restored).toEqual([{ id: 'a', auth: { type: 'bearer', token: 'new' } }, { id: 'z', auth: { type: 'bearer', token: SECRET_KEPT } }]);
    expect(keptWithoutSecret(restored)).toEqual([`1.auth.token = "${SECRET_KEPT}": there is no saved secret to keep here; type the secret`]);
  });
});
