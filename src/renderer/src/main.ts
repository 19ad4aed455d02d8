// The renderer's entry: one Svelte app, the same in Electron and in any browser. In the desktop
// app the page comes from app://radiator and learns from the shell where the collector is; in a
// browser it is served by the collector itself.
import { mount } from 'svelte';
import App from './App.svelte';
import type { AppInfo, RadiatorBridge } from '../../shared/ipc-contract.ts';
import './app.css';

const bridge = (window as unknown as { radiator?: RadiatorBridge }).radiator;
const info: AppInfo | null = bridge ? await bridge.getInfo() : null;
const params = new URLSearchParams(location.search);

const base = info?.apiUrl ?? location.origin;
const token = info?.token ?? params.get('token');
// The settings are their own view (`/settings`, or `?view=settings` in the desktop app): the boards
// screen never carries editing controls, and a TV never loads the editor's code (a separate chunk).
if (params.get('view') === 'settings' || location.pathname.replace(/\/+$/, '') === '/settings') {
  const { default: SettingsApp } = await import('./settings/SettingsApp.svelte');
  mount(SettingsApp, { target: document.getElementById('app')!, props: { base, token, info } });
} else {
  mount(App, { target: document.getElementById('app')!, props: { base, token, info, bridge: bridge ?? null } });
}
