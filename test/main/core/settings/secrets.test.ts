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
    expect(keptWithoutSecret(restored)).toEqual([`1.auth.token = "${SECRET_KEPT}": there is no saved secret to keep here (a kept secret stays with the URL it was saved for); type the secret`]);
  });

  it('shows URLs with their secrets as ***, and takes them back only unchanged', () => {
    const saved = [
      { id: 'p', name: 'P', url: 'https://ops:pw-in-url@prom.example.com/', auth: null },
      { id: 'q', name: 'Q', url: 'https://prom.example.com/?api_key=k-in-query', auth: { type: 'bearer', token: 'token-q' } },
    ];
    const shown = redactSecrets('sources', saved) as typeof saved;
    expect(shown.map((x) => x.url)).toEqual(['https://ops:***@prom.example.com/', 'https://prom.example.com/?api_key=***']);
    expect(JSON.stringify(shown)).not.toMatch(/pw-in-url|k-in-query|token-q/);
    // Sent back untouched: every secret as it was.
    expect(restoreSecrets('sources', shown, saved)).toEqual(saved);
    // The URL changed around a kept secret: nothing comes back, and the check names the field.
    const moved = [{ ...shown[0]!, url: 'https://ops:***@evil.example.net/' }];
    const restored = restoreSecrets('sources', moved, saved);
    expect(restored).toEqual(moved);
    expect(keptWithoutSecret(restored)[0]).toMatch(/^0\.url = "https:\/\/ops:\*\*\*@evil\.example\.net\/": "\*\*\*" stands for a secret/);
  });

  it('keeps a token only for the URL it was saved with', () => {
    const shown = redactSecrets('sources', sources) as typeof sources;
    const moved = shown.map((x) => (x.id === 'a' ? { ...x, url: 'http://elsewhere' } : x));
    const restored = restoreSecrets('sources', moved, sources) as typeof sources;
    expect(restored.find((x) => x.id === 'a')!.auth).toEqual({ type: 'bearer', token: SECRET_KEPT });
    expect(restored.find((x) => x.id === 'b')!.auth).toEqual({ type: 'basic', username: 'u', password: 'pw-b' });
    expect(keptWithoutSecret(restored)).toHaveLength(1);
    // The same holds for webhook headers and the desktop app's remote token.
    const alerts = { rules: [], webhooks: [{ id: 'w', url: 'https://hooks.slack.com/services/T1/B1/slack-key', headers: { Authorization: 'Bearer hdr' } }] };
    const a = redactSecrets('alerts', alerts) as typeof alerts;
    expect(a.webhooks[0]!.url).toBe('https://hooks.slack.com/services/***');
    expect(restoreSecrets('alerts', a, alerts)).toEqual(alerts);
    const aMoved = { ...a, webhooks: [{ ...a.webhooks[0]!, url: 'https://attacker.example/hook' }] };
    expect((restoreSecrets('alerts', aMoved, alerts) as typeof alerts).webhooks[0]!.headers.Authorization).toBe(SECRET_KEPT);
    const shell = { remote: { url: 'http://tv.local:7070', token: 'remote-token' } };
    expect(restoreSecrets('shell', { remote: { url: 'http://other:7070', token: SECRET_KEPT } }, shell)).toEqual({ remote: { url: 'http://other:7070', token: SECRET_KEPT } });
    expect(restoreSecrets('shell', redactSecrets('shell', shell), shell)).toEqual(shell);
  });
});
