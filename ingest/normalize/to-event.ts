import type { Secret } from '../../core/secret.ts';
import type { AccessEvent } from '../../schemas/access-event.ts';
import type { RawRequest } from '../parsers/raw-request.ts';
import { RecordParseError } from '../parsers/record-error.ts';
import { fingerprintCredential, findCredential } from './credential.ts';
import { eventId } from './event-id.ts';
import type { OpenApiRoutes } from './openapi.ts';
import { resolvePrincipal } from './principal.ts';
import type { RouteBound } from './route-bound.ts';
import { pathOf, templatePath } from './route-template.ts';
import { checkStoredField } from './stored-text.ts';

/** Everything normalisation needs besides the record: fixed per parser instance. */
export interface NormalizeContext {
  proxy: string;
  principalRule: string | undefined;
  defaultHost: string;
  credentialKey: Secret;
  openApi: OpenApiRoutes | undefined;
  routeBound: RouteBound;
  maxFieldChars: number;
}

/** Kafka coordinates of a record and its broker timestamp, as the entry point receives them. */
export interface RecordPosition {
  topic: string;
  partition: number;
  offset: string;
  timestampMs?: number | undefined;
}

const STORED_TEXT_FIELDS = [
  'id',
  'principal',
  'sourceIp',
  'userAgent',
  'method',
  'host',
  'path',
  'route',
] as const;

/** Builds the canonical access event of a parsed request, or throws a RecordParseError. */
export function toAccessEvent(
  raw: RawRequest,
  value: Buffer,
  position: RecordPosition,
  context: NormalizeContext,
): AccessEvent {
  const timestamp = raw.timestampMs ?? position.timestampMs;
  if (timestamp === undefined) {
    throw new RecordParseError(
      'missing_field',
      'record has no timestamp and its Kafka record carried none',
      {
        field: 'timestamp',
      },
    );
  }

  const host = (raw.host || context.defaultHost).toLowerCase();
  const path = pathOf(raw.target);
  const event: AccessEvent = {
    id: eventId(raw, value, position.topic, position.partition, position.offset),
    timestamp,
    principal: resolvePrincipal(context.principalRule, raw),
    credential: fingerprintCredential(findCredential(raw), context.credentialKey),
    sourceIp: raw.sourceIp,
    userAgent: raw.userAgent,
    method: raw.method.toUpperCase(),
    host,
    path,
    route: routeOf(raw, host, path, context),
    status: raw.status,
    bytesIn: raw.bytesIn,
    bytesOut: raw.bytesOut,
    durationMs: raw.durationMs,
    proxy: context.proxy,
    topic: position.topic,
    partition: position.partition,
    offset: offsetNumber(position.offset),
  };

  for (const field of STORED_TEXT_FIELDS) {
    checkStoredField(field, event[field], context.maxFieldChars);
  }
  return event;
}

function routeOf(raw: RawRequest, host: string, path: string, context: NormalizeContext): string {
  if (raw.nativeRoute !== '') return context.routeBound.admit(host, raw.nativeRoute);
  if (path === '') return '';
  const route = context.openApi?.match(path) ?? templatePath(path);
  return context.routeBound.admit(host, route);
}

/** Kafka offsets arrive as decimal strings; offline they are line numbers. */
function offsetNumber(offset: string): number {
  const number = Number(offset);
  if (!Number.isSafeInteger(number) || number < 0) {
    throw new RecordParseError(
      'wrong_type',
      `record offset ${offset.slice(0, 30)} is not a number`,
      {
        field: 'offset',
      },
    );
  }
  return number;
}
