// `POST /api/v1/write`: Prometheus remote write in (1.0, and 2.0 by its Content-Type), answered
// with the status codes the specification gives a sender to act on. 204: every sample stored (or
// a staleness marker, which stores nothing). 400, not retried: a body that is not snappy or not
// the message, or samples refused (out of order, too old, bad labels) — the rest of the request is
// applied and the message counts both, as Prometheus's own receiver answers. 413 and 415 for a
// body too large or not remote write. 503 with Retry-After, retried by every sender: busy (too
// many requests at once or samples a second), or the store's disk full (before the request, or
// samples refused by it during). The snappy block's length
// header is checked against the limit before anything is decompressed.

import type { IncomingMessage, ServerResponse } from 'node:http';
import snappy from 'snappyjs';
import { RadiatorError } from '../../../shared/errors.ts';
import {
  MAX_REMOTE_WRITE_BODY_BYTES,
  MAX_REMOTE_WRITE_DECOMPRESSED_BYTES,
  MAX_REMOTE_WRITE_ENTRIES_PER_REQUEST,
  MAX_REMOTE_WRITE_INFLIGHT_REQUESTS,
  MAX_REMOTE_WRITE_LABELS_PER_SERIES,
  MAX_REMOTE_WRITE_SAMPLES_PER_SECOND,
  MAX_REMOTE_WRITE_SERIES_PER_REQUEST,
} from '../../../shared/limits.ts';
import type { IngestStats } from '../collector/ingest-stats.ts';
import { RateBudget } from '../collector/rate-budget.ts';
import {
  CONTENT_TYPE_V1,
  decodeWriteRequest,
  decodeWriteRequestV2,
  PROTO_V1,
  PROTO_V2,
  RemoteWriteDecodeError,
  RemoteWriteLimitError,
  snappyUncompressedLength,
  type DecodeLimits,
  type WriteRequest,
} from '../remote-write/protocol.ts';
import { REMOTE_WRITE_RECEIVER, refusalMessage, type RemoteWriteReceiver } from '../remote-write/receiver.ts';
import { readBody } from './body.ts';
import { sendError } from './respond.ts';

export const REMOTE_WRITE_PATH = '/api/v1/write';

export interface RemoteWriteRouteOptions {
  maxBodyBytes?: number;
  maxDecompressedBytes?: number;
  maxSeriesPerRequest?: number;
  maxLabelsPerSeries?: number;
  maxEntriesPerRequest?: number;
  maxInflight?: number;
  samplesPerSecond?: number;
}

type Version = 1 | 2;

/** The protobuf message a Content-Type names: no type or no `proto` parameter is 1.0 (as
 * Prometheus's receiver assumes, for senders older than the 1.0 specification). */
function versionOf(contentType: string | undefined): Version {
  const [media, ...params] = (contentType ?? '').split(';').map((p) => p.trim());
  const supported = `send ${CONTENT_TYPE_V1} (proto=${PROTO_V1}) or ${CONTENT_TYPE_V1};proto=${PROTO_V2}`;
  if (media !== '' && media!.toLowerCase() !== CONTENT_TYPE_V1) {
    throw new RadiatorError('UNSUPPORTED_MEDIA_TYPE', `Content-Type "${contentType!.slice(0, 100)}" is not remote write; ${supported}`);
  }
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0 || p.slice(0, eq).trim().toLowerCase() !== 'proto') continue;
    const proto = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (proto === PROTO_V1) return 1;
    if (proto === PROTO_V2) return 2;
    throw new RadiatorError('UNSUPPORTED_MEDIA_TYPE', `proto=${proto.slice(0, 100)} is not a remote-write message this server reads; ${supported}`);
  }
  return 1;
}

export class RemoteWriteRoute {
  private readonly receiver: RemoteWriteReceiver;
  private readonly stats: IngestStats;
  private readonly budget: RateBudget;
  private readonly maxBodyBytes: number;
  private readonly maxDecompressedBytes: number;
  private readonly limits: DecodeLimits;
  private readonly maxInflight: number;
  private inflight = 0;

