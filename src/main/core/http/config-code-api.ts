// Boards as code over HTTP:
//   GET  /api/v1/config/export?format=yaml|json[&boards=a,b&playlists=…&rules=…]
//   POST /api/v1/config/import[?dryRun=1]          YAML or JSON; all or nothing
//   POST /api/v1/config/import/grafana[?save=1&id=] a Grafana dashboard → boards (one per row or
//                                                   screenful) and a playlist (a preview unless save)
//   GET  /api/v1/config/dir                         the watched directory's files and their problems
// Everything is validated before anything is written; a bad document changes nothing.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { RadiatorError } from '../../../shared/errors.ts';
import { MAX_CONFIG_DOCUMENT_BYTES } from '../../../shared/limits.ts';
import { CONFIG_KINDS, ConfigDocumentSchema, type ConfigKind } from '../../../shared/config-document.ts';
import { SettingsError } from '../../../shared/settings.ts';
import { issuesToProblems } from '../../../shared/problems.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import type { ConfigDirWatcher } from '../config-code/config-dir.ts';
import { exportDocument, formatOf, parseText, readDocument, stringifyDocument, unknownIds, type Selection } from '../config-code/document-io.ts';
import { planImport } from '../config-code/import-plan.ts';
import { convertGrafanaDashboard } from '../config-code/grafana-import.ts';
import type { GroupStatus } from '../rules/index.ts';
import { mediaType, readBody } from './body.ts';
import { sendJson } from './respond.ts';

const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain', '']);

function invalid(problems: string[], what = 'the document'): never {
  throw new RadiatorError('INVALID_SETTINGS', `${what} does not validate: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}`, { extra: { problems } });
}

async function documentText(req: IncomingMessage): Promise<{ text: string; format: 'yaml' | 'json' }> {
  const type = mediaType(req);
  if (type !== 'application/json' && !YAML_TYPES.has(type)) {
    throw new RadiatorError('UNSUPPORTED_MEDIA_TYPE', `Content-Type must be application/json or application/yaml (got "${type}")`);
  }
  const body = await readBody(req, { limitBytes: MAX_CONFIG_DOCUMENT_BYTES });
  return { text: body.toString('utf8'), format: formatOf(type) };
}

const flag = (url: URL, name: string) => ['1', 'true', 'yes'].includes((url.searchParams.get(name) ?? '').toLowerCase());

export interface ConfigCodeOptions {
  /** The loaded recording-rule groups: a Grafana import names the recorded series it reads that
   * none of them provides. */
  rules?: () => GroupStatus[];
}

