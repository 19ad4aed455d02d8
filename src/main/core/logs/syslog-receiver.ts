// Syslog over UDP (one message a datagram) and TCP (RFC 6587: octet-counted frames, `LEN MSG`,
// or newline-terminated ones, told apart per frame by its first byte) on one port. Messages go to
// the log pipeline with the syslog severity as their level and the APP-NAME/TAG as their source.
// Bounded: a message is at most MAX_SYSLOG_MESSAGE_BYTES (longer ones are cut, counted), at most
// MAX_SYSLOG_TCP_CONNECTIONS connections, idle connections closed; over the lines-per-second
// budget messages are dropped and counted (`overload`).

import dgram from 'node:dgram';
import net from 'node:net';
import { MAX_LOG_SOURCE_CHARS, MAX_SYSLOG_MESSAGE_BYTES, MAX_SYSLOG_TCP_CONNECTIONS } from '../../../shared/limits.ts';
import type { Ingest } from '../collector/ingest.ts';
import type { Receiver } from '../collector/receiver.ts';
import { levelFromSyslog } from './level-detector.ts';
import type { LogInput, LogPipeline } from './log-pipeline.ts';
import { parseSyslog } from './syslog-parser.ts';

export const SYSLOG_RECEIVER = 'syslog';
const IDLE_MS = 5 * 60_000;

export function syslogInput(raw: string): LogInput {
  const m = parseSyslog(raw);
  const app = m.appName.replace(/[\s"\\]/g, '_').slice(0, MAX_LOG_SOURCE_CHARS);
  return { line: m.message, source: app || 'syslog', level: m.severity === null ? undefined : levelFromSyslog(m.severity) };
}

/** Splits a TCP byte stream into messages; pure apart from the callbacks. */
export class SyslogFramer {
  private buf: Buffer = Buffer.alloc(0);
  /** Bytes of an over-long frame still to skip (octet-counted) or -1 to skip to the next LF. */
  private skip = 0;
  private readonly onMessage: (m: string) => void;
  /** `kept`: the message is still delivered, cut to the limit, by the next onMessage. */
  private readonly onReject: (reason: string, kept?: boolean) => void;

  constructor(onMessage: (m: string) => void, onReject: (reason: string, kept?: boolean) => void) {
    this.onMessage = onMessage;
    this.onReject = onReject;
  }

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, this.buf.length);
        this.buf = this.buf.subarray(n);
        this.skip -= n;
        if (this.skip > 0) return;
      }
      if (this.skip === -1) {
        const lf = this.buf.indexOf(10);
        if (lf < 0) {
          this.buf = Buffer.alloc(0);
          return;
        }
        this.buf = this.buf.subarray(lf + 1);
        this.skip = 0;
      }
      if (this.buf.length === 0) return;
      const first = this.buf[0]!;
      if (first >= 0x31 && first <= 0x39) {
        // Octet counting: digits, a space, then exactly that many bytes.
        const sp = this.buf.indexOf(32);
        if (sp < 0) {
          if (this.buf.length > 10) {
            this.onReject('malformed_frame');
            this.skip = -1;
            continue;
          }
          return;
        }
        const len = Number(this.buf.subarray(0, sp).toString('latin1'));
        if (!Number.isInteger(len) || sp > 10) {
          this.onReject('malformed_frame');
          this.skip = -1;
          continue;
        }
        if (len > MAX_SYSLOG_MESSAGE_BYTES) {
          this.onReject('message_too_long');
          this.buf = this.buf.subarray(sp + 1);
          this.skip = len;
          continue;
        }
        if (this.buf.length < sp + 1 + len) return;
        this.onMessage(this.buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
        this.buf = this.buf.subarray(sp + 1 + len);
        continue;
      }
      // Non-transparent framing: up to LF (or NUL, which some senders use).
      let end = this.buf.indexOf(10);
      const nul = this.buf.indexOf(0);
      if (nul >= 0 && (end < 0 || nul < end)) end = nul;
      if (end < 0) {
        if (this.buf.length > MAX_SYSLOG_MESSAGE_BYTES) {
          this.onReject('message_too_long', true);
          this.onMessage(this.buf.subarray(0, MAX_SYSLOG_MESSAGE_BYTES).toString('utf8'));
          this.buf = Buffer.alloc(0);
          this.skip = -1;
        }
        return;
      }
      const msg = this.buf.subarray(0, end).toString('utf8').replace(/\r$/, '');
      this.buf = this.buf.subarray(end + 1);
      if (msg !== '') this.onMessage(msg);
    }
  }
}

export class SyslogReceiver implements Receiver {
  private readonly host: string;
  private readonly wantPort: number;
  private readonly pipeline: LogPipeline;
  private readonly door: Ingest;
  private udp: dgram.Socket | null = null;
  private tcp: net.Server | null = null;
  private readonly conns = new Set<net.Socket>();

  constructor(opts: { host: string; port: number }, pipeline: LogPipeline, ingest: Ingest) {
    this.host = opts.host;
    this.wantPort = opts.port;
    this.pipeline = pipeline;
    this.door = ingest;
  }

  get port(): number {
    const a = this.tcp?.address();
    return a && typeof a === 'object' ? a.port : this.wantPort;
  }

  get description(): string {
    return `syslog udp+tcp ${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /** `cut`: the message was cut to the limit (see LogInput.cut). */
  private take(raw: string, cut?: string): void {
    if (!this.pipeline.hasRoom()) {
      this.door.reject(SYSLOG_RECEIVER, 'overload');
      return;
    }
    this.pipeline.ingest([{ ...syslogInput(raw), cut }], SYSLOG_RECEIVER);
  }

  async start(): Promise<void> {
    const tcp = net.createServer((sock) => {
      if (this.conns.size >= MAX_SYSLOG_TCP_CONNECTIONS) {
        this.door.reject(SYSLOG_RECEIVER, 'too_many_connections');
        sock.destroy();
        return;
      }
      this.conns.add(sock);
      sock.setTimeout(IDLE_MS, () => sock.destroy());
      let cut: string | undefined;
      const framer = new SyslogFramer(
        (m) => {
          this.take(m, cut);
          cut = undefined;
        },
        (r, kept) => {
          if (kept) cut = r;
          else this.door.reject(SYSLOG_RECEIVER, r);
        },
      );
      sock.on('data', (c: Buffer) => framer.push(c));
      sock.on('error', () => {});
      sock.on('close', () => this.conns.delete(sock));
    });
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(this.wantPort, this.host, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
    this.tcp = tcp;
    // UDP on the port TCP got (they match when a fixed port is asked for; with 0, TCP picks).
    const udp = dgram.createSocket(this.host.includes(':') ? 'udp6' : 'udp4');
    try {
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(this.port, this.host, () => {
          udp.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      tcp.close();
      this.tcp = null;
      throw e;
    }
    udp.on('message', (msg) => {
      if (msg.length > MAX_SYSLOG_MESSAGE_BYTES) {
        this.take(msg.subarray(0, MAX_SYSLOG_MESSAGE_BYTES).toString('utf8'), 'message_too_long');
      } else this.take(msg.toString('utf8'));
    });
    udp.on('error', () => {});
    this.udp = udp;
  }

  async stop(): Promise<void> {
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = null;
    this.tcp = null;
    udp?.close();
    for (const s of this.conns) s.destroy();
    if (tcp) await new Promise<void>((r) => tcp.close(() => r()));
  }
}
