import { z } from 'zod';
import { secretRefSchema } from '../core/secret.ts';
import { SEVERITIES } from './alert.ts';
import { revocationConfigSchema } from './revocation/config.ts';

const sinkName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'expected a lower-case name of letters, digits, _ and -');

const httpTarget = {
  /** Name in logs, metrics and the delivery tables; unique across sinks. */
  name: sinkName,
  /** Target URL. Only this host is contacted: redirects to another host are rejected. */
  url: z.url({ protocol: /^https?$/ }),
  /** Time limit of one request, in milliseconds; the request is aborted when it passes. */
  timeoutMs: z.number().int().positive().default(10_000),
};

/** Standard Webhooks secrets are `whsec_` followed by the base64 key. */
const webhookSecret = secretRefSchema;

export const webhookSinkSchema = z.strictObject({
  type: z.literal('webhook'),
  ...httpTarget,
  /**
   * Signing secrets. Every secret signs each message, so a receiver that has either the old or the
   * new secret during a rotation accepts it.
   */
  secrets: z.array(webhookSecret).min(1),
});

export const splunkSinkSchema = z.strictObject({
  type: z.literal('splunk'),
  ...httpTarget,
  /** HEC token, sent as `Authorization: Splunk <token>`. */
  token: secretRefSchema,
  index: z.string().min(1).optional(),
  source: z.string().min(1).default('eastwatch'),
  sourcetype: z.string().min(1).default('eastwatch:alert'),
});

export const elasticSinkSchema = z.strictObject({
  type: z.literal('elastic'),
  ...httpTarget,
  /** Index (or data stream) the documents are created in. */
  index: z.string().min(1).default('eastwatch-alerts'),
  /** `Authorization: ApiKey <key>` when set. */
  apiKey: secretRefSchema.optional(),
});

export const kafkaSinkSchema = z.strictObject({
  type: z.literal('kafka'),
  name: sinkName,
  topic: z.string().min(1),
  format: z.enum(['json', 'avro']).default('json'),
  /** Time limit for one produce request, in milliseconds. */
  timeoutMs: z.number().int().positive().default(10_000),
});

export const sinkConfigSchema = z.discriminatedUnion('type', [
  webhookSinkSchema,
  splunkSinkSchema,
  elasticSinkSchema,
  kafkaSinkSchema,
]);

export type SinkConfig = z.infer<typeof sinkConfigSchema>;

export const deliveryConfigSchema = z
  .strictObject({
    /** First retry delay, in milliseconds; each retry doubles it, up to `maxDelayMs`. */
    initialDelayMs: z.number().int().positive().default(500),
    maxDelayMs: z.number().int().positive().default(60_000),
    /** Attempts per alert and sink before the outbox row is marked failed; 0 retries forever. */
    maxAttempts: z.number().int().min(0).default(0),
    /** Concurrent requests per sink. */
    maxInFlight: z.number().int().positive().default(4),
    /** Consecutive failures that open a sink's circuit breaker. */
    breakerFailureThreshold: z.number().int().positive().default(5),
    /** How long an open breaker rejects attempts before one probe is let through, in milliseconds. */
    breakerOpenMs: z.number().int().positive().default(30_000),
  })
  .prefault({});

export const allowlistRuleSchema = z.strictObject({
  /** Principal the rule covers; `*` matches any. */
  principal: z.string().min(1).default('*'),
  /** Route (as in findings' `route` evidence) the rule covers; absent matches any. */
  route: z.string().min(1).optional(),
  /** Network in CIDR form that every source address of the alert must fall in. */
  network: z.string().min(1).optional(),
  /** Start and end of the time range the alert's window must lie in (ISO 8601). */
  from: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  /** Reason the traffic is expected, stored as the dismissed alert's status reason. */
  reason: z.string().min(1),
  /** When the rule stops applying (ISO 8601); required so that no exception lives forever. */
  expiresAt: z.iso.datetime({ offset: true }),
});

export type AllowlistRule = z.infer<typeof allowlistRuleSchema>;

/** Settings of the `alerts` section. */
export const alertsConfigSchema = z
  .strictObject({
    sinks: z.array(sinkConfigSchema).default([]),
    delivery: deliveryConfigSchema,
    /** One alert per principal and detector set within this window, in milliseconds. */
    suppressionWindowMs: z.number().int().min(0).default(3_600_000),
    /** Minimum severity delivered to the sinks; lower alerts are only stored. */
    minSeverity: z.enum(SEVERITIES).default('low'),
    allowlist: z.array(allowlistRuleSchema).default([]),
    revocation: revocationConfigSchema,
  })
  .prefault({})
  .superRefine((value, context) => {
    const seen = new Set<string>();
    for (const [index, sink] of value.sinks.entries()) {
      if (seen.has(sink.name) || sink.name === 'revocation') {
        context.addIssue({
          code: 'custom',
          path: ['sinks', index, 'name'],
          message: `sink name ${sink.name} is used twice or reserved; give each sink its own name`,
        });
      }
      seen.add(sink.name);
    }
  });

export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
export type DeliveryConfig = AlertsConfig['delivery'];
