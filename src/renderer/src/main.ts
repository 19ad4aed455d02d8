// The renderer's entry: one Svelte app, the same in Electron and in any browser.
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

mount(App, { target: document.getElementById('app')! });
