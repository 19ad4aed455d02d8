// `POST /v1/metrics` (OTLP/HTTP), on its own port (4318) and on 7070: content type and encoding
// checked, the body read with its limit applied after gunzip (bounded: the inflater is stopped
// the moment it passes), decoded, applied, and answered in the request's encoding. Overload —
// too many requests decoding at once, or more data points a second than the budget — gets 429
// with Retry-After before the body is read, which OTLP exporters back off from and retry.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { RadiatorError } from '../../../shared/errors.ts';
import { MAX_OTLP_BODY_BYTES, MAX_OTLP_INFLIGHT_REQUESTS, MAX_OTLP_POINTS_PER_SECOND } from '../../../shared/limits.ts';
import type { IngestStats } from '../collector/ingest-stats.ts';
import { decodeOtlpJson } from '../collector/otlp/otlp-json.ts';
import { countPoints, OtlpDecodeError, type OtlpRequest } from '../collector/otlp/otlp-model.ts';
import { decodeOtlpProtobuf } from '../collector/otlp/otlp-protobuf.ts';
import { OTLP_RECEIVER, type OtlpReceiver } from '../collector/otlp/otlp-receiver.ts';
import { grpcCode, responseJson, responseProtobuf, statusProtobuf } from '../collector/otlp/otlp-response.ts';
import { RateBudget } from '../collector/rate-budget.ts';
import { checkJsonBodyShape, mediaType, readBody } from './body.ts';
import { sendError } from './respond.ts';

export const OTLP_METRICS_PATH = '/v1/metrics';

const PROTOBUF_TYPES = new Set(['application/x-protobuf', 'application/protobuf']);

export interface OtlpRouteOptions {
  maxBodyBytes?: number;
  maxInflight?: number;
  pointsPerSecond?: number;
}

export class OtlpRoute {
  private readonly receiver: OtlpReceiver;
  private readonly stats: IngestStats;
  private readonly budget: RateBudget;
  private readonly maxBodyBytes: number;
  private readonly maxInflight: number;
  private inflight = 0;

  constructor(receiver: OtlpReceiver, stats: IngestStats, opts: OtlpRouteOptions = {}) {
    this.receiver = receiver;
    this.stats = stats;
    this.maxBodyBytes = opts.maxBodyBytes ?? MAX_OTLP_BODY_BYTES;
    this.maxInflight = opts.maxInflight ?? MAX_OTLP_INFLIGHT_REQUESTS;
    this.budget = new RateBudget(opts.pointsPerSecond ?? MAX_OTLP_POINTS_PER_SECOND);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const type = mediaType(req);
    const protobuf = PROTOBUF_TYPES.has(type);
    let handedOver = false;
    try {
      if (req.method !== 'POST') throw new RadiatorError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${OTLP_METRICS_PATH}; use POST`);
      if (!protobuf && type !== 'application/json') {
        throw new RadiatorError('UNSUPPORTED_MEDIA_TYPE', `Content-Type must be application/x-protobuf or application/json (got ${type === '' ? 'none' : `"${type}"`})`);
      }
      if (this.inflight >= this.maxInflight) {
        throw new RadiatorError('OVERLOADED', `${this.inflight} OTLP requests are being decoded already`, { limit: this.maxInflight });
      }
      if (!this.budget.hasRoom()) {
        throw new RadiatorError('OVERLOADED', `more than ${this.budget.limit} OTLP data points a second`, { limit: this.budget.limit });
      }
      this.inflight++;
      let decoded: OtlpRequest;
      try {
        const body = await readBody(req, { limitBytes: this.maxBodyBytes });
        decoded = decode(body, protobuf);
      } finally {
        this.inflight--;
      }
      this.budget.take(countPoints(decoded));
      handedOver = true;
      const r = this.receiver.apply(decoded);
      const partial = r.rejected > 0 ? { rejectedDataPoints: r.rejected, errorMessage: r.messages.join('; ') } : null;
      const out = protobuf ? responseProtobuf(partial) : Buffer.from(responseJson(partial));
      res.writeHead(200, { 'Content-Type': protobuf ? 'application/x-protobuf' : 'application/json', 'Content-Length': out.length });
      res.end(out);
    } catch (e) {
      // Refused before the body was read: drain it so the connection can carry the reply.
      if (!req.readableEnded) req.resume();
      // A request refused whole before the receiver saw it is one item received and refused.
      if (e instanceof RadiatorError) {
        if (!handedOver) this.stats.receive(OTLP_RECEIVER);
        this.stats.reject(OTLP_RECEIVER, e.code.toLowerCase());
      }
      if (!protobuf || !(e instanceof RadiatorError)) return sendError(res, e);
      // Protobuf senders expect a google.rpc.Status body.
      if (res.headersSent) return void res.destroy();
      const body = statusProtobuf(grpcCode(e.status), `${e.code}: ${e.message}`);
      const headers: Record<string, string | number> = { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length };
      if (e.retryable) headers['Retry-After'] = '1';
      if (e.code === 'INGEST_BODY_TOO_LARGE' || e.code === 'UNSUPPORTED_CONTENT_ENCODING') headers.Connection = 'close';
      res.writeHead(e.status, headers);
      res.end(body);
    }
  }
}

function decode(body: Buffer, protobuf: boolean): OtlpRequest {
  try {
    if (protobuf) return decodeOtlpProtobuf(body);
    checkJsonBodyShape(body);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (e) {
      throw new OtlpDecodeError(`json: ${(e as Error).message}`);
    }
    return decodeOtlpJson(parsed);
  } catch (e) {
    if (e instanceof OtlpDecodeError) throw new RadiatorError('MALFORMED_OTLP', `the body is not an OTLP ExportMetricsServiceRequest: ${e.message}`);
    throw e;
  }
}
