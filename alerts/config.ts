import { z } from 'zod';

/** Settings of the `alerts` section. */
export const alertsConfigSchema = z.strictObject({}).prefault({});

export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
