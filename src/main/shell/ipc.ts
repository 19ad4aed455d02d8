// The only place IPC handlers are registered. Every message's sender is checked against the
// pages this app serves.
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { IPC_CHANNELS, type AppInfo } from '../../shared/ipc-contract.ts';
import { isAllowedNavigation } from './window-options.ts';

export function registerIpc(info: () => AppInfo): void {
  const trusted = (e: IpcMainInvokeEvent) => {
    const url = e.senderFrame?.url ?? '';
    if (!isAllowedNavigation(url, info().apiUrl)) throw new Error(`IPC refused from ${url || 'an unknown frame'}`);
  };
  ipcMain.handle(IPC_CHANNELS.getInfo, (e) => {
    trusted(e);
    return info();
  });
}
