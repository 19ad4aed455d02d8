// An HTTP listener: guards every request, hands it to a route function, and turns any thrown
// RadiatorError into its JSON reply. WebSocket upgrades go to `onUpgrade`. Every reply says
// `nosniff`, so a browser never reads a JSON or text answer as a script, a style or a page.

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { RadiatorError } from '../../../shared/errors.ts';
import { HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS } from '../../../shared/limits.ts';
import type { Receiver } from '../collector/receiver.ts';
import { ingestReceiver } from '../access/route-scope.ts';
import type { Guard } from './guard.ts';
import { sendError } from './respond.ts';

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => void;

export interface HttpListenerOptions {
  name: string;
  host: string;
  port: number;
  guard: Guard;
  corsOrigins: readonly string[];
  handler: Handler;
  onUpgrade?: UpgradeHandler;
  /** Asked before a write to a receiver is handled: an error refuses it whole (a full disk), and
   * the gate counts the refusal against that receiver. */
  writeGate?: (receiver: string) => RadiatorError | null;
}

export class HttpListener implements Receiver {
  private server: http.Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly opts: HttpListenerOptions;

  constructor(opts: HttpListenerOptions) {
    this.opts = opts;
  }

  get description(): string {
    const h = this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host;
    return `${this.opts.name} http://${h}:${this.port}`;
  }

  get port(): number {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : this.opts.port;
  }

  start(): Promise<void> {
    const server = http.createServer({ requestTimeout: HTTP_REQUEST_TIMEOUT_MS, headersTimeout: HTTP_HEADERS_TIMEOUT_MS }, (req, res) =>
      this.onRequest(req, res),
    );
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (this.opts.onUpgrade) this.opts.onUpgrade(req, socket, head, url);
      else socket.destroy();
    });
    server.on('clientError', (_e, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return sendError(res, new RadiatorError('NOT_FOUND', 'malformed request target'));
    }
    res.setHeader('X-Content-Type-Options', 'nosniff');
    try {
      this.opts.guard.check(req, url);
      const receiver = this.opts.writeGate ? ingestReceiver(req.method, url.pathname) : null;
      const refusal = receiver ? this.opts.writeGate!(receiver) : null;
      if (refusal) throw refusal;
      const origin = req.headers.origin;
      if (origin && this.opts.corsOrigins.includes(origin)) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Vary', 'Origin');
        if (req.method === 'OPTIONS') {
          res.writeHead(204, {
            'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE',
            'Access-Control-Allow-Headers': 'Content-Type, Content-Encoding, Authorization',
            'Access-Control-Max-Age': '600',
          });
          res.end();
          return;
        }
      }
      await this.opts.handler(req, res, url);
    } catch (e) {
      sendError(res, e);
    }
  }

  stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => {
      s.close(() => resolve());
      s.closeIdleConnections();
      // Give in-flight requests a moment, then cut what is left.
      setTimeout(() => {
        for (const sock of this.sockets) sock.destroy();
      }, 200).unref();
    });
  }
}
