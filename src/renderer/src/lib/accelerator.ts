// Whether a key press is an Electron accelerator like "CommandOrControl+Shift+Q" (for leaving
// kiosk mode from the page when a PIN has to be asked for).

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export function matchesAccelerator(accel: string, e: KeyPress, mac: boolean): boolean {
  const parts = accel.split('+');
  const key = parts.pop()!.toLowerCase();
  const want = { ctrl: false, meta: false, shift: false, alt: false };
  for (const p of parts.map((x) => x.toLowerCase())) {
    if (p === 'commandorcontrol' || p === 'cmdorctrl') want[mac ? 'meta' : 'ctrl'] = true;
    else if (p === 'command' || p === 'cmd' || p === 'super' || p === 'meta') want.meta = true;
    else if (p === 'control' || p === 'ctrl') want.ctrl = true;
    else if (p === 'shift') want.shift = true;
    else if (p === 'alt' || p === 'option' || p === 'altgr') want.alt = true;
  }
  const names: Record<string, string> = { esc: 'escape', space: ' ' };
  const pressed = e.key.toLowerCase();
  return (
    (pressed === key || pressed === names[key]) &&
    e.ctrlKey === want.ctrl &&
    e.metaKey === want.meta &&
    e.shiftKey === want.shift &&
    e.altKey === want.alt
  );
}
