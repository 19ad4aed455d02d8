// The desktop app's own settings — kiosk windows, the tray and its notifications, start-up, and
// following a remote Radiator — as one section (`shell`) of the same settings file and schema the
// core uses. `radiator serve` reads and keeps it but has no use for it.

import { z } from 'zod';
import { durationSchema } from './duration-schema.ts';
import { SEVERITIES } from './alert-rules.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time like 22:00' });

/** Electron accelerator syntax, e.g. "CommandOrControl+Shift+Q". */
const accelerator = z
  .string()
  .regex(/^((CommandOrControl|CmdOrCtrl|Command|Cmd|Control|Ctrl|Alt|Option|AltGr|Shift|Super|Meta)\+)+([A-Z0-9]|F\d{1,2}|Escape|Esc|Delete|Backspace|Space|Tab|Home|End)$/, {
    error: 'must be a shortcut like CommandOrControl+Shift+Q (modifiers + one key)',
  });

export const KioskScreenSchema = z
  .object({
    /** "primary", or a display's index in the order the OS lists them (0, 1, …). */
    display: z.union([z.literal('primary'), z.number().int().min(0).max(15)]).default('primary'),
    /** A screen name from display.screens, or a playlist id: what this TV shows. */
    show: z.string().regex(/^[a-z0-9_-]{1,64}$/).optional(),
  })
  .strict();

export const ShellSettingsSchema = z
  .object({
    kiosk: z
      .object({
        /** Start in kiosk mode (also `npm start -- --kiosk`). */
        enabled: z.boolean().default(false),
        /** One full-screen window per entry. */
        screens: z.array(KioskScreenSchema).min(1).max(16).prefault([{}]),
        /** Leaves kiosk mode. */
        exitShortcut: accelerator.default('CommandOrControl+Shift+Q'),
        /** If set, leaving kiosk mode asks for this PIN. */
        pin: z.string().regex(/^\d{4,12}$/, { error: 'must be 4–12 digits' }).nullable().default(null),
        /** The pointer hides after this long without moving. */
        hideCursorAfter: durationSchema(1_000, 600_000).default(3_000),
        /** Keep the display from sleeping while a kiosk window is open. */
        keepAwake: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    tray: z
      .object({
        notifications: z
          .object({
            enabled: z.boolean().default(true),
            minSeverity: z.enum(SEVERITIES).default('warning'),
            /** At most this many notifications a minute (the rest are summed up in one). */
            maxPerMinute: z.number().int().min(1).max(60).default(6),
            /** The same alert in the same state notifies at most this often. */
            repeatInterval: durationSchema(0, 86_400_000).default(30 * 60_000),
            /** No notifications between these times (local), except for critical alerts if
             * `allowCritical`. */
            quietHours: z
              .object({ enabled: z.boolean().default(false), from: hhmm.default('19:00'), to: hhmm.default('08:00'), allowCritical: z.boolean().default(true) })
              .strict()
              .prefault({}),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    startAtLogin: z.boolean().default(false),
    /** Follow another Radiator (the team's TV machine) instead of starting a collector here. */
    remote: z
      .object({
        url: z.string().regex(/^https?:\/\/[^\s/]+(:\d+)?\/?$/, { error: 'must be an http(s) base URL like http://tv.local:7070' }),
        token: z.string().min(16).nullable().default(null),
      })
      .strict()
      .nullable()
      .default(null),
  })
  .strict();

export type ShellSettings = z.output<typeof ShellSettingsSchema>;
