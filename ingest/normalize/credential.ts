import { createHmac } from 'node:crypto';
import type { Secret } from '../../core/secret.ts';
import type { RawRequest } from '../parsers/raw-request.ts';

/** Request headers that carry an API key, in the order they are tried after Authorization. */
const API_KEY_HEADERS = ['x-api-key', 'api-key', 'x-auth-token', 'apikey'];

/** Query parameters that carry a token or key; proxies often log the full request target. */
const TOKEN_QUERY_PARAMETERS = new Set([
  'access_token',
  'api_key',
  'apikey',
  'api-key',
  'key',
  'token',
  'auth',
]);

/** Returns the bearer token of an `Authorization: Bearer ...` header, or '' when there is none. */
export function bearerToken(raw: RawRequest): string {
  const authorization = raw.headers['authorization'] ?? '';
  const space = authorization.indexOf(' ');
  if (space < 0 || authorization.slice(0, space).toLowerCase() !== 'bearer') return '';
  return authorization.slice(space + 1).trim();
}

/**
 * Finds the credential a request presented. The order is: the Authorization header without the
 * scheme name (bearer token, basic credential or any other scheme), an API-key header, a token
 * query parameter, then the credential id the format names itself (AWS access key id). Returns ''
 * when the log shows none.
 */
export function findCredential(raw: RawRequest): string {
  const authorization = raw.headers['authorization'] ?? '';
  if (authorization !== '' && authorization !== '-') {
    const space = authorization.indexOf(' ');
    return space < 0 ? authorization : authorization.slice(space + 1).trim();
  }

  for (const name of API_KEY_HEADERS) {
    const value = raw.headers[name];
    if (value !== undefined && value !== '' && value !== '-') return value;
  }

  const fromQuery = queryCredential(raw.target);
  return fromQuery !== '' ? fromQuery : raw.nativeCredential;
}

function queryCredential(target: string): string {
  const query = target.indexOf('?');
  if (query < 0) return '';
  for (const pair of target.slice(query + 1).split('&')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    const name = pair.slice(0, equals).toLowerCase();
    const value = pair.slice(equals + 1);
    if (TOKEN_QUERY_PARAMETERS.has(name) && value !== '') return value;
  }
  return '';
}

/**
 * Computes the stored fingerprint of a credential: HMAC-SHA256 under the configured key, in hex.
 * The same credential gives the same fingerprint, so detectors can follow one token across
 * addresses while the token itself never leaves the parser. '' stays ''.
 */
export function fingerprintCredential(credential: string, key: Secret): string {
  if (credential === '') return '';
  return createHmac('sha256', key.reveal()).update(credential, 'utf8').digest('hex');
}
