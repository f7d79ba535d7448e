import { scanCombined } from './combined.ts';
import { copyHeaders } from './headers.ts';
import {
  firstCountField,
  firstStringField,
  hostOfAddress,
  lastForwardedAddress,
  numberField,
  parseJsonObject,
  statusField,
  stringField,
} from './json-fields.ts';
import { parseDecimal } from './fields.ts';
import { emptyRawRequest, type RawRequest } from './raw-request.ts';
import { parseIsoTime } from './time.ts';

/** Parses Traefik access logs in either of its encodings: JSON, or its common log format. */
export function parseTraefik(text: string, timeZone: string): RawRequest {
  return text.startsWith('{') ? parseTraefikJson(text) : parseTraefikClf(text, timeZone);
}

/**
 * Traefik's CLF: the combined format followed by `REQUEST_COUNT "ROUTER" "SERVICE_URL"
 * DURATIONms`. A line with a broken router quote (seen in real logs) still gives the request
 * fields; only the duration is lost.
 */
function parseTraefikClf(text: string, timeZone: string): RawRequest {
  const { raw } = scanCombined(text, timeZone);
  const lastSpace = text.lastIndexOf(' ');
  const last = text.slice(lastSpace + 1);
  if (last.endsWith('ms')) raw.durationMs = parseDecimal(last.slice(0, -2), 'duration');
  return raw;
}

/**
 * Traefik's JSON: `ClientHost`, `ClientUsername`, `RequestHost`, `RequestMethod`, `RequestPath`
 * (with the query), `DownstreamStatus`, `DownstreamContentSize`, `RequestContentSize`,
 * `Duration` in nanoseconds, `StartUTC`, and request headers as `request_NAME` when the
 * configuration keeps them.
 */
function parseTraefikJson(text: string): RawRequest {
  const object = parseJsonObject(text);
  const raw = emptyRawRequest();
  raw.document = object;
  raw.timestampMs = parseIsoTime(firstStringField(object, ['StartUTC', 'time']), 'StartUTC', 'UTC');
  const clientHost = lastForwardedAddress(stringField(object, 'ClientHost'));
  raw.sourceIp = clientHost || hostOfAddress(stringField(object, 'ClientAddr'));
  raw.remoteUser = stringField(object, 'ClientUsername');
  raw.host = hostOfAddress(firstStringField(object, ['RequestHost', 'RequestAddr']));
  raw.method = stringField(object, 'RequestMethod');
  raw.target = stringField(object, 'RequestPath');
  raw.status = statusField(object, 'DownstreamStatus');
  raw.bytesOut = firstCountField(object, ['DownstreamContentSize']);
  raw.bytesIn = firstCountField(object, ['RequestContentSize']);
  raw.durationMs = numberField(object, 'Duration') / 1_000_000;
  copyHeaders(raw, object, 'request_');
  raw.userAgent = raw.headers['user-agent'] ?? '';
  raw.requestId = raw.headers['x-request-id'] ?? '';
  return raw;
}
