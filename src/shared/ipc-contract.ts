// The one typed IPC contract between the Electron shell and its renderers. The preload exposes
// exactly this on `window.radiator`; `src/main/shell/ipc.ts` is the only place that handles it,
// and checks every call's arguments against the schemas here before acting.

import { z } from 'zod';

export interface AppInfo {
  version: string;
  /** The collector's HTTP API the screens read from, e.g. http://127.0.0.1:7070 (or the remote
   * Radiator this desktop follows). */
  apiUrl: string;
  /** For a remote Radiator that asks for one. */
  token: string | null;
  kiosk: boolean;
  /** Set when the settings file could not be used and the app started on the defaults. */
  settingsProblem: { problems: string[]; keptAs: string } | null;
  /** Leaves kiosk mode (Electron accelerator syntax). */
  exitShortcut: string;
  /** Leaving kiosk mode asks for a PIN. */
  pinRequired: boolean;
  /** The pointer hides after this long without moving. */
  hideCursorAfterMs: number;
}

export const IPC_ARGS = {
  getInfo: z.tuple([]),
  /** Open an http(s) link the user configured (a runbook) in the default browser. */
  openExternal: z.tuple([z.string().max(2_000)]),
  /** Leave kiosk mode; the PIN when one is set. */
  exitKiosk: z.tuple([z.string().max(12).nullable()]),
} as const;

export interface IpcResults {
  getInfo: AppInfo;
  openExternal: { opened: boolean };
  exitKiosk: { left: boolean; reason?: string };
}

export type IpcChannel = keyof typeof IPC_ARGS;

export const IPC_CHANNELS: { readonly [K in IpcChannel]: string } = {
  getInfo: 'radiator:get-info',
  openExternal: 'radiator:open-external',
  exitKiosk: 'radiator:exit-kiosk',
};

/** What the renderer sees on `window.radiator` (the Electron event stripped). */
export type RadiatorBridge = {
  [K in IpcChannel]: (...args: z.input<(typeof IPC_ARGS)[K]>) => Promise<IpcResults[K]>;
};

/** The arguments of a call, checked; throws with a message naming the channel and the problem. */
export function checkIpcArgs<K extends IpcChannel>(channel: K, args: unknown[]): z.output<(typeof IPC_ARGS)[K]> {
  const r = IPC_ARGS[channel].safeParse(args);
  if (!r.success) throw new Error(`${channel}: bad arguments: ${r.error.issues.map((i) => `${i.path.join('.') || 'args'}: ${i.message}`).join('; ')}`);
  return r.data as z.output<(typeof IPC_ARGS)[K]>;
}
