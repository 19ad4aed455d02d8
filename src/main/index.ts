// The Electron main process entry. Everything Electron lives in ./shell/.
import './shell/app.ts';
