import { noMatch } from './scanner.ts';

/** Parses a decimal count such as a byte count; `-` and '' give 0. */
export function parseCount(value: string, field: string): number {
  if (value === '-' || value === '') return 0;
  if (value.length > 15) throw noMatch(field);
  let result = 0;
  for (let i = 0; i < value.length; i += 1) {
    const digit = value.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) throw noMatch(field);
    result = result * 10 + digit;
  }
  return result;
}

/** Parses an HTTP status code; `-`, '' and 0 give 0 (unknown). */
export function parseStatus(value: string, field: string): number {
  const status = parseCount(value, field);
  if (status !== 0 && (status < 100 || status > 999)) throw noMatch(field);
  return status;
}

/** Parses a non-negative decimal number of seconds or milliseconds such as `0.123`; `-` gives 0. */
export function parseDecimal(value: string, field: string): number {
  if (value === '-' || value === '' || value === '-1') return 0;
  if (value.length > 24) throw noMatch(field);
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || !/^[0-9.eE+-]+$/.test(value)) throw noMatch(field);
  return number;
}

/** Returns '' for the `-` that log formats write in place of a missing value. */
export function dashToEmpty(value: string): string {
  return value === '-' ? '' : value;
}

export interface RequestLine {
  method: string;
  target: string;
}

/** Splits `METHOD target PROTOCOL`; an empty or `-` request line gives empty parts. */
export function parseRequestLine(line: string): RequestLine {
  if (line === '' || line === '-') return { method: '', target: '' };
  const firstSpace = line.indexOf(' ');
  if (firstSpace < 0) return { method: line, target: '' };
  const method = line.slice(0, firstSpace);
  // Envoy writes `- - -` for TCP connections and requests it could not parse.
  if (method === '-') return { method: '', target: '' };
  const rest = line.slice(firstSpace + 1);
  const lastSpace = rest.lastIndexOf(' ');
  const hasProtocol = lastSpace >= 0 && rest.startsWith('HTTP/', lastSpace + 1);
  return { method, target: hasProtocol ? rest.slice(0, lastSpace) : rest };
}
