// The only place IPC handlers are registered. Every call's sender must be one of the app's own
// pages, and its arguments must match the contract's schemas.
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { checkIpcArgs, IPC_CHANNELS, type IpcChannel, type IpcResults, IPC_ARGS } from '../../shared/ipc-contract.ts';
import type { z } from 'zod';
import { isAllowedNavigation } from './window-options.ts';

export type IpcHandlers = {
  [K in IpcChannel]: (...args: z.output<(typeof IPC_ARGS)[K]>) => IpcResults[K] | Promise<IpcResults[K]>;
};

export function registerIpc(handlers: IpcHandlers): void {
  const trusted = (e: IpcMainInvokeEvent) => {
    const url = e.senderFrame?.url ?? '';
    if (!isAllowedNavigation(url)) throw new Error(`IPC refused from ${url || 'an unknown frame'}`);
  };
  for (const channel of Object.keys(IPC_CHANNELS) as IpcChannel[]) {
    ipcMain.handle(IPC_CHANNELS[channel], (e, ...args: unknown[]) => {
      trusted(e);
      const checked = checkIpcArgs(channel, args) as unknown[];
      return (handlers[channel] as (...a: unknown[]) => unknown)(...checked);
    });
  }
}
