import type { z } from 'zod';
import type {
  elasticSinkSchema,
  kafkaSinkSchema,
  splunkSinkSchema,
  webhookSinkSchema,
} from '../config.ts';

export type WebhookSinkConfig = z.infer<typeof webhookSinkSchema>;
export type SplunkSinkConfig = z.infer<typeof splunkSinkSchema>;
export type ElasticSinkConfig = z.infer<typeof elasticSinkSchema>;
export type KafkaSinkConfig = z.infer<typeof kafkaSinkSchema>;
