// The routes behind the settings UI, in one place for api.ts to call: scoped access tokens,
// whole settings sections (with restart-required ones), data-source tests, boards as code
// (export, import, Grafana, the watched directory) — and, ahead of the plain config routes, the
// refusal to edit a board or playlist a file in the watched directory owns (409 with the file).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { RadiatorError } from '../../../shared/errors.ts';
import type { Settings } from '../../../shared/settings.ts';
import type { TokenStore } from '../access/token-store.ts';
import type { ConfigDirWatcher } from '../config-code/config-dir.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import type { SettingsFileProblem } from '../settings/settings-file-watcher.ts';
import type { GroupStatus } from '../rules/index.ts';
import { accessApi } from './access-api.ts';
import { configCodeApi } from './config-code-api.ts';
import type { Guard } from './guard.ts';
import { sectionsApi } from './sections-api.ts';
import { sourcesTestApi } from './sources-test-api.ts';

export interface AdminApiContext {
  settingsStore: SettingsStore;
  /** The settings the core started with (what restart sections are running on). */
  running: Settings;
  tokens: TokenStore;
  guard: Guard;
  configDir: ConfigDirWatcher | null;
  /** The last hand edit of the settings file that could not be loaded, if any. */
  settingsFileProblem?: () => SettingsFileProblem | null;
  version: string;
  embeddedSeries: () => number;
  /** Loaded recording-rule groups (a Grafana import checks the recorded names it reads). */
  rules?: () => GroupStatus[];
}

/** Returns false when the path is not one of these (or is a plain config route to go on to). */
export async function adminApi(ctx: AdminApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const p = url.pathname;
  if (p.startsWith('/api/v1/access/')) return accessApi(ctx.tokens, ctx.guard, req, res, url);
  if (p === '/api/v1/sources/test') return sourcesTestApi({ sources: () => ctx.settingsStore.current.sources, version: ctx.version, embeddedSeries: ctx.embeddedSeries }, req, res, url);
  if (!p.startsWith('/api/v1/config/')) return false;
  const owned = /^\/api\/v1\/config\/(boards|playlists)\/([^/]+)$/.exec(p);
  if (owned && ctx.configDir && (req.method === 'PUT' || req.method === 'DELETE')) {
    const kind = owned[1] as 'boards' | 'playlists';
    const id = decodeURIComponent(owned[2]!);
    const by = ctx.configDir.managedBy(kind, id);
    if (by) throw new RadiatorError('MANAGED_BY_FILE', `${kind === 'boards' ? 'board' : 'playlist'} "${id}" comes from ${by} (the watched directory); change the file instead`, { extra: { managedBy: by } });
    return false;
  }
  if (await sectionsApi(ctx.settingsStore, ctx.running, req, res, url, ctx.settingsFileProblem)) return true;
  return configCodeApi(ctx.settingsStore, ctx.configDir, req, res, url, { rules: ctx.rules });
}
