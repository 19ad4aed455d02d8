// The settings sections the settings UI reads and writes as a whole (boards and playlists have
// their own routes), which of them apply at once and which at the next start, and how secrets
// travel: never back to the page — a kept secret comes and goes as SECRET_KEPT.

export const UI_SECTIONS = ['display', 'alerts', 'sources', 'shell', 'server', 'receivers', 'store', 'configDir', 'scrape', 'logs', 'client', 'pipeline', 'experiments', 'oncall', 'remoteWrite', 'recordingRules'] as const;
export type UiSection = (typeof UI_SECTIONS)[number];

/** Listeners, the store and the watched directory are set up at start. */
export const RESTART_REQUIRED: ReadonlySet<UiSection> = new Set(['server', 'receivers', 'store', 'configDir']);

/** Stands for a secret the server has and does not show; sent back unchanged, it keeps it.
 * 16 characters, so it passes the schemas' minimum lengths for tokens. */
export const SECRET_KEPT = '•••• kept ••••••';

export interface SectionState {
  /** The saved value (secrets as SECRET_KEPT). */
  value: unknown;
  /** A command-line flag sets it: not editable while running. */
  heldByFlag: boolean;
  restartRequired: boolean;
  /** Saved but not yet in effect (a restart section changed since the start). */
  pendingRestart: boolean;
  /** Which saved value this is: sent back as `If-Match` on a PUT, which is refused
   * (SETTINGS_STALE) when the section changed in between (another tab, a hand edit). */
  revision: string;
}

export interface SectionsResponse {
  sections: Record<UiSection, SectionState>;
}
