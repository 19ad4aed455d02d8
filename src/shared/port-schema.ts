// Listener ports in settings: one schema, so every port is refused with the same words.
import { z } from 'zod';

/** 0 asks the OS for any free port (the listener line says which it got). */
export const port = z
  .number({ error: 'must be a port number' })
  .int({ error: 'must be a whole number' })
  .min(0, { error: 'must be between 0 and 65535' })
  .max(65535, { error: 'must be between 0 and 65535' });

/** A port, or `false` for "this receiver is off". */
export const portOrOff = z.union([port, z.literal(false)], { error: 'must be a port number (0–65535) or false to turn it off' });
