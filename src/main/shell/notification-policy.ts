// Which alert transitions become OS notifications: at or above a severity, not during quiet
// hours (critical may break through), the same alert in the same state at most once per repeat
// interval, and at most so many a minute — the rest are summed up in one notification.

import type { AlertInstance } from '../../shared/alert-rules.ts';
import type { ShellSettings } from '../../shared/shell-settings.ts';

export type NotificationKind = 'firing' | 'resolved' | 'nodata' | 'error';
type Policy = ShellSettings['tray']['notifications'];

export type Decision = { show: true; title: string; body: string } | { show: false; reason: 'disabled' | 'severity' | 'quiet-hours' | 'repeat' | 'rate-limit' };

const RANK = { info: 0, warning: 1, critical: 2 } as const;

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** Inside quiet hours at local time `d` (a span past midnight wraps). */
export function inQuietHours(q: Policy['quietHours'], d: Date): boolean {
  if (!q.enabled) return false;
  const t = d.getHours() * 60 + d.getMinutes();
  const from = minutes(q.from);
  const to = minutes(q.to);
  return from <= to ? t >= from && t < to : t >= from || t < to;
}

export class NotificationPolicy {
  private policy: Policy;
  private readonly lastShown = new Map<string, number>();
  private window: number[] = [];
  /** Notifications held back by the per-minute limit since the last summary. */
  suppressed = 0;

  constructor(policy: Policy) {
    this.policy = policy;
  }

  setPolicy(p: Policy): void {
    this.policy = p;
  }

  decide(kind: NotificationKind, a: AlertInstance, now: Date): Decision {
    const p = this.policy;
    if (!p.enabled) return { show: false, reason: 'disabled' };
    if (RANK[a.severity] < RANK[p.minSeverity]) return { show: false, reason: 'severity' };
    if (inQuietHours(p.quietHours, now) && !(p.quietHours.allowCritical && a.severity === 'critical' && kind === 'firing')) return { show: false, reason: 'quiet-hours' };
    const t = now.getTime();
    const key = `${a.fingerprint}:${kind}`;
    const last = this.lastShown.get(key);
    if (last !== undefined && t - last < p.repeatInterval) return { show: false, reason: 'repeat' };
    this.window = this.window.filter((x) => t - x < 60_000);
    if (this.window.length >= p.maxPerMinute) {
      this.suppressed++;
      return { show: false, reason: 'rate-limit' };
    }
    this.window.push(t);
    this.lastShown.set(key, t);
    if (this.lastShown.size > 5_000) this.lastShown.delete(this.lastShown.keys().next().value!);
    const verb = { firing: 'Firing', resolved: 'Resolved', nodata: 'No data', error: 'Rule failing' }[kind];
    return { show: true, title: `${verb}: ${a.ruleName}`, body: a.summary || a.reason || Object.entries(a.labels).map(([k, v]) => `${k}=${v}`).join(' ') };
  }

  /** A CI project that broke or was fixed (CCTray): a warning-level notification under the same
   * quiet hours and limits; starts and passes are not worth one. */
  decideBuild(project: string, transition: 'started' | 'broken' | 'fixed' | 'still-broken' | 'passed', now: Date): Decision {
    if (transition !== 'broken' && transition !== 'fixed') return { show: false, reason: 'severity' };
    const a = { fingerprint: `build:${project}`, ruleName: project, severity: 'warning', summary: transition === 'broken' ? 'The build broke.' : 'The build is green again.', reason: '', labels: {} } as unknown as AlertInstance;
    const d = this.decide(transition === 'broken' ? 'firing' : 'resolved', a, now);
    return d.show ? { show: true, title: `${transition === 'broken' ? 'Build broke' : 'Build fixed'}: ${project}`, body: d.body } : d;
  }

  /** One notification for what the limit held back, once a minute has passed (null if none). */
  summary(now: Date): { title: string; body: string } | null {
    const t = now.getTime();
    this.window = this.window.filter((x) => t - x < 60_000);
    if (this.suppressed === 0 || this.window.length >= this.policy.maxPerMinute) return null;
    const n = this.suppressed;
    this.suppressed = 0;
    this.window.push(t);
    return { title: `${n} more alert change${n === 1 ? '' : 's'}`, body: 'Open Radiator to see them all.' };
  }
}
