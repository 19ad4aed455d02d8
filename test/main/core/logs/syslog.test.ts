// Syslog parsing (RFC 5424, RFC 3164 and what senders actually send) and TCP framing (RFC 6587).
import { describe, expect, it } from 'vitest';
import { parseSyslog } from '../../../../src/main/core/logs/syslog-parser.ts';
import { SyslogFramer, syslogInput } from '../../../../src/main/core/logs/syslog-receiver.ts';
import { MAX_SYSLOG_MESSAGE_BYTES } from '../../../../src/shared/limits.ts';

describe('parseSyslog', () => {
  it.each([
    // RFC 5424's own examples.
    ["<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - BOM'su root' failed for lonvick on /dev/pts/8", { severity: 2, facility: 4, hostname: 'mymachine.example.com', appName: 'su', message: "BOM'su root' failed for lonvick on /dev/pts/8" }],
    ['<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It\'s time to make the do-nuts.', { severity: 5, facility: 20, hostname: '192.0.2.1', appName: 'myproc', message: "%% It's time to make the do-nuts." }],
    ['<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event', { severity: 5, appName: 'evntslog', message: 'An application event' }],
    ['<165>1 2003-10-11T22:14:15.003Z host app - - [a@1 x="a \\"quoted\\] value"][b@1 y="2"] after two elements', { appName: 'app', message: 'after two elements' }],
    ['<14>1 2024-01-01T00:00:00Z host app 1 - -', { severity: 6, appName: 'app', message: '' }],
    ['<11>1 - - - - - - \uFEFFwith a BOM', { severity: 3, hostname: '', appName: '', message: 'with a BOM' }],
    // RFC 3164.
    ["<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8", { severity: 2, hostname: 'mymachine', appName: 'su', message: "'su root' failed for lonvick on /dev/pts/8" }],
    ['<13>Feb  5 17:32:18 10.0.0.99 sshd[4123]: Accepted publickey', { severity: 5, hostname: '10.0.0.99', appName: 'sshd', message: 'Accepted publickey' }],
    ['<13>nginx: connection reset', { severity: 5, appName: 'nginx', message: 'connection reset' }],
    ['<13>no header at all here', { severity: 5, appName: '', message: 'no header at all here' }],
    ['no PRI', { severity: null, appName: '', message: 'no PRI' }],
    ['<999>1 bad pri', { severity: null, message: '<999>1 bad pri' }],
  ])('%s', (raw, want) => {
    expect(parseSyslog(raw)).toMatchObject(want);
  });

  it('becomes a log line with the severity as its level and the app as its source', () => {
    expect(syslogInput('<11>1 2024-01-01T00:00:00Z h billing - - - SQL failed')).toEqual({ line: 'SQL failed', source: 'billing', level: 'ERROR' });
    expect(syslogInput('plain text')).toEqual({ line: 'plain text', source: 'syslog', level: undefined });
    expect(syslogInput('<14>Jan  1 00:00:00 h my app: x').source).toBe('syslog');
  });
});

describe('SyslogFramer (RFC 6587)', () => {
  const frame = (chunks: Array<string | Buffer>) => {
    const msgs: string[] = [];
    const rejects: string[] = [];
    const f = new SyslogFramer((m) => msgs.push(m), (r) => rejects.push(r));
    for (const c of chunks) f.push(typeof c === 'string' ? Buffer.from(c) : c);
    return { msgs, rejects };
  };

  it('octet counting and newline framing, mixed, split anywhere', () => {
    const stream = '11 <13>1 - a b\n<13>second\n<13>third\r\n5 fifth';
    for (let cut = 1; cut < stream.length; cut++) {
      expect(frame([stream.slice(0, cut), stream.slice(cut)]).msgs).toEqual(['<13>1 - a b', '<13>second', '<13>third', 'fifth']);
    }
  });

  it('counts UTF-8 bytes, not characters', () => {
    expect(frame(['9 <13>ünï5 <13>x']).msgs).toEqual(['<13>ünï', '<13>x']);
  });

  it('skips an over-long octet-counted frame and carries on', () => {
    const n = MAX_SYSLOG_MESSAGE_BYTES + 10;
    const r = frame([`${n} ${'x'.repeat(n)}`, '4 next']);
    expect(r.msgs).toEqual(['next']);
    expect(r.rejects).toEqual(['message_too_long']);
  });

  it('cuts an endless line at the limit and resynchronises at the next newline', () => {
    const r = frame(['<13>' + 'y'.repeat(MAX_SYSLOG_MESSAGE_BYTES + 100), 'more\n<13>after\n']);
    expect(r.msgs).toHaveLength(2);
    expect(r.msgs[0]!.length).toBe(MAX_SYSLOG_MESSAGE_BYTES);
    expect(r.msgs[1]).toBe('<13>after');
    expect(r.rejects).toEqual(['message_too_long']);
  });

  it('a malformed count resynchronises at the next newline', () => {
    const r = frame(['12345678901 x\n<13>ok\n']);
    expect(r.msgs).toEqual(['<13>ok']);
    expect(r.rejects).toEqual(['malformed_frame']);
  });
});
