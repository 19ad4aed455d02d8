// A data source as a setting: a Prometheus-compatible server (Prometheus, Thanos, Mimir,
// VictoriaMetrics) that panels, rules and feeds may read instead of the embedded store. Its own
// module so the settings UI and the "Test" endpoint validate one source with the same schema.

import { z } from 'zod';
import { durationSchema } from './duration-schema.ts';

export const SourceSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'must be 1–64 lower-case letters, digits, - or _' })
      .refine((v) => v !== 'embedded', { error: '"embedded" is the built-in source' }),
    name: z.string().min(1).max(100),
    type: z.literal('prometheus').default('prometheus'),
    url: z.string().regex(/^https?:\/\/[^\s]+$/, { error: 'must be an http(s) URL' }),
    auth: z
      .union([
        z.object({ type: z.literal('bearer'), token: z.string().min(1) }).strict(),
        z.object({ type: z.literal('basic'), username: z.string().min(1), password: z.string() }).strict(),
      ])
      .nullable()
      .default(null),
    timeout: durationSchema(100, 120_000).default(10_000),
  })
  .strict();

export type SourceSettings = z.output<typeof SourceSchema>;
export type SourceSettingsInput = z.input<typeof SourceSchema>;
