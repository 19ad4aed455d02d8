import { describe, expect, it } from 'vitest';
import { matchesAccelerator } from '../../src/renderer/src/lib/accelerator.ts';

const key = (k: string, mods: Partial<{ ctrl: boolean; meta: boolean; shift: boolean; alt: boolean }> = {}) => ({
  key: k,
  ctrlKey: !!mods.ctrl,
  metaKey: !!mods.meta,
  shiftKey: !!mods.shift,
  altKey: !!mods.alt,
});

describe('accelerators', () => {
  it('match CommandOrControl as Ctrl elsewhere and Cmd on a Mac', () => {
    expect(matchesAccelerator('CommandOrControl+Shift+Q', key('Q', { ctrl: true, shift: true }), false)).toBe(true);
    expect(matchesAccelerator('CommandOrControl+Shift+Q', key('q', { meta: true, shift: true }), true)).toBe(true);
    expect(matchesAccelerator('CommandOrControl+Shift+Q', key('q', { meta: true, shift: true }), false)).toBe(false);
  });
  it('need exactly the modifiers named', () => {
    expect(matchesAccelerator('Ctrl+Shift+Q', key('Q', { ctrl: true }), false)).toBe(false);
    expect(matchesAccelerator('Ctrl+Shift+Q', key('Q', { ctrl: true, shift: true, alt: true }), false)).toBe(false);
    expect(matchesAccelerator('Alt+Esc', key('Escape', { alt: true }), false)).toBe(true);
  });
});
