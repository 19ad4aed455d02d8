// The configuration the screens draw from (boards, playlists, display) and the live edits to it:
// GET /api/v1/config; PUT/DELETE /api/v1/config/boards/<id>; PUT /api/v1/config/playlists/<id>;
// PUT /api/v1/config/{display,alerts,sources,shell,pipeline,experiments,oncall}. Every write is validated against the shared schema (400 with each
// problem named), saved, and pushed to every open screen.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONFIG_PUT_SECTIONS } from './routes.ts';
import { RadiatorError } from '../../../shared/errors.ts';
import { MAX_BODY_BYTES } from '../../../shared/limits.ts';
import { SettingsError } from '../../../shared/settings.ts';
import type { ScreenConfig } from '../../../shared/feed-protocol.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import { mediaType, parseJsonBody, readBody } from './body.ts';
import { sendJson } from './respond.ts';

export function configView(store: SettingsStore): ScreenConfig {
  const s = store.current;
  return {
    boards: s.boards,
    playlists: s.playlists,
    display: s.display,
    sources: [{ id: 'embedded', name: 'This Radiator' }, ...s.sources.map((x) => ({ id: x.id, name: x.name }))],
  };
}

async function body(req: IncomingMessage): Promise<unknown> {
  if (mediaType(req) !== 'application/json') throw new RadiatorError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  return parseJsonBody(await readBody(req, { limitBytes: MAX_BODY_BYTES }));
}

/** Settings problems as a 400 that lists each one. */
function refuse(e: unknown): never {
  if (e instanceof SettingsError) throw new RadiatorError('INVALID_SETTINGS', e.message, { extra: { problems: e.problems } });
  throw e;
}

export async function configApi(store: SettingsStore, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const p = url.pathname;
  const m = req.method ?? 'GET';
  if (p === '/api/v1/config') {
    if (m !== 'GET') throw new RadiatorError('METHOD_NOT_ALLOWED', 'GET only');
    sendJson(res, 200, configView(store));
    return true;
  }
  const board = /^\/api\/v1\/config\/boards\/([^/]+)$/.exec(p);
  if (board) {
    const id = decodeURIComponent(board[1]!);
    const boards = store.current.boards;
    if (m === 'PUT') {
      const b = (await body(req)) as Record<string, unknown>;
      if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new RadiatorError('INVALID_SETTINGS', 'the body must be a board object');
      if (b.id !== undefined && b.id !== id) throw new RadiatorError('INVALID_SETTINGS', `the board's id "${String(b.id)}" is not the one in the path ("${id}")`);
      const next = boards.some((x) => x.id === id) ? boards.map((x) => (x.id === id ? { ...b, id } : x)) : [...boards, { ...b, id }];
      try {
        store.update('boards', next);
      } catch (e) {
        refuse(e);
      }
      sendJson(res, 200, store.current.boards.find((x) => x.id === id));
      return true;
    }
    if (m === 'DELETE') {
      if (!boards.some((x) => x.id === id)) throw new RadiatorError('NOT_FOUND', `no board "${id}"`);
      const inPlaylists = store.current.playlists.filter((pl) => pl.boards.includes(id)).map((pl) => pl.id);
      // Take the board out of playlists too (a playlist left empty is refused by the schema).
      try {
        store.update('playlists', store.current.playlists.map((pl) => ({ ...pl, boards: pl.boards.filter((x) => x !== id) })));
        store.update('boards', boards.filter((x) => x.id !== id));
      } catch (e) {
        refuse(e);
      }
      sendJson(res, 200, { deleted: id, removedFromPlaylists: inPlaylists });
      return true;
    }
    throw new RadiatorError('METHOD_NOT_ALLOWED', 'use PUT or DELETE');
  }
  const pl = /^\/api\/v1\/config\/playlists\/([^/]+)$/.exec(p);
  if (pl) {
    if (m !== 'PUT') throw new RadiatorError('METHOD_NOT_ALLOWED', 'use PUT');
    const id = decodeURIComponent(pl[1]!);
    const v = (await body(req)) as Record<string, unknown>;
    const list = store.current.playlists;
    const next = list.some((x) => x.id === id) ? list.map((x) => (x.id === id ? { ...v, id } : x)) : [...list, { ...v, id }];
    try {
      store.update('playlists', next);
    } catch (e) {
      refuse(e);
    }
    sendJson(res, 200, store.current.playlists.find((x) => x.id === id));
    return true;
  }
  // Whole sections: display settings, alert rules and webhooks, data sources.
  const name = /^\/api\/v1\/config\/([^/]+)$/.exec(p)?.[1];
  const section = CONFIG_PUT_SECTIONS.find((x) => x === name);
  if (section) {
    if (m !== 'PUT') throw new RadiatorError('METHOD_NOT_ALLOWED', 'use PUT');
    try {
      store.update(section, await body(req));
    } catch (e) {
      refuse(e);
    }
    // Sources, webhooks and feeds may carry credentials; the answer says what changed, not what they are.
    sendJson(res, 200, section === 'display' || section === 'experiments' || section === 'oncall' ? store.current[section] : { updated: section });
    return true;
  }
  return false;
}
