// Exposes the IPC contract, and nothing else, on `window.radiator`. Never raw ipcRenderer.
import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CHANNELS, type RadiatorBridge } from '../shared/ipc-contract.ts';

const bridge: RadiatorBridge = {
  getInfo: () => ipcRenderer.invoke(IPC_CHANNELS.getInfo),
  openExternal: (url) => ipcRenderer.invoke(IPC_CHANNELS.openExternal, url),
  exitKiosk: (pin) => ipcRenderer.invoke(IPC_CHANNELS.exitKiosk, pin),
};

contextBridge.exposeInMainWorld('radiator', bridge);
