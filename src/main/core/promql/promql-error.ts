// What a query fails with: a message naming the problem, and Prometheus's error type for it.

export class PromQLError extends Error {
  readonly kind: 'bad_data' | 'execution' | 'timeout';
  constructor(message: string, kind: 'bad_data' | 'execution' | 'timeout' = 'bad_data') {
    super(message);
    this.name = 'PromQLError';
    this.kind = kind;
  }
}
