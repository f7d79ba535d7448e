import { stripCriPrefix } from './container.ts';
import { parseEnvoyText } from './envoy.ts';
import { copyHeaders } from './headers.ts';
import {
  firstCountField,
  firstNumberField,
  firstStringField,
  hostOfAddress,
  lastForwardedAddress,
  parseJsonObject,
  statusField,
  stringField,
  type JsonObject,
} from './json-fields.ts';
import { emptyRawRequest, type RawRequest } from './raw-request.ts';
import { noMatch } from './scanner.ts';
import { parseIsoTime } from './time.ts';

/**
 * Parses Envoy JSON access logs: Istio's JSON encoding (`authority`, `path`, `request_id`, ...)
 * and Envoy Gateway's (`:authority`, `x-envoy-origin-path`, `x-request-id`, ...). Either may sit
 * behind a CRI prefix. Envoy's default text line is accepted too, behind a CRI prefix or inside a
 * Docker JSON wrapper (`{"log": ...}` or `{"message": ...}`). Other string keys are read as
 * logged request headers.
 */
export function parseEnvoyJson(text: string): RawRequest {
  const body = stripCriPrefix(text);
  if (body.startsWith('[') || body.startsWith('ACCESS [')) return parseEnvoyText(body);
  const object = parseJsonObject(body);
  const wrapped = wrappedLine(object);
  if (wrapped !== undefined) return parseEnvoyText(wrapped);

  const raw = emptyRawRequest();
  raw.document = object;
  raw.timestampMs = parseIsoTime(stringField(object, 'start_time'), 'start_time', 'UTC');
  raw.method = stringField(object, 'method');
  raw.target = firstStringField(object, ['x-envoy-origin-path', 'path', ':path']);
  raw.host = hostOfAddress(firstStringField(object, [':authority', 'authority', 'host']));
  raw.status = statusField(object, 'response_code');
  raw.bytesIn = firstCountField(object, ['bytes_received']);
  raw.bytesOut = firstCountField(object, ['bytes_sent']);
  raw.durationMs = firstNumberField(object, ['duration']);
  raw.userAgent = firstStringField(object, ['user-agent', 'user_agent']);
  raw.requestId = firstStringField(object, ['x-request-id', 'request_id']);
  raw.mtlsIdentity = firstStringField(object, [
    'downstream_peer_uri_san',
    'downstream_peer_subject',
  ]);
  raw.sourceIp = clientAddress(object);
  copyHeaders(raw, object);
  return raw;
}

/** The text line inside a Docker JSON log wrapper, or undefined when `object` is no wrapper. */
function wrappedLine(object: JsonObject): string | undefined {
  if (Object.hasOwn(object, 'start_time')) return undefined;
  const line = firstStringField(object, ['log', 'message']).trimEnd();
  if (line === '') return undefined;
  if (!line.startsWith('[') && !line.startsWith('ACCESS [')) throw noMatch('message');
  return line;
}

function clientAddress(object: JsonObject): string {
  const remote = stringField(object, 'downstream_remote_address');
  if (remote !== '') return hostOfAddress(remote);
  const forwardedFor = firstStringField(object, ['x-forwarded-for', 'x_forwarded_for']);
  return hostOfAddress(lastForwardedAddress(forwardedFor));
}
