// Which transitions become OS notifications: severity, quiet hours, repeats, a per-minute cap.
import { describe, expect, it } from 'vitest';
import { inQuietHours, NotificationPolicy } from '../../../src/main/shell/notification-policy.ts';
import { ShellSettingsSchema } from '../../../src/shared/shell-settings.ts';
import type { AlertInstance } from '../../../src/shared/alert-rules.ts';

const policy = (over: Record<string, unknown> = {}) => ShellSettingsSchema.parse({ tray: { notifications: over } }).tray.notifications;
const alert = (fp: string, severity: AlertInstance['severity'] = 'warning'): AlertInstance => ({
  fingerprint: fp, ruleId: 'r', ruleName: `Rule ${fp}`, state: 'firing', severity, labels: {}, summary: 'it broke', runbookUrl: '', annotations: { summary: 'it broke' }, value: 1, since: 0, activeAt: 0, firedAt: 0, silencedBy: [], ack: null, board: null, panel: null, reason: '', onCall: null,
});
const at = (hhmm: string, plusMs = 0) => new Date(new Date(`2026-11-23T${hhmm}:00`).getTime() + plusMs);

describe('notifications', () => {
  it('show a firing alert with its name and summary', () => {
    expect(new NotificationPolicy(policy()).decide('firing', alert('a'), at('10:00'))).toEqual({ show: true, title: 'Firing: Rule a', body: 'it broke' });
  });

  it('skip what is below the minimum severity, or everything when off', () => {
    expect(new NotificationPolicy(policy()).decide('firing', alert('a', 'info'), at('10:00'))).toEqual({ show: false, reason: 'severity' });
    expect(new NotificationPolicy(policy({ enabled: false })).decide('firing', alert('a', 'critical'), at('10:00'))).toEqual({ show: false, reason: 'disabled' });
  });

  it('repeat the same alert in the same state at most once per interval', () => {
    const p = new NotificationPolicy(policy({ repeatInterval: '30m' }));
    expect(p.decide('firing', alert('a'), at('10:00')).show).toBe(true);
    expect(p.decide('firing', alert('a'), at('10:10'))).toEqual({ show: false, reason: 'repeat' });
    expect(p.decide('resolved', alert('a'), at('10:11')).show).toBe(true);
    expect(p.decide('firing', alert('a'), at('10:31')).show).toBe(true);
  });

  it('cap the notifications a minute and sum up the rest afterwards', () => {
    const p = new NotificationPolicy(policy({ maxPerMinute: 3 }));
    const shown = Array.from({ length: 7 }, (_, i) => p.decide('firing', alert(`x${i}`), at('10:00', i * 1_000)).show);
    expect(shown).toEqual([true, true, true, false, false, false, false]);
    expect(p.summary(at('10:00', 30_000))).toBeNull(); // still inside the minute
    expect(p.summary(at('10:01', 5_000))).toEqual({ title: '4 more alert changes', body: 'Open Radiator to see them all.' });
    expect(p.summary(at('10:02'))).toBeNull();
  });

  it('keep quiet hours (spanning midnight), letting critical alerts through unless told not to', () => {
    const q = policy({ quietHours: { enabled: true, from: '19:00', to: '08:00' } });
    expect(inQuietHours(q.quietHours, at('23:30'))).toBe(true);
    expect(inQuietHours(q.quietHours, at('07:59'))).toBe(true);
    expect(inQuietHours(q.quietHours, at('08:00'))).toBe(false);
    const p = new NotificationPolicy(q);
    expect(p.decide('firing', alert('w'), at('23:30'))).toEqual({ show: false, reason: 'quiet-hours' });
    expect(p.decide('firing', alert('c', 'critical'), at('23:30')).show).toBe(true);
    const strict = new NotificationPolicy(policy({ quietHours: { enabled: true, allowCritical: false } }));
    expect(strict.decide('firing', alert('c', 'critical'), at('23:30')).show).toBe(false);
  });

  it('tell of a build that broke or was fixed, not of every start', () => {
    const p = new NotificationPolicy(policy());
    expect(p.decideBuild('api', 'broken', at('10:00'))).toEqual({ show: true, title: 'Build broke: api', body: 'The build broke.' });
    expect(p.decideBuild('api', 'started', at('10:01')).show).toBe(false);
    expect(p.decideBuild('api', 'fixed', at('10:02'))).toMatchObject({ show: true, title: 'Build fixed: api' });
  });
});
