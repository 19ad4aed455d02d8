// Scoped access tokens (read, ingest, admin) for clients that are not on this machine. A token is
// shown once, when it is made; only its SHA-256 is kept (in the store's key-value table, so it
// survives restarts and never lands in the settings file a team may keep in git). Tokens carry
// 256 random bits, so a plain hash is enough: there is nothing to brute-force a salt against.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { RadiatorError } from '../../../shared/errors.ts';
import { ACCESS_TOKEN_LAST_USED_WRITE_MS, MAX_ACCESS_TOKENS } from '../../../shared/limits.ts';
import type { Scope } from './route-scope.ts';
import { SCOPES } from './route-scope.ts';

const NS = 'access-tokens';
/** Marks Radiator's tokens in logs and secret scanners. */
const PREFIX = 'rdtk_';

export interface TokenInfo {
  id: string;
  name: string;
  scope: Scope;
  createdAt: number;
  lastUsedAt: number | null;
  /** The first characters of the token, so people can tell theirs apart; never enough to use. */
  hint: string;
}

interface StoredToken extends TokenInfo {
  sha256: string;
}

/** The part of the store this needs (a fake in unit tests). */
export interface KeyValue {
  kvList<T>(ns: string): Array<[string, T]>;
  kvSet(ns: string, key: string, value: unknown): void;
  kvDelete(ns: string, key: string): void;
}

const hash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export class TokenStore {
  private readonly kv: KeyValue;
  private readonly now: () => number;
  /** sha256 → token: a lookup per request must not read SQLite. */
  private readonly byHash = new Map<string, StoredToken>();
  private readonly written = new Map<string, number>();

  constructor(kv: KeyValue, now: () => number = Date.now) {
    this.kv = kv;
    this.now = now;
    for (const [, t] of kv.kvList<StoredToken>(NS)) if (typeof t?.sha256 === 'string' && (SCOPES as readonly string[]).includes(t.scope)) this.byHash.set(t.sha256, t);
  }

  list(): TokenInfo[] {
    return [...this.byHash.values()].map(({ sha256: _h, ...info }) => info).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Makes a token; the answer is the only time its value is seen. */
  create(name: string, scope: Scope): { token: string; info: TokenInfo } {
    const clean = name.trim();
    if (clean.length < 1 || clean.length > 80) throw new RadiatorError('INVALID_PARAMETER', `name = ${JSON.stringify(name)}: must be 1–80 characters`);
    if (!(SCOPES as readonly string[]).includes(scope)) throw new RadiatorError('INVALID_PARAMETER', `scope = ${JSON.stringify(scope)}: must be one of ${SCOPES.join(', ')}`);
    if (this.byHash.size >= MAX_ACCESS_TOKENS) throw new RadiatorError('INVALID_PARAMETER', `there are already ${MAX_ACCESS_TOKENS} tokens; revoke one first`, { limit: MAX_ACCESS_TOKENS });
    const token = PREFIX + randomBytes(32).toString('base64url');
    const stored: StoredToken = { id: randomUUID(), name: clean, scope, createdAt: this.now(), lastUsedAt: null, hint: token.slice(0, PREFIX.length + 4), sha256: hash(token) };
    this.kv.kvSet(NS, stored.id, stored);
    this.byHash.set(stored.sha256, stored);
    const { sha256: _h, ...info } = stored;
    return { token, info };
  }

  revoke(id: string): boolean {
    for (const [h, t] of this.byHash) {
      if (t.id !== id) continue;
      this.byHash.delete(h);
      this.kv.kvDelete(NS, id);
      return true;
    }
    return false;
  }

  /** The token a request presented, if it is one of ours; notes when it was last used. */
  verify(given: string): TokenInfo | null {
    if (!given.startsWith(PREFIX)) return null;
    // A map lookup by the hash: the secret itself is never compared, so timing tells nothing.
    const t = this.byHash.get(hash(given));
    if (!t) return null;
    const now = this.now();
    t.lastUsedAt = now;
    // Persisted now and then, not on every request.
    if (now - (this.written.get(t.id) ?? -Infinity) >= ACCESS_TOKEN_LAST_USED_WRITE_MS) {
      this.written.set(t.id, now);
      this.kv.kvSet(NS, t.id, t);
    }
    const { sha256: _h, ...info } = t;
    return info;
  }
}
