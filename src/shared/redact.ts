// Secrets inside text: the password (or token) in a URL's user-info, secret-looking query
// parameters, the key part of webhook URLs (Slack, Discord, Teams, any `/hooks/…`), and the
// credential after `Bearer`/`Basic`. One function for every API answer and log line that may
// carry a configured URL or an error about one. Pure string work (no URL parsing), so it also
// cleans free text such as "Get "https://u:p@h/x": refused"; it does not know which settings
// fields are secret (settings/secrets.ts does) and it cannot find a secret with no marker around it.

/** What a secret inside a URL or a line of text is replaced by. ASCII and URL-safe, so a
 * redacted URL stays a valid URL and a settings form can send it back unchanged. */
export const URL_SECRET_MARK = '***';

const M = URL_SECRET_MARK;

/** scheme://user:password@ or scheme://token@ (the user-info part of any URL). */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>]*)@/gi;

/** ?token=…, &access_token=…, ?api_key=…, ?key=…, ?password=…, ?sig=…, X-Amz-Signature=… */
const QUERY_SECRET = /([?&;](?:[a-z0-9_.-]*(?:token|key|secret|passw(?:or)?d|pwd|signature|credential|auth)[a-z0-9_.-]*|sig|code))=([^&#\s"'<>]*)/gi;

/** Webhook URLs whose path is the key: everything after the fixed prefix goes. */
const WEBHOOK_PATHS: RegExp[] = [
  // Slack: https://hooks.slack.com/services/T…/B…/secret (also /workflows/, /triggers/)
  /(\/\/hooks\.slack(?:-gov)?\.com\/[a-z]+\/)[^\s?#"'<>]+/gi,
  // Discord: /api/webhooks/<id>/<token>
  /(\/\/(?:[a-z0-9-]+\.)?discord(?:app)?\.com\/api\/webhooks\/)[^\s?#"'<>]+/gi,
  // Microsoft Teams and Power Automate connectors
  /(\/\/[a-z0-9.-]*\.webhook\.office\.com\/)[^\s?#"'<>]+/gi,
  /(\/\/outlook\.office(?:365)?\.com\/webhook\/)[^\s?#"'<>]+/gi,
  // Any other `/hooks/<key>`, `/webhook/<key>`, `/webhooks/<key>` (Mattermost, Zapier, Rocket.Chat, …)
  /(\/\/[^\s/"'<>]+(?:\/[^\s/?#"'<>]+)*?\/(?:hooks?|webhooks?)\/)[^\s?#"'<>]+/gi,
];

/** `Authorization: Bearer abc`, `Basic dXNlcjpw` in free text and header values. */
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/=-]{4,}/gi;

/** The text with every secret it recognises replaced by URL_SECRET_MARK. Idempotent. */
export function redactText(text: string): string {
  let out = text.replace(USERINFO, (_all, scheme: string, info: string) => {
    const colon = info.indexOf(':');
    // user:password → user:***; a user-info with no password is itself the token (https://ghp_x@github.com).
    return colon >= 0 ? `${scheme}${info.slice(0, colon)}:${M}@` : `${scheme}${M}@`;
  });
  for (const re of WEBHOOK_PATHS) out = out.replace(re, (_all, prefix: string) => `${prefix}${M}`);
  out = out.replace(QUERY_SECRET, (_all, name: string) => `${name}=${M}`);
  out = out.replace(AUTH_SCHEME, (_all, scheme: string, space: string) => `${scheme}${space}${M}`);
  return out;
}

/** A configured URL as it may be shown: the same URL with its secrets as URL_SECRET_MARK. */
export function redactUrl(url: string): string {
  return redactText(url);
}

/** Whether a URL (or text) holds a secret redactText would hide. */
export function hasSecret(text: string): boolean {
  return redactText(text) !== text;
}

/** A log function that never writes a secret redactText recognises. */
export function redactingLog(log: (line: string) => void): (line: string) => void {
  return (line) => log(redactText(line));
}
