import { RecordParseError, wrongType } from './record-error.ts';

export type JsonObject = Record<string, unknown>;

/** Parses a record that must be one JSON object. */
export function parseJsonObject(text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new RecordParseError('bad_json', 'record is not valid JSON', { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw wrongType('(record)', 'a JSON object', value);
  }
  return value as JsonObject;
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

/** Reads a string field; absent, null and `-` give ''. Any other type is rejected with the field named. */
export function stringField(object: JsonObject, key: string): string {
  const value = object[key];
  if (isAbsent(value)) return '';
  if (typeof value !== 'string') throw wrongType(key, 'a string', value);
  return value === '-' ? '' : value;
}

/** Reads the first of `keys` that is present, as a string. */
export function firstStringField(object: JsonObject, keys: readonly string[]): string {
  for (const key of keys) {
    if (!isAbsent(object[key])) return stringField(object, key);
  }
  return '';
}

/**
 * Reads a non-negative number field; absent, null and `-` give 0. Envoy and Istio write some numbers as
 * strings (`"upstream_service_time":"14"`), so decimal strings are accepted too.
 */
export function numberField(object: JsonObject, key: string): number {
  const value = object[key];
  if (isAbsent(value) || value === '-' || value === '') return 0;
  const number =
    typeof value === 'string' && /^[0-9]{1,18}(\.[0-9]{1,9})?$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) {
    throw wrongType(key, 'a non-negative number', value);
  }
  return number;
}

/** Reads a byte count, a non-negative integer that fits a double exactly; absent gives 0. */
export function countField(object: JsonObject, key: string): number {
  const count = numberField(object, key);
  if (!Number.isSafeInteger(count)) throw wrongType(key, 'a whole number of bytes', object[key]);
  return count;
}

/** Reads the first of `keys` that is present, as a byte count. */
export function firstCountField(object: JsonObject, keys: readonly string[]): number {
  for (const key of keys) {
    if (!isAbsent(object[key])) return countField(object, key);
  }
  return 0;
}

/** Reads the first of `keys` that is present, as a number. */
export function firstNumberField(object: JsonObject, keys: readonly string[]): number {
  for (const key of keys) {
    if (!isAbsent(object[key])) return numberField(object, key);
  }
  return 0;
}

/** Reads an HTTP status code field; 0 when absent. */
export function statusField(object: JsonObject, key: string): number {
  const status = numberField(object, key);
  if (!Number.isInteger(status) || (status !== 0 && (status < 100 || status > 999))) {
    throw wrongType(key, 'an HTTP status code', object[key]);
  }
  return status;
}

/** Reads an object field; absent and null give an empty object. */
export function objectField(object: JsonObject, key: string): JsonObject {
  const value = object[key];
  if (isAbsent(value)) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw wrongType(key, 'an object', value);
  return value as JsonObject;
}

/** Returns true when `object` has every one of `keys`. */
export function hasKeys(object: JsonObject, keys: readonly string[]): boolean {
  return keys.every((key) => Object.hasOwn(object, key));
}

/** Strips a `:port` suffix and IPv6 brackets: `[2a02:cf40::4e36]:5000` gives `2a02:cf40::4e36`. */
export function hostOfAddress(address: string): string {
  if (address.startsWith('[')) {
    const end = address.indexOf(']');
    return end < 0 ? address : address.slice(1, end);
  }
  const colon = address.indexOf(':');
  if (colon < 0 || colon !== address.lastIndexOf(':')) return address;
  return address.slice(0, colon);
}

/** Returns the last address of an X-Forwarded-For chain, the one the nearest proxy appended. */
export function lastForwardedAddress(chain: string): string {
  const comma = chain.lastIndexOf(',');
  return (comma < 0 ? chain : chain.slice(comma + 1)).trim();
}
