import { z } from 'zod';

/** Settings of the `train` section. */
export const trainConfigSchema = z.strictObject({}).prefault({});

export type TrainConfig = z.infer<typeof trainConfigSchema>;
