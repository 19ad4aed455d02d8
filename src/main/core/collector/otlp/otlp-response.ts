// OTLP/HTTP replies in the request's encoding: ExportMetricsServiceResponse (with
// partial_success when points were refused) and, for errors to protobuf senders,
// google.rpc.Status — what the OTLP specification asks of a server.

function varint(n: number): number[] {
  const out: number[] = [];
  let v = Math.max(0, Math.floor(n));
  while (v >= 128) {
    out.push((v % 128) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function lenField(field: number, payload: Uint8Array): Uint8Array {
  return Uint8Array.from([...varint(field * 8 + 2), ...varint(payload.length), ...payload]);
}

const encoder = new TextEncoder();

export interface PartialSuccess {
  rejectedDataPoints: number;
  errorMessage: string;
}

/** ExportMetricsServiceResponse { ExportMetricsPartialSuccess partial_success = 1 }. */
export function responseProtobuf(partial: PartialSuccess | null): Uint8Array {
  if (!partial) return new Uint8Array(0);
  const inner = Uint8Array.from([...varint(1 * 8 + 0), ...varint(partial.rejectedDataPoints), ...lenField(2, encoder.encode(partial.errorMessage))]);
  return lenField(1, inner);
}

/** The JSON mapping: int64 as a decimal string. */
export function responseJson(partial: PartialSuccess | null): string {
  if (!partial) return '{}';
  return JSON.stringify({ partialSuccess: { rejectedDataPoints: String(partial.rejectedDataPoints), errorMessage: partial.errorMessage } });
}

/** gRPC status codes for the HTTP statuses Radiator answers OTLP requests with. */
export function grpcCode(httpStatus: number): number {
  if (httpStatus === 400 || httpStatus === 413 || httpStatus === 415) return 3; // INVALID_ARGUMENT
  if (httpStatus === 429) return 8; // RESOURCE_EXHAUSTED
  if (httpStatus === 503) return 14; // UNAVAILABLE
  if (httpStatus === 401 || httpStatus === 403) return 7; // PERMISSION_DENIED
  if (httpStatus === 404 || httpStatus === 405) return 12; // UNIMPLEMENTED
  return 13; // INTERNAL
}

/** google.rpc.Status { int32 code = 1; string message = 2; }. */
export function statusProtobuf(code: number, message: string): Uint8Array {
  return Uint8Array.from([...varint(1 * 8 + 0), ...varint(code), ...lenField(2, encoder.encode(message))]);
}
