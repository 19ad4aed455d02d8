// Which level a log line is at, from what the line itself says: a JSON field (`level`,
// `severity`, `lvl`, `levelname`, `log.level`; names or pino/bunyan numbers), logfmt
// (`level=warn`), a bracketed level (`[ERROR]`), a `LEVEL:` prefix, an upper-case level word
// near the start (`2024-05-01 12:00:00 ERROR …`), or a klog/glog letter (`E0501 12:00:00.000`).
// Pure; the first signal found wins, in that order.

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number] | 'unknown';

const NAMES: ReadonlyMap<string, LogLevel> = new Map([
  ['trace', 'DEBUG'],
  ['debug', 'DEBUG'],
  ['dbg', 'DEBUG'],
  ['verbose', 'DEBUG'],
  ['info', 'INFO'],
  ['inf', 'INFO'],
  ['information', 'INFO'],
  ['informational', 'INFO'],
  ['notice', 'INFO'],
  ['warn', 'WARN'],
  ['warning', 'WARN'],
  ['wrn', 'WARN'],
  ['error', 'ERROR'],
  ['err', 'ERROR'],
  ['eror', 'ERROR'],
  ['fatal', 'FATAL'],
  ['critical', 'FATAL'],
  ['crit', 'FATAL'],
  ['crt', 'FATAL'],
  ['panic', 'FATAL'],
  ['emerg', 'FATAL'],
  ['emergency', 'FATAL'],
  ['alert', 'FATAL'],
  ['severe', 'ERROR'],
]);

/** A level's name (any case) → the level; undefined when it is not one. */
export function levelFromName(s: string): LogLevel | undefined {
  return NAMES.get(s.trim().toLowerCase());
}

/** pino/bunyan numbers: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal. */
function levelFromNumber(n: number): LogLevel | undefined {
  if (!Number.isFinite(n)) return undefined;
  if (n >= 60) return 'FATAL';
  if (n >= 50) return 'ERROR';
  if (n >= 40) return 'WARN';
  if (n >= 30) return 'INFO';
  if (n >= 10) return 'DEBUG';
  return undefined;
}

/** Syslog severity 0–7 (RFC 5424 table 2). */
export function levelFromSyslog(severity: number): LogLevel {
  if (severity <= 2) return 'FATAL';
  if (severity === 3) return 'ERROR';
  if (severity === 4) return 'WARN';
  if (severity <= 6) return 'INFO';
  return 'DEBUG';
}

const JSON_FIELDS = ['level', 'severity', 'lvl', 'levelname', 'loglevel', 'log.level', 'severity_text', 'severityText', '@l'];

function fromJson(obj: Record<string, unknown>): LogLevel | undefined {
  for (const f of JSON_FIELDS) {
    let v: unknown = Object.hasOwn(obj, f) ? obj[f] : undefined;
    if (v === undefined && f === 'log.level') {
      const log = obj.log;
      if (typeof log === 'object' && log !== null && Object.hasOwn(log, 'level')) v = (log as Record<string, unknown>).level;
    }
    if (typeof v === 'string') {
      const l = levelFromName(v);
      if (l) return l;
    } else if (typeof v === 'number') {
      const l = levelFromNumber(v);
      if (l) return l;
    }
  }
  return undefined;
}

const LOGFMT = /(?:^|\s)(?:level|lvl|severity|loglevel)=["']?([A-Za-z]+)/;
const BRACKETED = /\[\s*([A-Za-z]{3,11})\s*\]/;
const PREFIX = /^\s*([A-Za-z]{3,11})\s*:/;
const WORD = /(?:^|[\s|:\]])(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|CRIT|PANIC|EMERG|ALERT|SEVERE)(?=$|[\s|:\[\]])/;
const KLOG = /^([IWEF])\d{4} \d{2}:\d{2}:\d{2}/;
const KLOG_LEVELS: Record<string, LogLevel> = { I: 'INFO', W: 'WARN', E: 'ERROR', F: 'FATAL' };
/** Only the start of a line is searched for a level word: later, "error" is message text. */
const HEAD_CHARS = 120;

export function detectLevel(line: string, json: Record<string, unknown> | null): LogLevel {
  if (json) {
    const l = fromJson(json);
    if (l) return l;
  }
  const head = line.length > HEAD_CHARS ? line.slice(0, HEAD_CHARS) : line;
  let m = LOGFMT.exec(line);
  if (m) {
    const l = levelFromName(m[1]!);
    if (l) return l;
  }
  m = BRACKETED.exec(head);
  if (m) {
    const l = levelFromName(m[1]!);
    if (l) return l;
  }
  m = PREFIX.exec(head);
  if (m) {
    const l = levelFromName(m[1]!);
    if (l) return l;
  }
  m = WORD.exec(head);
  if (m) return levelFromName(m[1]!) ?? 'unknown';
  m = KLOG.exec(head);
  if (m) return KLOG_LEVELS[m[1]!]!;
  return 'unknown';
}
