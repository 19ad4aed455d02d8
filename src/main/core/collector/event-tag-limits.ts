// Limits on an event's tags given as an object (`"tags": {"key": "value"}`), checked by validateEvent
// (json.ts) on the posted body before it turns them into "key:value" strings, which bounds
// only their number there. Refused, not truncated: a tag is what events are filtered by, so a cut
// one would silently stop matching; the sender is told which limit, as for a title or a text.

import { RadiatorError } from '../../../shared/errors.ts';
import { MAX_EVENT_TAG_KEY_CHARS, MAX_EVENT_TAG_VALUE_CHARS, MAX_EVENT_TAGS } from '../../../shared/limits.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const preview = (s: string) => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);

/** Throws INVALID_EVENT (with `limit`) when object-form tags pass a limit; anything else is left
 * to validateEvent. Lengths are in characters (UTF-16 units), as the "key:value" form's are. */
export function checkEventTagLimits(body: unknown): void {
  if (!isObject(body) || !isObject(body.tags)) return;
  const bad = (message: string, limit: number): never => {
    throw new RadiatorError('INVALID_EVENT', message, { limit });
  };
  const keys = Object.keys(body.tags);
  if (keys.length > MAX_EVENT_TAGS) bad(`"tags" has ${keys.length} entries; at most ${MAX_EVENT_TAGS} (MAX_EVENT_TAGS)`, MAX_EVENT_TAGS);
  for (const k of keys) {
    if (k.length === 0 || k.length > MAX_EVENT_TAG_KEY_CHARS) bad(`"tags" key ${preview(k)} is ${k.length} characters; a key must be 1–${MAX_EVENT_TAG_KEY_CHARS} (MAX_EVENT_TAG_KEY_CHARS)`, MAX_EVENT_TAG_KEY_CHARS);
    const v = String(body.tags[k]);
    if (v.length > MAX_EVENT_TAG_VALUE_CHARS) bad(`"tags.${k}" is ${v.length} characters; a value may have at most ${MAX_EVENT_TAG_VALUE_CHARS} (MAX_EVENT_TAG_VALUE_CHARS)`, MAX_EVENT_TAG_VALUE_CHARS);
  }
}
