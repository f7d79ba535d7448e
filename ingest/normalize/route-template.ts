/**
 * Placeholders that replace high-cardinality path segments, so that `/issue/84213` and
 * `/issue/84214` count as one endpoint.
 */
export const ROUTE_PLACEHOLDERS = {
  id: '{id}',
  uuid: '{uuid}',
  hash: '{hash}',
  email: '{email}',
  date: '{date}',
  token: '{token}',
} as const;

const HEX_HASH_MIN_CHARS = 16;
const TOKEN_MIN_CHARS = 16;

function isDigits(segment: string): boolean {
  if (segment.length === 0) return false;
  for (let i = 0; i < segment.length; i += 1) {
    const code = segment.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

function isHex(segment: string): boolean {
  for (let i = 0; i < segment.length; i += 1) {
    const code = segment.charCodeAt(i) | 0x20;
    const digit = code >= 0x30 && code <= 0x39;
    if (!digit && !(code >= 0x61 && code <= 0x66)) return false;
  }
  return true;
}

/** Canonical UUID text: 8-4-4-4-12 hex digits. */
function isUuid(segment: string): boolean {
  if (segment.length !== 36) return false;
  for (const dash of [8, 13, 18, 23]) {
    if (segment[dash] !== '-') return false;
  }
  return isHex(segment.replaceAll('-', ''));
}

/** `2024-01-31`, optionally followed by a time such as `T10:00:00Z`. */
function isDate(segment: string): boolean {
  if (segment.length < 10 || segment.length > 35) return false;
  const datePart = segment.slice(0, 10);
  const shapeOk = datePart[4] === '-' && datePart[7] === '-';
  const digitsOk = isDigits(datePart.slice(0, 4) + datePart.slice(5, 7) + datePart.slice(8, 10));
  return shapeOk && digitsOk && (segment.length === 10 || segment[10] === 'T');
}

/** `local@domain.tld`, also percent-encoded as `local%40domain.tld`. */
function isEmail(segment: string): boolean {
  const decoded = segment.replace('%40', '@');
  const at = decoded.indexOf('@');
  return at > 0 && at === decoded.lastIndexOf('@') && decoded.indexOf('.', at) > at + 1;
}

/**
 * Returns true for a long segment that looks machine-generated: only URL-safe base64 characters, and either mixed
 * case with digits (an API key, a base64 id) or at least a quarter digits (a lower-case random
 * id). Words joined by dashes, such as `logstash-monitorama-2013`, stay as they are.
 */
function isRandomToken(segment: string): boolean {
  if (segment.length < TOKEN_MIN_CHARS) return false;
  let digits = 0;
  let upper = 0;
  let lower = 0;
  for (let i = 0; i < segment.length; i += 1) {
    const code = segment.charCodeAt(i);
    if (code >= 0x30 && code <= 0x39) digits += 1;
    else if (code >= 0x41 && code <= 0x5a) upper += 1;
    else if (code >= 0x61 && code <= 0x7a) lower += 1;
    else if (code !== 0x2d && code !== 0x5f) return false;
  }
  const mixedCase = upper > 0 && lower > 0 && digits > 0;
  return mixedCase || digits * 4 >= segment.length;
}

/** Returns the placeholder for one path segment, or the segment itself when it is a literal. */
export function templateSegment(segment: string): string {
  if (isDigits(segment)) return ROUTE_PLACEHOLDERS.id;
  if (isUuid(segment)) return ROUTE_PLACEHOLDERS.uuid;
  if (segment.length >= HEX_HASH_MIN_CHARS && isHex(segment)) return ROUTE_PLACEHOLDERS.hash;
  if (isDate(segment)) return ROUTE_PLACEHOLDERS.date;
  if (isEmail(segment)) return ROUTE_PLACEHOLDERS.email;
  if (isRandomToken(segment)) return ROUTE_PLACEHOLDERS.token;
  return segment;
}

/** Strips the query string and fragment from a request target. */
export function pathOf(target: string): string {
  let end = target.length;
  const query = target.indexOf('?');
  if (query >= 0) end = query;
  const fragment = target.indexOf('#');
  if (fragment >= 0 && fragment < end) end = fragment;
  return target.slice(0, end);
}

/**
 * Templates a path segment by segment: `/rest/api/2/issue/84213` gives
 * `/rest/api/2/issue/{id}`. A number right after a segment `api` is an API version, as in Jira's
 * `/rest/api/2`, and stays. Empty segments are kept, so `//a` and `/a` stay apart.
 */
export function templatePath(path: string): string {
  if (path === '' || path === '*') return path;
  const segments = path.split('/');
  const templated = segments.map((segment, index) => {
    if (segment === '') return segment;
    const isApiVersion = isDigits(segment) && segments[index - 1]?.toLowerCase() === 'api';
    return isApiVersion ? segment : templateSegment(segment);
  });
  return templated.join('/');
}
