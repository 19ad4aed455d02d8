// The settings UI's view of whole sections: GET /api/v1/config/sections (every section it edits,
// secrets shown as SECRET_KEPT, whether a flag holds it, whether it waits for a restart), and
// PUT /api/v1/config/sections/<name> (secrets sent back as SECRET_KEPT are kept). Listeners, the
// store and the watched directory apply at the next start: the answer says `restartRequired`.
// Also PUT /api/v1/config/board-order {ids}: the boards in a new order; DELETE a playlist. The
// list says, as `fileProblem`, why the last hand edit of the settings file was not loaded.

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RadiatorError } from '../../../shared/errors.ts';
import { MAX_BODY_BYTES } from '../../../shared/limits.ts';
import { RESTART_REQUIRED, UI_SECTIONS, type SectionState, type UiSection } from '../../../shared/settings-sections.ts';
import { SettingsError, type Settings } from '../../../shared/settings.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import type { SettingsFileProblem } from '../settings/settings-file-watcher.ts';
import { keptWithoutSecret, redactSecrets, restoreSecrets } from '../settings/secrets.ts';
import { mediaType, parseJsonBody, readBody } from './body.ts';
import { sendJson } from './respond.ts';

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  if (mediaType(req) !== 'application/json') throw new RadiatorError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  return parseJsonBody(await readBody(req, { limitBytes: MAX_BODY_BYTES }));
}

function refuse(e: unknown): never {
  if (e instanceof SettingsError) throw new RadiatorError('INVALID_SETTINGS', e.message, { extra: { problems: e.problems } });
  throw e;
}

/** Which saved value a section holds (a digest of it, secrets included, so a changed token
 * is a change too; 64 bits of SHA-256 say nothing useful about the secret). */
function revisionOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

function state(store: SettingsStore, running: Settings, name: UiSection): SectionState {
  const value = store.current[name];
  return {
    value: redactSecrets(name, value),
    heldByFlag: store.heldByFlag(name),
    restartRequired: RESTART_REQUIRED.has(name),
    pendingRestart: RESTART_REQUIRED.has(name) && JSON.stringify(value) !== JSON.stringify(running[name]),
    revision: revisionOf(value),
  };
}

/** The revision an `If-Match` names (quoted or not); null without one, or for `*`. */
function ifMatch(req: IncomingMessage): string | null {
  const h = req.headers['if-match'];
  if (h === undefined || h.trim() === '*') return null;
  return h.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

export async function sectionsApi(
  store: SettingsStore,
  running: Settings,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  fileProblem: () => SettingsFileProblem | null = () => null,
): Promise<boolean> {
  const p = url.pathname;
  const m = req.method ?? 'GET';
  if (p === '/api/v1/config/sections') {
    if (m !== 'GET') throw new RadiatorError('METHOD_NOT_ALLOWED', 'GET only');
    sendJson(res, 200, { sections: Object.fromEntries(UI_SECTIONS.map((n) => [n, state(store, running, n)])), fileProblem: fileProblem() });
    return true;
  }
  const one = /^\/api\/v1\/config\/sections\/([^/]+)$/.exec(p);
  if (one) {
    const name = decodeURIComponent(one[1]!) as UiSection;
    if (!(UI_SECTIONS as readonly string[]).includes(name)) throw new RadiatorError('NOT_FOUND', `no section "${name}"; there are ${UI_SECTIONS.join(', ')}`);
    if (m === 'GET') {
      const st = state(store, running, name);
      sendJson(res, 200, st, { ETag: `"${st.revision}"` });
      return true;
    }
    if (m !== 'PUT') throw new RadiatorError('METHOD_NOT_ALLOWED', 'use GET or PUT');
    const body = await jsonBody(req);
    // Against the section as this process holds it; a hand edit not loaded yet is caught by the
    // store's own check (SETTINGS_CHANGED_ON_DISK).
    const expected = ifMatch(req);
    const now = revisionOf(store.current[name]);
    if (expected !== null && expected !== now) {
      throw new RadiatorError('SETTINGS_STALE', `the ${name} section changed since this page loaded it (revision ${expected}, now ${now}): load it again and redo the edit`, {
        extra: { section: name, current: state(store, running, name) },
      });
    }
    const incoming = restoreSecrets(name, body, store.current[name]);
    const orphans = keptWithoutSecret(incoming).map((x) => `${name}.${x}`);
    if (orphans.length > 0) refuse(new SettingsError(orphans));
    try {
      store.update(name, incoming);
    } catch (e) {
      refuse(e);
    }
    const after = state(store, running, name);
    sendJson(res, 200, { updated: name, ...after }, { ETag: `"${after.revision}"` });
    return true;
  }
  // Deleting a playlist (the plain config routes only put them); refused, by the schema, while the
  // display's default or a screen names it.
  const pl = /^\/api\/v1\/config\/playlists\/([^/]+)$/.exec(p);
  if (pl && m === 'DELETE') {
    const id = decodeURIComponent(pl[1]!);
    if (!store.current.playlists.some((x) => x.id === id)) throw new RadiatorError('NOT_FOUND', `no playlist "${id}"`);
    try {
      store.update('playlists', store.current.playlists.filter((x) => x.id !== id));
    } catch (e) {
      refuse(e);
    }
    sendJson(res, 200, { deleted: id });
    return true;
  }
  if (p === '/api/v1/config/board-order') {
    if (m !== 'PUT') throw new RadiatorError('METHOD_NOT_ALLOWED', 'use PUT');
    const body = (await jsonBody(req)) as { ids?: unknown };
    const ids = body?.ids;
    const boards = store.current.boards;
    if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string')) throw new RadiatorError('INVALID_SETTINGS', 'ids: must be a list of board ids', { extra: { problems: ['ids: must be a list of board ids'] } });
    const want = ids as string[];
    const missing = boards.filter((b) => !want.includes(b.id)).map((b) => b.id);
    const unknown = want.filter((id) => !boards.some((b) => b.id === id));
    if (missing.length > 0 || unknown.length > 0 || new Set(want).size !== want.length) {
      const problems = [...missing.map((id) => `ids: "${id}" is missing (name every board once)`), ...unknown.map((id) => `ids: there is no board "${id}"`)];
      if (problems.length === 0) problems.push('ids: a board is named twice');
      throw new RadiatorError('INVALID_SETTINGS', problems.join('; '), { extra: { problems } });
    }
    try {
      store.update('boards', want.map((id) => boards.find((b) => b.id === id)!));
    } catch (e) {
      refuse(e);
    }
    sendJson(res, 200, { order: want });
    return true;
  }
  return false;
}
