import { z } from 'zod';

/** How the records of one topic are parsed and normalised. */
export const sourceConfigSchema = z.strictObject({
  topic: z.string().min(1),
});

export type SourceConfig = z.infer<typeof sourceConfigSchema>;
