// GET /api/v1/arriving[?limit=N]: what has arrived from apps (newest first) and which boards have
// data — the screens' "What's arriving" board and the rotation's rule for shipped boards with
// nothing to show (see docs/boards.md). A read, like the rest of GET.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ArrivingReport } from '../../../shared/arriving.ts';
import type { Board } from '../../../shared/boards.ts';
import { RadiatorError } from '../../../shared/errors.ts';
import { ARRIVING_DEFAULT_LIMIT, ARRIVING_MAX_LIMIT } from '../../../shared/limits.ts';
import { BoardDataReader, listArrivals } from '../arriving/index.ts';
import type { MetadataRegistry } from '../collector/metadata.ts';
import type { Store } from '../store/index.ts';
import { sendJson } from './respond.ts';

export const ARRIVING_PATH = '/api/v1/arriving';

export interface ArrivingApiContext {
  store: Store;
  metadata: MetadataRegistry;
  boards: () => readonly Board[];
}

export function arrivingApi(ctx: ArrivingApiContext): (req: IncomingMessage, res: ServerResponse, url: URL) => void {
  const reader = new BoardDataReader(ctx.store);
  return (req, res, url) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new RadiatorError('METHOD_NOT_ALLOWED', `${req.method} is not allowed here; use GET`);
    const raw = url.searchParams.get('limit');
    const limit = raw === null ? ARRIVING_DEFAULT_LIMIT : Number(raw);
    if (!Number.isInteger(limit) || limit < 0 || limit > ARRIVING_MAX_LIMIT) {
      throw new RadiatorError('INVALID_PARAMETER', `"limit" must be an integer from 0 to ${ARRIVING_MAX_LIMIT} (got "${raw}")`);
    }
    const report: ArrivingReport = { ...listArrivals(ctx.store, ctx.metadata, limit), boards: ctx.boards().map((b) => reader.of(b)) };
    sendJson(res, 200, report);
  };
}
