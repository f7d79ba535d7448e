import { xfccUri } from '../normalize/principal.ts';
import type { JsonObject } from './json-fields.ts';
import type { RawRequest } from './raw-request.ts';

/** Maximum headers copied from one record, which bounds the work on a record with many keys. */
const MAX_HEADERS = 256;

/**
 * Copies string values into `raw.headers` under lower-case names, with `_` read as `-` so that
 * `x_client_id` and `x-client-id` are one header. `prefix` selects keys such as Traefik's
 * `request_X-Api-Key` or NGINX's `http_x_api_key` and is removed. Only headers are read this way;
 * the credential they may contain is fingerprinted later and never stored.
 */
export function copyHeaders(raw: RawRequest, object: JsonObject, prefix = ''): void {
  let copied = 0;
  for (const [key, value] of Object.entries(object)) {
    if (copied >= MAX_HEADERS) break;
    if (typeof value !== 'string' || !key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length).toLowerCase().replaceAll('_', '-');
    if (name === '' || Object.hasOwn(raw.headers, name)) continue;
    raw.headers[name] = value;
    copied += 1;
  }
  const clientCert = raw.headers['x-forwarded-client-cert'];
  if (raw.mtlsIdentity === '' && clientCert !== undefined) raw.mtlsIdentity = xfccUri(clientCert);
}
