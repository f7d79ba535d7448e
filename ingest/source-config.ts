import { IANAZone } from 'luxon';
import { z } from 'zod';

/** Log formats a topic can carry. `auto` detects the format of each record on its own. */
export const LOG_FORMATS = [
  'nginx',
  'apache',
  'nginx-json',
  'envoy',
  'envoy-json',
  'alb',
  'cloudtrail',
  'cloudflare',
  'k8s-audit',
  'traefik',
  'haproxy',
  'json',
  'avro',
  'auto',
] as const;

export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * A principal rule, one of: `user` (remote user), `ip` (client address), `header:NAME` (a request
 * header the log carries), `jwt:CLAIM` (a claim of the bearer token in the log, decoded but not
 * verified), `field:PATH` (a dotted path into a JSON or Avro record), `mtls` (URI SAN or SPIFFE id).
 */
export const principalRuleSchema = z
  .string()
  .regex(
    /^(user|ip|mtls|header:[A-Za-z0-9_-]{1,128}|jwt:[A-Za-z0-9_.:/-]{1,128}|field:[A-Za-z0-9_.@$:/-]{1,256})$/,
    'expected user, ip, mtls, header:NAME, jwt:CLAIM or field:PATH',
  );

/** Dotted paths into a JSON record, one per canonical field, for the `json` format. */
export const fieldMappingSchema = z.strictObject({
  timestamp: z.string().min(1),
  /** Unit of a numeric timestamp; strings are parsed as ISO 8601. */
  timestampUnit: z.enum(['s', 'ms', 'us', 'ns']).default('ms'),
  requestId: z.string().min(1).optional(),
  remoteUser: z.string().min(1).optional(),
  sourceIp: z.string().min(1).optional(),
  userAgent: z.string().min(1).optional(),
  method: z.string().min(1).optional(),
  host: z.string().min(1).optional(),
  /** Request target; a query string after `?` is removed from the stored path. */
  path: z.string().min(1),
  status: z.string().min(1).optional(),
  bytesIn: z.string().min(1).optional(),
  bytesOut: z.string().min(1).optional(),
  durationMs: z.string().min(1).optional(),
  /** Unit of the duration field. */
  durationUnit: z.enum(['s', 'ms', 'us', 'ns']).default('ms'),
  /** An object of request headers (name to value), read by `header:` rules and fingerprints. */
  headers: z.string().min(1).optional(),
  mtlsIdentity: z.string().min(1).optional(),
});

export type FieldMapping = z.infer<typeof fieldMappingSchema>;

/** Writer schemas for the `avro` format. */
export const avroSourceSchema = z
  .strictObject({
    /** `plain`: bare Avro binary in `writerSchemaFile`; `confluent`: magic byte 0 + schema id. */
    encoding: z.enum(['plain', 'confluent']).default('confluent'),
    /** Writer schema file (`.avsc`) for plain records. */
    writerSchemaFile: z.string().min(1).optional(),
    /** Folder of `<schema id>.avsc` files for Confluent wire-format records. */
    schemaDir: z.string().min(1).optional(),
  })
  .refine((avro) => avro.encoding !== 'plain' || avro.writerSchemaFile !== undefined, {
    message: 'plain Avro needs writerSchemaFile, the schema the producer writes with',
  })
  .refine((avro) => avro.encoding !== 'confluent' || avro.schemaDir !== undefined, {
    message: 'Confluent Avro needs schemaDir, a folder of <schema id>.avsc files',
  });

/** Headers that carry the credential itself; a principal read from them would store the secret. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);

const JSON_FORMATS = new Set<LogFormat>([
  'nginx-json',
  'envoy-json',
  'cloudtrail',
  'cloudflare',
  'k8s-audit',
  'traefik',
  'json',
  'avro',
  'auto',
]);

/** Parsing and normalisation settings of one topic. */
const sourceFieldsSchema = z.strictObject({
  topic: z.string().min(1),
  format: z.enum(LOG_FORMATS),
  /** Principal rule; when unset, the format's own identity (see docs/formats.md). */
  principal: principalRuleSchema.optional(),
  /** Host stored when the log line names none, lower case. */
  host: z.string().min(1).max(253).optional(),
  /** IANA time zone of timestamps that carry no offset (HAProxy, some JSON logs). */
  timeZone: z
    .string()
    .refine(
      (zone) => IANAZone.isValidZone(zone),
      'expected an IANA time zone such as Europe/Berlin',
    )
    .default('UTC'),
  /** Records longer than this are rejected as `line_too_long`, in bytes. */
  maxLineBytes: z.number().int().min(256).max(16_777_216).default(65_536),
  /** Stored text fields longer than this are rejected as `field_too_long`, in characters. */
  maxFieldChars: z.number().int().min(64).max(1_048_576).default(8_192),
  /** Distinct routes kept per host; later routes become `/{overflow}`. */
  maxRoutesPerHost: z.number().int().min(1).max(1_000_000).default(2_000),
  /** Distinct hosts with their own route sets; later hosts get `/{overflow}` for new routes. */
  maxHosts: z.number().int().min(1).max(1_000_000).default(10_000),
  /** OpenAPI 3 or Swagger 2 document (JSON or YAML) whose paths give exact route templates. */
  openApi: z.string().min(1).optional(),
  fieldMapping: fieldMappingSchema.optional(),
  avro: avroSourceSchema.optional(),
});

/** Rules between fields, checked once when the configuration is loaded. */
export const sourceConfigSchema = sourceFieldsSchema.superRefine((source, context) => {
  const rule = source.principal ?? '';
  if (rule.startsWith('header:') && CREDENTIAL_HEADERS.has(rule.slice(7).toLowerCase())) {
    context.addIssue({
      code: 'custom',
      path: ['principal'],
      message: `${rule} would store a credential as the principal; use jwt:CLAIM or another header`,
    });
  }
  if (rule.startsWith('field:') && !JSON_FORMATS.has(source.format)) {
    context.addIssue({
      code: 'custom',
      path: ['principal'],
      message: `${rule} needs a JSON or Avro format; ${source.format} is a text format`,
    });
  }
  if (source.format === 'json' && source.fieldMapping === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['fieldMapping'],
      message: 'format json needs fieldMapping, the path of each event field in the records',
    });
  }
  if (source.format === 'avro' && source.avro === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['avro'],
      message: 'format avro needs avro.encoding and its writerSchemaFile or schemaDir',
    });
  }
});

export type SourceConfig = z.infer<typeof sourceConfigSchema>;
/** A source as written in configuration, before defaults are applied. */
export type SourceConfigInput = z.input<typeof sourceConfigSchema>;
