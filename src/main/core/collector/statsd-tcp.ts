// StatsD over TCP: newline-framed lines. Complete lines are handed to `ingest` in batches; a line
// longer than the limit is skipped up to its newline and counted. Connections are capped.

import net from 'node:net';
import { MAX_STATSD_LINE_BYTES, MAX_STATSD_TCP_CONNECTIONS } from '../../../shared/limits.ts';
import type { Receiver } from './receiver.ts';

export interface StatsdTcpOptions {
  host: string;
  port: number;
}

export class StatsdTcpReceiver implements Receiver {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private readonly opts: StatsdTcpOptions;
  private readonly ingest: (buf: Buffer) => void;
  private readonly reject: (reason: string) => void;

  constructor(opts: StatsdTcpOptions, ingest: (buf: Buffer) => void, reject: (reason: string) => void) {
    this.opts = opts;
    this.ingest = ingest;
    this.reject = reject;
  }

  get description(): string {
    return `statsd tcp ${this.opts.host}:${this.port}`;
  }

  get port(): number {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : this.opts.port;
  }

  start(): Promise<void> {
    const server = net.createServer((socket) => this.onConnection(socket));
    server.maxConnections = MAX_STATSD_TCP_CONNECTIONS;
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        server.on('error', (e) => console.error(`statsd tcp: ${e.message}`));
        resolve();
      });
    });
  }

  private onConnection(socket: net.Socket): void {
    this.sockets.add(socket);
    let partial: Buffer | null = null;
    let skipping = false;
    socket.on('data', (chunk: Buffer) => {
      let data = partial ? Buffer.concat([partial, chunk]) : chunk;
      partial = null;
      if (skipping) {
        const nl = data.indexOf(10);
        if (nl < 0) return;
        data = data.subarray(nl + 1);
        skipping = false;
      }
      const last = data.lastIndexOf(10);
      if (last >= 0) this.ingest(data.subarray(0, last + 1));
      const rest = data.subarray(last + 1);
      if (rest.length > MAX_STATSD_LINE_BYTES) {
        this.reject('line_too_long');
        skipping = true;
      } else if (rest.length > 0) partial = Buffer.from(rest);
    });
    socket.on('end', () => {
      if (partial && !skipping) this.ingest(partial);
      partial = null;
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
    socket.setTimeout(10 * 60_000, () => socket.destroy());
  }

  stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return Promise.resolve();
    for (const sock of this.sockets) sock.destroy();
    return new Promise((resolve) => s.close(() => resolve()));
  }
}