  constructor(receiver: RemoteWriteReceiver, stats: IngestStats, opts: RemoteWriteRouteOptions = {}) {
    this.receiver = receiver;
    this.stats = stats;
    this.maxBodyBytes = opts.maxBodyBytes ?? MAX_REMOTE_WRITE_BODY_BYTES;
    this.maxDecompressedBytes = opts.maxDecompressedBytes ?? MAX_REMOTE_WRITE_DECOMPRESSED_BYTES;
    this.limits = {
      maxSeries: opts.maxSeriesPerRequest ?? MAX_REMOTE_WRITE_SERIES_PER_REQUEST,
      maxLabelsPerSeries: opts.maxLabelsPerSeries ?? MAX_REMOTE_WRITE_LABELS_PER_SERIES,
      maxEntries: opts.maxEntriesPerRequest ?? MAX_REMOTE_WRITE_ENTRIES_PER_REQUEST,
    };
    this.maxInflight = opts.maxInflight ?? MAX_REMOTE_WRITE_INFLIGHT_REQUESTS;
    this.budget = new RateBudget(opts.samplesPerSecond ?? MAX_REMOTE_WRITE_SAMPLES_PER_SECOND);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let handedOver = false;
    let version: Version = 1;
    try {
      if (req.method !== 'POST') throw new RadiatorError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${REMOTE_WRITE_PATH}; use POST`);
      version = versionOf(req.headers['content-type']);
      const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
      // No Content-Encoding: snappy all the same, as Prometheus's receiver assumes.
      if (encoding !== '' && encoding !== 'snappy') {
        throw new RadiatorError('UNSUPPORTED_CONTENT_ENCODING', `Content-Encoding "${encoding.slice(0, 40)}" is not remote write's; send snappy`);
      }
      if (this.inflight >= this.maxInflight) {
        throw new RadiatorError('REMOTE_WRITE_BUSY', `${this.inflight} remote-write requests are being read already`, { limit: this.maxInflight });
      }
      if (!this.budget.hasRoom()) {
        throw new RadiatorError('REMOTE_WRITE_BUSY', `more than ${this.budget.limit} remote-write samples a second`, { limit: this.budget.limit });
      }
      this.inflight++;
      let body: Buffer;
      try {
        body = await readBody(req, { limitBytes: this.maxBodyBytes, rawEncodings: ['snappy'] });
      } finally {
        this.inflight--;
      }
      const decoded = this.decode(body, version);
      let samples = 0;
      for (const ts of decoded.timeseries) samples += ts.samples.length + (ts.histograms ?? 0);
      this.budget.take(samples);
      handedOver = true;
      const out = this.receiver.apply(decoded);
      if (version === 2) writtenHeaders(res, out.applied);
      const extra = { received: out.received, written: out.applied, refused: Object.fromEntries(out.refused) };
      // Retried whole: what was written is a duplicate the second time, taken and not stored twice.
      if (out.retryable > 0) throw new RadiatorError('STORE_DISK_FULL', `the store's disk is full: ${refusalMessage(out)}; retry`, { extra });
      if (out.errors > 0) throw new RadiatorError('REMOTE_WRITE_SAMPLES_REFUSED', refusalMessage(out), { extra });
      res.writeHead(204);
      res.end();
    } catch (e) {
      // Refused before the body was read: drain it so the connection can carry the reply.
      if (!req.readableEnded) req.resume();
      // A request refused whole before the receiver saw it is one item received and refused.
      if (e instanceof RadiatorError && !handedOver) {
        this.stats.receive(REMOTE_WRITE_RECEIVER);
        this.stats.reject(REMOTE_WRITE_RECEIVER, e.code.toLowerCase());
      }
      if (version === 2 && !res.headersSent && !handedOver) writtenHeaders(res, 0);
      sendError(res, e);
    }
  }

  private decode(body: Buffer, version: Version): WriteRequest {
    const length = snappyUncompressedLength(body);
    if (length === null) throw new RadiatorError('MALFORMED_REMOTE_WRITE', 'the body is not a snappy block: its length header is malformed');
    if (length > this.maxDecompressedBytes) {
      throw new RadiatorError('INGEST_BODY_TOO_LARGE', `the body decompresses to ${length} bytes, more than the limit of ${this.maxDecompressedBytes} bytes`, {
        limit: this.maxDecompressedBytes,
      });
    }
    let raw: Uint8Array;
    try {
      raw = snappy.uncompress(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), this.maxDecompressedBytes);
    } catch (e) {
      throw new RadiatorError('MALFORMED_REMOTE_WRITE', `the body is not a snappy block: ${(e as Error).message}`);
    }
    try {
      return version === 2 ? decodeWriteRequestV2(raw, this.limits) : decodeWriteRequest(raw, this.limits);
    } catch (e) {
      if (e instanceof RemoteWriteLimitError) {
        const code = e.bound === 'labels' ? 'MALFORMED_REMOTE_WRITE' : 'INGEST_BATCH_TOO_LARGE';
        throw new RadiatorError(code, e.message, { limit: e.limit });
      }
      if (e instanceof RemoteWriteDecodeError) throw new RadiatorError('MALFORMED_REMOTE_WRITE', e.message);
      throw e;
    }
  }
}

/** Remote write 2.0 asks every answer to say what was written. */
function writtenHeaders(res: ServerResponse, samples: number): void {
  res.setHeader('X-Prometheus-Remote-Write-Samples-Written', String(samples));
  res.setHeader('X-Prometheus-Remote-Write-Histograms-Written', '0');
  res.setHeader('X-Prometheus-Remote-Write-Exemplars-Written', '0');
}
