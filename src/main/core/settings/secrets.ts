// Secrets in settings sections (tokens, passwords, webhook headers and secrets) never go back to
// a page: the settings UI gets SECRET_KEPT in their place, and a SECRET_KEPT that comes back is
// replaced by the secret the server has at the same place (list entries matched by id), so
// saving a form the user did not touch keeps every secret as it was.

import { SECRET_KEPT } from '../../../shared/settings-sections.ts';

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
};

function walk(value: unknown, path: string[], fn: (v: unknown, counterpart: (other: unknown) => unknown) => unknown, other: unknown): unknown {
  if (path.length === 0) return fn(value, () => other);
  const [head, ...rest] = path;
  if (head === '[]') {
    if (!Array.isArray(value)) return value;
    return value.map((item) => {
      const id = isObj(item) ? item.id : undefined;
      const match = Array.isArray(other) ? other.find((o) => isObj(o) && o.id === id) : undefined;
      return walk(item, rest, fn, match);
    });
  }
  if (!isObj(value)) return value;
  if (head === '*') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, rest, fn, isObj(other) ? other[k] : undefined)]));
  }
  if (!(head! in value)) return value;
  return { ...value, [head!]: walk(value[head!], rest, fn, isObj(other) ? other[head!] : undefined) };
}

/** The section with every secret shown as SECRET_KEPT (null and absent stay as they are). */
export function redactSecrets(section: string, value: unknown): unknown {
  let out = value;
  for (const path of SECRET_PATHS[section] ?? []) out = walk(out, path, (v) => (typeof v === 'string' && v !== '' ? SECRET_KEPT : v), undefined);
  return out;
}

/** The incoming section with each SECRET_KEPT replaced by the current secret at the same place.
 * A SECRET_KEPT with nothing to keep (a new entry) is left, and the schema refuses it by name. */
export function restoreSecrets(section: string, incoming: unknown, current: unknown): unknown {
  let out = incoming;
  for (const path of SECRET_PATHS[section] ?? []) {
    out = walk(out, path, (v, counterpart) => (v === SECRET_KEPT ? (counterpart(undefined) ?? v) : v), current);
  }
  return out;
}

/** Any SECRET_KEPT still in a value (one with no secret behind it). */
export function keptWithoutSecret(value: unknown, path = ''): string[] {
  if (value === SECRET_KEPT) return [`${path || '(value)'} = "${SECRET_KEPT}": there is no saved secret to keep here; type the secret`];
  if (Array.isArray(value)) return value.flatMap((v, i) => keptWithoutSecret(v, path ? `${path}.${i}` : String(i)));
  if (isObj(value)) return Object.entries(value).flatMap(([k, v]) => keptWithoutSecret(v, path ? `${path}.${k}` : k));
  return [];
}
