// A WebSocket client of the live feed for tests: collects every message, remembers how the
// server closed it, and can stop reading (so the server's send buffer fills) and resume.
import WebSocket from 'ws';
import type { ServerMessage } from '../../src/shared/feed-protocol.ts';
import { waitFor } from './core.ts';

export class FeedClient {
  readonly ws: WebSocket;
  readonly messages: ServerMessage[] = [];
  closeCode: number | null = null;
  closeReason = '';

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    this.ws.on('message', (d) => this.messages.push(JSON.parse(d.toString()) as ServerMessage));
    this.ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
    });
  }

  /** Resolves once open; rejects on a refused upgrade (with its HTTP status) or an error. */
  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      this.ws.once('error', reject);
    });
  }

  send(m: unknown): void {
    this.ws.send(JSON.stringify(m));
  }

  /** The messages of one type (and subscription id) received so far. */
  of<T extends ServerMessage['type']>(type: T, id?: string): Array<Extract<ServerMessage, { type: T }>> {
    return this.messages.filter((m) => m.type === type && (id === undefined || (m as { id?: string }).id === id)) as Array<Extract<ServerMessage, { type: T }>>;
  }

  /** Stop reading: the kernel's buffers fill and the server's `bufferedAmount` grows. */
  pause(): void {
    (this.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  resume(): void {
    (this.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  }

  /** Everything sent has left this process (the server reads it at its next turn). */
  flushed(): Promise<boolean> {
    return waitFor(() => this.ws.bufferedAmount === 0);
  }
}
