// Remote-write endpoints' secrets in the settings UI: auth, header values and a URL's password are
// shown as kept, come back whole when the page sends them back untouched, and stay with the URL
// they were saved for (a kept secret is never sent to a new host).
import { describe, expect, it } from 'vitest';
import { keptWithoutSecret, redactSecrets, restoreSecrets } from '../../../../src/main/core/settings/secrets.ts';
import { SECRET_KEPT } from '../../../../src/shared/settings-sections.ts';

const saved = [
  { id: 'mimir', url: 'https://mimir.example/api/v1/push', headers: { 'X-Scope-OrgID': 'team-a' }, auth: { type: 'bearer', token: 'TOKEN-1' } },
  { id: 'prom', url: 'http://writer:PASS-2@prom:9090/api/v1/write', headers: {}, auth: { type: 'basic', username: 'u', password: 'PASS-3' } },
];

describe('remote write secrets', () => {
  it('are shown as kept, and come back whole when sent back untouched', () => {
    const shown = redactSecrets('remoteWrite', saved);
    const text = JSON.stringify(shown);
    for (const secret of ['TOKEN-1', 'PASS-2', 'PASS-3', 'team-a']) expect(text).not.toContain(secret);
    expect(text).toContain(SECRET_KEPT);
    expect(restoreSecrets('remoteWrite', shown, saved)).toEqual(saved);
  });

  it('stay with the URL they were saved for', () => {
    const shown = redactSecrets('remoteWrite', saved) as Array<Record<string, unknown>>;
    const moved = shown.map((e) => (e.id === 'mimir' ? { ...e, url: 'https://elsewhere.example/api/v1/push' } : e));
    const back = restoreSecrets('remoteWrite', moved, saved);
    expect(JSON.stringify(back)).not.toContain('TOKEN-1');
    expect(keptWithoutSecret(back).length).toBeGreaterThan(0);
  });
});
