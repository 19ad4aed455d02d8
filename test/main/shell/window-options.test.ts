import { describe, expect, it } from 'vitest';
import { isAllowedNavigation, windowOptions } from '../../../src/main/shell/window-options.ts';

describe('window options', () => {
  it('always isolate, sandbox and refuse Node in the renderer', () => {
    for (const kiosk of [true, false]) {
      const o = windowOptions({ kiosk, preload: '/p/index.cjs' });
      expect(o.webPreferences).toEqual({ preload: '/p/index.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false });
      expect(o.kiosk).toBe(kiosk);
      expect(o.fullscreen).toBe(kiosk);
    }
  });

  it('allow navigation only to the core that serves the boards', () => {
    expect(isAllowedNavigation('http://127.0.0.1:7070/board/2', 'http://127.0.0.1:7070')).toBe(true);
    expect(isAllowedNavigation('http://127.0.0.1:7071/', 'http://127.0.0.1:7070')).toBe(false);
    expect(isAllowedNavigation('https://evil.example/', 'http://127.0.0.1:7070')).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)', 'http://127.0.0.1:7070')).toBe(false);
  });
});
