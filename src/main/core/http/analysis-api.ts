// GET /api/v1/analysis/anomalies?query=&start=&end=&step=[&source=] — a chart's anomalies and
// expected band (see analysis/analyse-range.ts), for panels that mark them.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { RadiatorError } from '../../../shared/errors.ts';
import { analyseRange } from '../analysis/analyse-range.ts';
import type { DataSource } from '../sources/source.ts';
import { sendJson } from './respond.ts';

export async function analysisApi(sourceOf: (id: string) => DataSource, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (url.pathname !== '/api/v1/analysis/anomalies') return false;
  if ((req.method ?? 'GET') !== 'GET') throw new RadiatorError('METHOD_NOT_ALLOWED', 'GET only');
  const q = url.searchParams;
  const query = q.get('query');
  const num = (name: string) => {
    const v = Number(q.get(name));
    if (!Number.isFinite(v)) throw new RadiatorError('INVALID_PARAMETER', `${name} must be a number (ms)`);
    return v;
  };
  if (!query) throw new RadiatorError('INVALID_PARAMETER', 'query is required');
  const start = num('start');
  const end = num('end');
  const step = num('step');
  if (!(end > start) || step < 1_000 || (end - start) / step > 11_000) throw new RadiatorError('INVALID_PARAMETER', 'need start < end, step ≥ 1000 ms and at most 11,000 steps');
  const r = await sourceOf(q.get('source') ?? 'embedded').range(query, start, end, step);
  sendJson(res, 200, { series: analyseRange(r.result) });
  return true;
}
