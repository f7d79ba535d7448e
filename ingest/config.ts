import { z } from 'zod';

/** Settings of the `ingest` section. */
export const ingestConfigSchema = z.strictObject({}).prefault({});

export type IngestConfig = z.infer<typeof ingestConfigSchema>;
