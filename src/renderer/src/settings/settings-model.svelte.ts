// The settings UI's one link to the core: every write goes through the HTTP API (the server's
// answer is authoritative — a 400 carries `problems` by path), and every accepted write leaves a
// way back, so the last changes of this session can be undone by writing the previous value again.

import type { Connection } from '../lib/connection.svelte.ts';
import type { SectionsResponse, UiSection } from '../../../shared/settings-sections.ts';

export interface Me {
  via: 'loopback' | 'server-token' | 'token' | null;
  scope: 'read' | 'ingest' | 'admin' | null;
  canEdit: boolean;
}

export interface ApiResult<T = unknown> {
  ok: boolean;
  status: number;
  body: T & { code?: string; message?: string; problems?: string[]; managedBy?: string };
}

export interface UndoEntry {
  label: string;
  /** Writes the previous value back. */
  restore: () => Promise<ApiResult>;
}

/** Saves kept for undo in this session (at least the last ten, as promised; a few more is free). */
export const UNDO_DEPTH = 20;

export interface Notice {
  kind: 'ok' | 'error' | 'info';
  text: string;
}

export class SettingsModel {
  readonly conn: Connection;
  me = $state.raw<Me | null>(null);
  sections = $state.raw<SectionsResponse['sections'] | null>(null);
  loadError = $state<string | null>(null);
  history = $state.raw<UndoEntry[]>([]);
  notice = $state.raw<Notice | null>(null);
  busy = $state(false);

  constructor(conn: Connection) {
    this.conn = conn;
  }

  get canEdit(): boolean {
    return this.me?.canEdit ?? false;
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, contentType = 'application/json', extraHeaders: Record<string, string> = {}): Promise<ApiResult<T>> {
    let r: Response;
    try {
      r = await this.conn.fetch(path, {
        method,
        headers: body === undefined ? extraHeaders : { 'Content-Type': contentType, ...extraHeaders },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
    } catch (e) {
      return { ok: false, status: 0, body: { message: `cannot reach the collector: ${(e as Error).message}` } as ApiResult<T>['body'] };
    }
    const text = await r.text();
    let parsed: unknown = {};
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      parsed = { text };
    }
    return { ok: r.ok, status: r.status, body: parsed as ApiResult<T>['body'] };
  }

  async load(): Promise<void> {
    const me = await this.request<Me>('GET', '/api/v1/access/me');
    if (!me.ok) {
      this.me = { via: null, scope: null, canEdit: false };
      this.loadError = me.status === 401 ? 'This browser is not on the Radiator machine: sign in with an admin token to edit.' : (me.body.message ?? `HTTP ${me.status}`);
      return;
    }
    this.me = me.body;
    this.loadError = null;
    if (me.body.canEdit) await this.loadSections();
  }

  async loadSections(): Promise<void> {
    const r = await this.request<SectionsResponse>('GET', '/api/v1/config/sections');
    if (r.ok) this.sections = r.body.sections;
    else this.loadError = r.body.message ?? `HTTP ${r.status}`;
  }

  /** A write with a way back. On success the entry joins the undo history. */
  async save(label: string, method: string, path: string, body: unknown, undo: (() => Promise<ApiResult>) | null, headers: Record<string, string> = {}): Promise<ApiResult> {
    this.busy = true;
    try {
      const r = await this.request(method, path, body, 'application/json', headers);
      if (r.ok) {
        if (undo) this.history = [{ label, restore: undo }, ...this.history].slice(0, UNDO_DEPTH);
        const restart = (r.body as { restartRequired?: boolean }).restartRequired;
        this.notice = { kind: 'ok', text: restart ? `${label} — saved; it takes effect when Radiator restarts.` : `${label} — done; every open screen shows it.` };
      } else {
        this.notice = { kind: 'error', text: `${label} — not saved: ${describe(r)}` };
      }
      return r;
    } finally {
      this.busy = false;
    }
  }

  /** Adds a way back for a change made by other means than save(). */
  remember(label: string, restore: () => Promise<ApiResult>): void {
    this.history = [{ label, restore }, ...this.history].slice(0, UNDO_DEPTH);
  }

  /** Saves a section as this page loaded it: a section changed meanwhile (another tab, a hand
   * edit) is not overwritten — the server answers SETTINGS_STALE, and the page reloads it. */
  async saveSection(name: UiSection, label: string, value: unknown): Promise<ApiResult> {
    const loaded = this.sections?.[name];
    const before = loaded?.value;
    const headers: Record<string, string> = loaded?.revision ? { 'If-Match': `"${loaded.revision}"` } : {};
    const r = await this.save(label, 'PUT', `/api/v1/config/sections/${name}`, value, before === undefined ? null : () => this.request('PUT', `/api/v1/config/sections/${name}`, before), headers);
    if (r.ok) await this.loadSections();
    else if (r.body.code === 'SETTINGS_STALE') {
      await this.loadSections();
      this.notice = { kind: 'error', text: `${label} — not saved: this section was changed elsewhere (another tab, or the settings file) since this page loaded it. It now shows what is saved; make your change again.` };
    }
    return r;
  }

  async undo(): Promise<void> {
    const [last, ...rest] = this.history;
    if (!last) return;
    this.busy = true;
    try {
      const r = await last.restore();
      if (r.ok) {
        this.history = rest;
        this.notice = { kind: 'info', text: `Undone: ${last.label}.` };
        await this.loadSections();
      } else {
        this.notice = { kind: 'error', text: `Could not undo ${last.label}: ${describe(r)}` };
      }
    } finally {
      this.busy = false;
    }
  }
}

/** An API failure in a sentence. */
export function describe(r: ApiResult): string {
  if (r.status === 0) return r.body.message ?? 'the collector did not answer';
  const problems = r.body.problems;
  if (problems && problems.length > 0) return `${problems.length === 1 ? 'one problem' : `${problems.length} problems`}, shown next to the fields`;
  return r.body.message ?? `HTTP ${r.status}`;
}
