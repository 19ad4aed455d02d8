// Syslog messages, RFC 5424 (`<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG`) and the BSD
// format RFC 3164 describes (`<PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG`), parsed leniently: what
// cannot be read as a header is message. Pure.

export interface SyslogMessage {
  /** 0–7, or null without a PRI. */
  severity: number | null;
  facility: number | null;
  hostname: string;
  /** APP-NAME (5424) or TAG (3164); '' when absent. */
  appName: string;
  message: string;
}

const RFC3164_TS = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) /;
const nil = (s: string | undefined) => (s === undefined || s === '-' ? '' : s);

/** Skips RFC 5424 STRUCTURED-DATA (`-` or `[id k="v" …]…`, with `\"`, `\\`, `\]` escapes). */
function skipStructuredData(s: string, i: number): number {
  if (s[i] === '-') return i + 1;
  while (s[i] === '[') {
    let inQuote = false;
    i++;
    for (; i < s.length; i++) {
      const c = s[i];
      if (c === '\\' && inQuote) {
        i++;
        continue;
      }
      if (c === '"') inQuote = !inQuote;
      else if (c === ']' && !inQuote) {
        i++;
        break;
      }
    }
  }
  return i;
}

export function parseSyslog(raw: string): SyslogMessage {
  let s = raw.replace(/[\r\n\0]+$/, '');
  const out: SyslogMessage = { severity: null, facility: null, hostname: '', appName: '', message: s };
  const pri = /^<(\d{1,3})>/.exec(s);
  if (!pri) return out;
  const p = Number(pri[1]);
  if (p > 191) return out;
  out.severity = p % 8;
  out.facility = Math.floor(p / 8);
  s = s.slice(pri[0].length);
  out.message = s;
  const v = /^(\d{1,2}) /.exec(s);
  if (v) {
    // RFC 5424: VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]
    const parts: string[] = [];
    let i = v[0].length;
    for (let k = 0; k < 5; k++) {
      const sp = s.indexOf(' ', i);
      if (sp < 0) {
        parts.push(s.slice(i));
        i = s.length;
        break;
      }
      parts.push(s.slice(i, sp));
      i = sp + 1;
    }
    out.hostname = nil(parts[1]);
    out.appName = nil(parts[2]);
    i = skipStructuredData(s, i);
    let msg = s.slice(i).replace(/^ /, '');
    if (msg.startsWith('\uFEFF')) msg = msg.slice(1);
    out.message = msg;
    return out;
  }
  // RFC 3164: TIMESTAMP HOSTNAME TAG: MSG — each part optional in practice.
  const ts = RFC3164_TS.exec(s);
  if (ts) s = s.slice(ts[0].length);
  const tag = /^(?:(\S+) )?([^\s:[\]]{1,48})(?:\[[^\]]*\])?: /.exec(s);
  if (tag) {
    out.hostname = ts ? (tag[1] ?? '') : '';
    out.appName = tag[2]!;
    out.message = s.slice(tag[0].length);
  } else out.message = s;
  return out;
}