export async function configCodeApi(store: SettingsStore, dir: ConfigDirWatcher | null, req: IncomingMessage, res: ServerResponse, url: URL, opts: ConfigCodeOptions = {}): Promise<boolean> {
  const p = url.pathname;
  const m = req.method ?? 'GET';
  const managedBy = (kind: ConfigKind, id: string) => dir?.managedBy(kind, id) ?? null;

  if (p === '/api/v1/config/export') {
    if (m !== 'GET') throw new RadiatorError('METHOD_NOT_ALLOWED', 'GET only');
    const format = url.searchParams.get('format') ?? 'yaml';
    if (format !== 'yaml' && format !== 'json') throw new RadiatorError('INVALID_PARAMETER', `"format" must be yaml or json (got "${format}")`);
    const sel: Selection = {};
    for (const kind of CONFIG_KINDS) {
      const raw = url.searchParams.get(kind);
      if (raw === null) continue;
      sel[kind] = raw === '*' ? '*' : raw.split(',').map((x) => x.trim()).filter(Boolean);
    }
    const unknown = unknownIds(store.current, sel);
    if (unknown.length > 0) throw new RadiatorError('INVALID_PARAMETER', `nothing to export for ${unknown.join(', ')}`);
    const text = stringifyDocument(exportDocument(store.current, sel), format);
    res.writeHead(200, {
      'Content-Type': format === 'json' ? 'application/json; charset=utf-8' : 'application/yaml; charset=utf-8',
      'Content-Disposition': `attachment; filename="radiator-config.${format}"`,
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
    return true;
  }

  if (p === '/api/v1/config/import') {
    if (m !== 'POST') throw new RadiatorError('METHOD_NOT_ALLOWED', 'use POST with a YAML or JSON document');
    const { text, format } = await documentText(req);
    const parsed = readDocument(text, format);
    if (!parsed.ok) invalid(parsed.problems);
    const dryRun = flag(url, 'dryRun');
    const plan = planImport(store.current, parsed.doc, managedBy, dryRun);
    if (plan.managed.length > 0) {
      throw new RadiatorError('MANAGED_BY_FILE', `the document changes what files in the watched directory provide: ${plan.managed.map((x) => `${x.kind} "${x.id}" (${x.managedBy})`).join(', ')}`, {
        extra: { managed: plan.managed },
      });
    }
    if (Object.keys(plan.changes).length > 0) {
      try {
        store.updateMany(plan.changes, { dryRun });
      } catch (e) {
        if (e instanceof SettingsError) invalid(e.problems, 'the settings with this document');
        throw e;
      }
    }
    sendJson(res, 200, plan.report);
    return true;
  }

  if (p === '/api/v1/config/import/grafana') {
    if (m !== 'POST') throw new RadiatorError('METHOD_NOT_ALLOWED', 'use POST with a Grafana dashboard JSON');
    const { text } = await documentText(req);
    let json: unknown;
    try {
      json = parseText(text, 'json');
    } catch (e) {
      throw new RadiatorError('MALFORMED_BODY', (e as Error).message);
    }
    const id = url.searchParams.get('id') ?? undefined;
    let conv;
    try {
      const recorded = new Set((opts.rules?.() ?? []).flatMap((g) => g.rules.filter((r) => r.type === 'recording').map((r) => r.name)));
      conv = convertGrafanaDashboard(json, { id, recorded });
    } catch (e) {
      throw new RadiatorError('INVALID_PARAMETER', (e as Error).message);
    }
    // Its boards and playlist go in as an imported document would: all or nothing.
    const checked = ConfigDocumentSchema.safeParse({ boards: conv.boards, playlists: conv.playlist ? [conv.playlist] : [], rules: [] }, { reportInput: true });
    if (!checked.success) invalid(issuesToProblems(checked.error.issues, 'board'), 'the converted dashboard');
    const save = flag(url, 'save');
    const plan = planImport(store.current, checked.data, managedBy, !save);
    if (save && plan.managed.length > 0) {
      throw new RadiatorError('MANAGED_BY_FILE', `the dashboard's boards replace what files in the watched directory provide: ${plan.managed.map((x) => `${x.kind} "${x.id}" (${x.managedBy})`).join(', ')}; import under another id (?id=)`, {
        extra: { managed: plan.managed },
      });
    }
    if (Object.keys(plan.changes).length > 0) {
      try {
        store.updateMany(plan.changes, { dryRun: !save });
      } catch (e) {
        if (e instanceof SettingsError) invalid(e.problems, 'the converted dashboard');
        throw e;
      }
    }
    sendJson(res, save ? 201 : 200, {
      saved: save,
      /** Ids that exist already and would be (or were) replaced. */
      replaces: [...plan.report.replaced.boards, ...plan.report.replaced.playlists],
      boards: checked.data.boards,
      playlist: checked.data.playlists[0] ?? null,
      skipped: conv.skipped,
      caveats: conv.caveats,
      report: plan.report,
    });
    return true;
  }

  if (p === '/api/v1/config/dir') {
    if (m !== 'GET') throw new RadiatorError('METHOD_NOT_ALLOWED', 'GET only');
    sendJson(res, 200, dir ? dir.getStatus() : { dir: null, error: null, lastSync: null, files: [] });
    return true;
  }
  return false;
}

