import { z } from 'zod';

/** Settings of the `score` section. */
export const scoreConfigSchema = z.strictObject({}).prefault({});

export type ScoreConfig = z.infer<typeof scoreConfigSchema>;
