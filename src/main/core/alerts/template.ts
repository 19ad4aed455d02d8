// Summary and runbook templates, Prometheus-style but with no code in them:
// {{ $labels.name }}, {{ $value }}, and the pipes humanize, humanizePercentage,
// humanizeDuration, toUpper, toLower. Anything else is left as written, so a typo shows.

export interface TemplateData {
  labels: Record<string, string>;
  value: number | null;
}

const SI = ['', 'k', 'M', 'G', 'T', 'P'];
const SI_SMALL = ['', 'm', 'µ', 'n', 'p'];

/** 1234567 → "1.235M", 0.00123 → "1.23m", as Prometheus's humanize. */
export function humanize(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  let a = Math.abs(v);
  let i = 0;
  if (a >= 1) {
    while (a >= 1000 && i < SI.length - 1) {
      a /= 1000;
      i++;
    }
    return `${v < 0 ? '-' : ''}${Number(a.toPrecision(4))}${SI[i]}`;
  }
  while (a < 1 && i < SI_SMALL.length - 1) {
    a *= 1000;
    i++;
  }
  return `${v < 0 ? '-' : ''}${Number(a.toPrecision(4))}${SI_SMALL[i]}`;
}

export function humanizeDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const s = Math.abs(seconds);
  const sign = seconds < 0 ? '-' : '';
  if (s < 1) return `${sign}${humanize(s)}s`;
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  const parts: string[] = [];
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (sec || parts.length === 0) parts.push(`${sec}s`);
  return sign + parts.join(' ');
}

const PIPES: Record<string, (x: unknown) => string> = {
  humanize: (x) => (typeof x === 'number' ? humanize(x) : String(x)),
  humanizePercentage: (x) => (typeof x === 'number' ? `${Number((x * 100).toPrecision(4))}%` : String(x)),
  humanizeDuration: (x) => (typeof x === 'number' ? humanizeDuration(x) : String(x)),
  toUpper: (x) => String(x).toUpperCase(),
  toLower: (x) => String(x).toLowerCase(),
};

export function renderTemplate(tpl: string, data: TemplateData): string {
  return tpl.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (whole, inner: string) => {
    const [head, ...pipes] = inner.split('|').map((p) => p.trim());
    let v: unknown;
    if (head === '$value') v = data.value ?? 'no value';
    else if (head?.startsWith('$labels.')) {
      const name = head.slice('$labels.'.length);
      v = Object.prototype.hasOwnProperty.call(data.labels, name) ? data.labels[name] : '';
    } else return whole;
    for (const p of pipes) {
      const fn = PIPES[p];
      if (!fn) return whole;
      v = fn(v);
    }
    return typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v);
  });
}
