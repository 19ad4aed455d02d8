// The one typed IPC contract between the Electron shell and its renderers. The preload exposes
// exactly this on `window.radiator`; `src/main/shell/ipc.ts` is the only place that handles it.

export interface AppInfo {
  version: string;
  /** The core's HTTP API, e.g. http://127.0.0.1:7070 */
  apiUrl: string;
  dataDir: string;
  kiosk: boolean;
}

export interface IpcContract {
  getInfo: { args: []; result: AppInfo };
}

export type IpcChannel = keyof IpcContract;

export const IPC_CHANNELS: { readonly [K in IpcChannel]: string } = {
  getInfo: 'radiator:get-info',
};

/** What the renderer sees on `window.radiator` (the Electron event stripped). */
export type RadiatorBridge = {
  [K in IpcChannel]: (...args: IpcContract[K]['args']) => Promise<IpcContract[K]['result']>;
};
