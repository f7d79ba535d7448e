import { valueAtPath } from '../normalize/jwt.ts';
import type { FieldMapping } from '../source-config.ts';
import { copyHeaders } from './headers.ts';
import {
  countField,
  hostOfAddress,
  numberField,
  parseJsonObject,
  statusField,
  stringField,
  type JsonObject,
} from './json-fields.ts';
import { emptyRawRequest, type RawRequest } from './raw-request.ts';
import { RecordParseError, wrongType } from './record-error.ts';
import { epochToMs, parseIsoTime } from './time.ts';

const UNIT_TO_MS = { s: 1000, ms: 1, us: 0.001, ns: 0.000_001 } as const;

/**
 * Returns the value at a mapped path in an object under the path as its key. The field readers
 * of json-fields.ts then check its type and name the path in their errors.
 */
function mapped(object: JsonObject, path: string | undefined): JsonObject {
  return path === undefined ? {} : { [path]: valueAtPath(object, path) };
}

function mappedString(object: JsonObject, path: string | undefined): string {
  return path === undefined ? '' : stringField(mapped(object, path), path);
}

function mappedNumber(object: JsonObject, path: string | undefined): number {
  return path === undefined ? 0 : numberField(mapped(object, path), path);
}

function mappedCount(object: JsonObject, path: string | undefined): number {
  return path === undefined ? 0 : countField(mapped(object, path), path);
}

/**
 * Parses JSON records whose fields are named by a configured mapping of dotted paths. `timestamp`
 * and `path` are required; every other field falls back to its empty value when absent. A
 * mapped field of the wrong type rejects the record with that field named.
 */
export function parseMappedJson(text: string, mapping: FieldMapping, timeZone: string): RawRequest {
  const object = parseJsonObject(text);
  const raw = emptyRawRequest();
  raw.document = object;
  raw.timestampMs = mappedTime(object, mapping, timeZone);
  raw.target = mappedString(object, mapping.path);
  if (raw.target === '') {
    throw new RecordParseError('missing_field', `field ${mapping.path} (path) is missing`, {
      field: mapping.path,
    });
  }

  raw.requestId = mappedString(object, mapping.requestId);
  raw.remoteUser = mappedString(object, mapping.remoteUser);
  raw.sourceIp = hostOfAddress(mappedString(object, mapping.sourceIp));
  raw.userAgent = mappedString(object, mapping.userAgent);
  raw.method = mappedString(object, mapping.method);
  raw.host = hostOfAddress(mappedString(object, mapping.host));
  if (mapping.status !== undefined) {
    raw.status = statusField(mapped(object, mapping.status), mapping.status);
  }
  raw.bytesIn = mappedCount(object, mapping.bytesIn);
  raw.bytesOut = mappedCount(object, mapping.bytesOut);
  raw.durationMs = mappedNumber(object, mapping.durationMs) * UNIT_TO_MS[mapping.durationUnit];
  raw.mtlsIdentity = mappedString(object, mapping.mtlsIdentity);
  if (mapping.headers !== undefined) copyMappedHeaders(raw, object, mapping.headers);
  return raw;
}

function mappedTime(object: JsonObject, mapping: FieldMapping, timeZone: string): number {
  const field = mapping.timestamp;
  const value = valueAtPath(object, field);
  if (typeof value === 'number') {
    return epochToMs(mappedNumber(object, field), mapping.timestampUnit, field);
  }
  const iso = mappedString(object, field);
  if (iso === '') {
    throw new RecordParseError('missing_field', `field ${field} (timestamp) is missing`, { field });
  }
  return parseIsoTime(iso, field, timeZone);
}

function copyMappedHeaders(raw: RawRequest, object: JsonObject, field: string): void {
  const value = valueAtPath(object, field);
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) throw wrongType(field, 'an object', value);
  copyHeaders(raw, value as JsonObject);
}
