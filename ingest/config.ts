import { z } from 'zod';
import { sourceConfigSchema } from './source-config.ts';

/** Settings of the `ingest` section. */
export const ingestConfigSchema = z
  .strictObject({
    /** One entry per access-log topic: its format and how the principal is found. */
    sources: z.array(sourceConfigSchema).default([]),
  })
  .prefault({});

export type IngestConfig = z.infer<typeof ingestConfigSchema>;
