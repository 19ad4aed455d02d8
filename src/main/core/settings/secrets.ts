// Secrets in settings sections (tokens, passwords, webhook headers and secrets) never go back to
// a page: the settings UI gets SECRET_KEPT in their place, and a SECRET_KEPT that comes back is
// replaced by the secret the server has at the same place (list entries matched by id), so
// saving a form the user did not touch keeps every secret as it was. URLs that carry a secret
// (user:password@, ?token=, a Slack webhook's key) are shown with URL_SECRET_MARK in its place
// and come back whole only when nothing else in them changed. A kept secret stays with the URL it
// was saved for: an entry whose `url` changed gets none back, so it is never sent somewhere new.

import { SECRET_KEPT } from '../../../shared/settings-sections.ts';
import { hasSecret, redactUrl, URL_SECRET_MARK } from '../../../shared/redact.ts';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where secrets are, per section: a path of keys, `[]` meaning "each list entry, by id", `*`
 * meaning "every value of this map". */
const SECRET_PATHS: Record<string, string[][]> = {
  server: [['token']],
  sources: [['[]', 'auth', 'token'], ['[]', 'auth', 'password']],
  alerts: [['webhooks', '[]', 'headers', '*']],
  shell: [['remote', 'token']],
  pipeline: [['webhooks', '[]', 'secret'], ['cctray', '[]', 'auth', 'token'], ['cctray', '[]', 'auth', 'password']],
  scrape: [['targets', '[]', 'auth', 'token'], ['targets', '[]', 'auth', 'password']],
  remoteWrite: [['[]', 'auth', 'token'], ['[]', 'auth', 'password'], ['[]', 'headers', '*']],
};

/** URLs that may carry a secret in themselves, per section (same path syntax). */
const URL_PATHS: Record<string, string[][]> = {
  sources: [['[]', 'url']],
  alerts: [['webhooks', '[]', 'url']],
  shell: [['remote', 'url']],
  pipeline: [['cctray', '[]', 'url']],
  scrape: [['targets', '[]', 'url']],
  remoteWrite: [['[]', 'url']],
};

/** An object's secrets belong to its `url`: when the incoming one names another URL than the
 * saved one, there is nothing to keep from the saved one. */
function sameTarget(value: unknown, other: unknown): boolean {
  if (!isObj(value) || !isObj(other)) return true;
  return typeof value.url !== 'string' || typeof other.url !== 'string' || value.url === other.url;
}

type Fn = (v: unknown, counterpart: (other: unknown) => unknown) => unknown;

/** `bound`: the counterpart stops where the URLs differ (off only while restoring the URLs). */
function walk(value: unknown, path: string[], fn: Fn, other: unknown, bound = true): unknown {
  if (path.length === 0) return fn(value, () => other);
  if (bound && !sameTarget(value, other)) other = undefined;
  const [head, ...rest] = path;
  if (head === '[]') {
    if (!Array.isArray(value)) return value;
    return value.map((item) => {
      const id = isObj(item) ? item.id : undefined;
      const match = Array.isArray(other) ? other.find((o) => isObj(o) && o.id === id) : undefined;
      return walk(item, rest, fn, match, bound);
    });
  }
  if (!isObj(value)) return value;
  if (head === '*') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, rest, fn, isObj(other) ? other[k] : undefined, bound)]));
  }
  if (!(head! in value)) return value;
  return { ...value, [head!]: walk(value[head!], rest, fn, isObj(other) ? other[head!] : undefined, bound) };
}

/** The section with every secret shown as SECRET_KEPT (null and absent stay as they are). */
export function redactSecrets(section: string, value: unknown): unknown {
  let out = value;
  for (const path of SECRET_PATHS[section] ?? []) out = walk(out, path, (v) => (typeof v === 'string' && v !== '' ? SECRET_KEPT : v), undefined);
  for (const path of URL_PATHS[section] ?? []) out = walk(out, path, (v) => (typeof v === 'string' ? redactUrl(v) : v), undefined);
  return out;
}

/** The incoming section with each SECRET_KEPT replaced by the current secret at the same place.
 * A SECRET_KEPT with nothing to keep (a new entry) is left, and the schema refuses it by name. */
export function restoreSecrets(section: string, incoming: unknown, current: unknown): unknown {
  let out = incoming;
  // URLs first: the other secrets are kept only where the (restored) URL is the saved one.
  for (const path of URL_PATHS[section] ?? []) {
    out = walk(out, path, (v, counterpart) => {
      const saved = counterpart(undefined);
      return typeof v === 'string' && typeof saved === 'string' && v !== saved && v === redactUrl(saved) ? saved : v;
    }, current, false);
  }
  for (const path of SECRET_PATHS[section] ?? []) {
    out = walk(out, path, (v, counterpart) => (v === SECRET_KEPT ? (counterpart(undefined) ?? v) : v), current);
  }
  return out;
}

/** A URL that still holds URL_SECRET_MARK where a secret goes (one restoreSecrets did not fill). */
export function urlWithKeptMark(v: string): boolean {
  return v.includes(URL_SECRET_MARK) && /^[a-z][a-z0-9+.-]*:\/\//i.test(v) && hasSecret(v.split(URL_SECRET_MARK).join('kept'));
}

/** Any SECRET_KEPT still in a value (one with no secret behind it), and any URL still redacted. */
export function keptWithoutSecret(value: unknown, path = ''): string[] {
  if (value === SECRET_KEPT) return [`${path || '(value)'} = "${SECRET_KEPT}": there is no saved secret to keep here (a kept secret stays with the URL it was saved for); type the secret`];
  if (typeof value === 'string' && urlWithKeptMark(value)) {
    return [`${path || '(value)'} = "${value}": "${URL_SECRET_MARK}" stands for a secret kept only for this URL exactly as it was saved; type the secret again in the changed URL`];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => keptWithoutSecret(v, path ? `${path}.${i}` : String(i)));
  if (isObj(value)) return Object.entries(value).flatMap(([k, v]) => keptWithoutSecret(v, path ? `${path}.${k}` : k));
  return [];
}
