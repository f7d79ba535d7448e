import { copyHeaders } from './headers.ts';
import {
  countField,
  firstStringField,
  objectField,
  parseJsonObject,
  statusField,
  stringField,
  type JsonObject,
} from './json-fields.ts';
import { emptyRawRequest, type RawRequest } from './raw-request.ts';
import { wrongType } from './record-error.ts';
import { epochToMs, parseIsoTime } from './time.ts';

/**
 * Parses a Cloudflare Logpush `http_requests` record. `RayID` is the event id. Edge timestamps
 * are RFC 3339 or Unix seconds, milliseconds or nanoseconds, as numbers or digit strings, as the
 * job's timestamp option sets them. The duration is `EdgeEndTimestamp - EdgeStartTimestamp`.
 * Custom `RequestHeaders` fields are read as request headers.
 */
export function parseCloudflare(text: string): RawRequest {
  const object = parseJsonObject(text);
  const raw = emptyRawRequest();
  raw.document = object;

  const start = edgeTime(object, 'EdgeStartTimestamp');
  const end = edgeTime(object, 'EdgeEndTimestamp');
  raw.timestampMs = start;
  if (start !== undefined && end !== undefined && end > start) raw.durationMs = end - start;
  raw.requestId = stringField(object, 'RayID');
  raw.requestIdTrusted = raw.requestId !== '';
  raw.sourceIp = stringField(object, 'ClientIP');
  raw.host = stringField(object, 'ClientRequestHost');
  raw.method = stringField(object, 'ClientRequestMethod');
  raw.target = firstStringField(object, ['ClientRequestURI', 'ClientRequestPath']);
  raw.userAgent = stringField(object, 'ClientRequestUserAgent');
  raw.status = statusField(object, 'EdgeResponseStatus');
  raw.bytesIn = countField(object, 'ClientRequestBytes');
  raw.bytesOut = countField(object, 'EdgeResponseBytes');
  copyHeaders(raw, objectField(object, 'RequestHeaders'));
  return raw;
}

function edgeTime(object: JsonObject, key: string): number | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number')
    return epochToMs(value, unitOfDigits(String(Math.trunc(value))), key);
  if (typeof value !== 'string') throw wrongType(key, 'a timestamp string or number', value);
  if (/^[0-9]{1,20}$/.test(value)) return epochToMs(Number(value), unitOfDigits(value), key);
  return parseIsoTime(value, key, 'UTC');
}

/** Unix seconds have 10 digits until 2286, milliseconds 13, nanoseconds 19. */
function unitOfDigits(digits: string): 's' | 'ms' | 'ns' {
  if (digits.length <= 11) return 's';
  if (digits.length <= 14) return 'ms';
  return 'ns';
}
