import { ConfigError } from '../core/errors.ts';
import type { Secret } from '../core/secret.ts';
import type { AccessEvent } from '../schemas/access-event.ts';
import { createFormatDecoder } from './parsers/formats.ts';
import { RecordParseError } from './parsers/record-error.ts';
import { loadOpenApiRoutes, type OpenApiRoutes } from './normalize/openapi.ts';
import { RouteBound } from './normalize/route-bound.ts';
import { toAccessEvent, type NormalizeContext } from './normalize/to-event.ts';
import { sourceConfigSchema, type SourceConfig, type SourceConfigInput } from './source-config.ts';

export { RecordParseError, type RecordRejectReason } from './parsers/record-error.ts';
export { OVERFLOW_ROUTE, RouteBound } from './normalize/route-bound.ts';
export { loadOpenApiRoutes, OpenApiRoutes } from './normalize/openapi.ts';

/** Position and broker metadata of one record. */
export interface RecordMeta {
  /** Kafka topic; '' offline. */
  topic: string;
  /** Kafka partition; -1 offline. */
  partition: number;
  /** Kafka offset as kafkajs gives it (a decimal string); the line number offline. */
  offset: string;
  /** Kafka record timestamp, used when the log line has none, in milliseconds. */
  timestampMs?: number;
  /** Kafka record headers; no format reads them yet. */
  headers?: Record<string, string>;
}

export type ParseOutcome =
  { ok: true; event: AccessEvent } | { ok: false; error: RecordParseError };

/** Parses one record. Never throws for bad input: every rejection is an outcome. */
export type RecordParser = (value: Buffer, meta: RecordMeta) => ParseOutcome;

export interface ParserOptions {
  /** HMAC-SHA256 key for credential fingerprints. */
  credentialKey: Secret;
  /** Route templates; when unset and the source names an `openApi` file, it is read once here. */
  openApiRoutes?: OpenApiRoutes;
  /** The per-host route bound; pass one to read its overflow count or share it between parsers. */
  routeBound?: RouteBound;
}

/**
 * Creates the parser for one source. Configuration files (OpenAPI, Avro schemas) are read here,
 * once. After that the parser is a function of its input, except for the route bound: it
 * remembers the distinct routes seen per host for the life of the parser. Throws ConfigError for
 * an invalid source.
 */
export function createRecordParser(
  source: SourceConfig | SourceConfigInput,
  options: ParserOptions,
): RecordParser {
  const config = validSource(source);
  const decode = createFormatDecoder(config);
  const context: NormalizeContext = {
    proxy: config.format,
    principalRule: config.principal,
    defaultHost: config.host ?? '',
    credentialKey: options.credentialKey,
    openApi:
      options.openApiRoutes ?? (config.openApi ? loadOpenApiRoutes(config.openApi) : undefined),
    routeBound: options.routeBound ?? new RouteBound(config.maxRoutesPerHost, config.maxHosts),
    maxFieldChars: config.maxFieldChars,
  };

  return (value, meta) => {
    try {
      const decoded = decode(value);
      const event = toAccessEvent(decoded.raw, value, meta, {
        ...context,
        proxy: decoded.proxy,
      });
      return { ok: true, event };
    } catch (error) {
      return { ok: false, error: asRecordError(error, meta) };
    }
  };
}

function validSource(source: SourceConfig | SourceConfigInput): SourceConfig {
  const result = sourceConfigSchema.safeParse(source);
  if (!result.success) {
    const topic = typeof source.topic === 'string' ? source.topic : '(unnamed)';
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.join('.') || '(source)';
      const value = (source as Record<string, unknown>)[String(issue.path[0] ?? '')];
      const got =
        issue.path.length === 1 && value !== undefined ? ` (got ${JSON.stringify(value)})` : '';
      return `${key}: ${issue.message}${got}`;
    });
    throw new ConfigError(`ingest source ${topic}: ${problems.join('; ')}`);
  }
  return result.data;
}

/**
 * Adds the record's coordinates to a rejection. Anything else that escapes a format parser is a
 * bug on unusual input. It still becomes an outcome, with the original error as the cause, so
 * the partition keeps flowing.
 */
function asRecordError(error: unknown, meta: RecordMeta): RecordParseError {
  const context = { topic: meta.topic, partition: meta.partition, offset: meta.offset };
  if (error instanceof RecordParseError) {
    Object.assign(error.context, context);
    return error;
  }
  return new RecordParseError('no_match', 'record could not be parsed', { cause: error, context });
}
