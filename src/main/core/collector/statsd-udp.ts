// StatsD over UDP: datagrams in, handed whole to `ingest`. Nothing else happens here.

import dgram from 'node:dgram';
import type { Receiver } from './receiver.ts';

export interface StatsdUdpOptions {
  host: string;
  port: number;
  /** What we ask the kernel for; `grantedRecvBufferBytes` says what it gave. */
  recvBufferBytes: number;
}

export class StatsdUdpReceiver implements Receiver {
  private socket: dgram.Socket | null = null;
  private readonly opts: StatsdUdpOptions;
  private readonly ingest: (buf: Buffer) => void;
  grantedRecvBufferBytes = 0;
  datagrams = 0;
  bytes = 0;

  constructor(opts: StatsdUdpOptions, ingest: (buf: Buffer) => void) {
    this.opts = opts;
    this.ingest = ingest;
  }

  get description(): string {
    return `statsd udp ${this.opts.host}:${this.port} (receive buffer ${Math.round(this.grantedRecvBufferBytes / 1024)} KiB)`;
  }

  get port(): number {
    return (this.socket?.address().port as number | undefined) ?? this.opts.port;
  }

  start(): Promise<void> {
    const type = this.opts.host.includes(':') ? 'udp6' : 'udp4';
    const socket = dgram.createSocket({ type, recvBufferSize: this.opts.recvBufferBytes });
    this.socket = socket;
    socket.on('message', (msg) => {
      this.datagrams++;
      this.bytes += msg.length;
      this.ingest(msg);
    });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.opts.port, this.opts.host, () => {
        socket.off('error', reject);
        // A socket error after bind (rare for UDP) must not crash the collector.
        socket.on('error', (e) => console.error(`statsd udp: ${e.message}`));
        try {
          this.grantedRecvBufferBytes = socket.getRecvBufferSize();
        } catch {
          this.grantedRecvBufferBytes = 0;
        }
        resolve();
      });
    });
  }

  stop(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => s.close(() => resolve()));
  }
}
