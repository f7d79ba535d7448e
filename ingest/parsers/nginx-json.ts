import { parseRequestLine } from './fields.ts';
import { copyHeaders } from './headers.ts';
import {
  firstCountField,
  firstStringField,
  hostOfAddress,
  numberField,
  parseJsonObject,
  statusField,
  type JsonObject,
} from './json-fields.ts';
import { emptyRawRequest, type RawRequest } from './raw-request.ts';
import { epochToMs, parseClfTime, parseIsoTime } from './time.ts';
import { RecordParseError } from './record-error.ts';

/**
 * Parses NGINX JSON logs (`log_format ... escape=json`), whose keys are the NGINX variable names:
 * `remote_addr`, `remote_user`, `time_iso8601` or `time_local` or `msec`, `request` or
 * `request_method` with `request_uri`, `status`, `body_bytes_sent`, `request_length`,
 * `request_time` (seconds), `http_user_agent`, `host` or `http_host`, `request_id`, and request
 * headers as `http_NAME`.
 */
export function parseNginxJson(text: string, timeZone: string): RawRequest {
  const object = parseJsonObject(text);
  const raw = emptyRawRequest();
  raw.document = object;
  raw.timestampMs = nginxTime(object, timeZone);
  raw.sourceIp = hostOfAddress(firstStringField(object, ['remote_addr', 'client_ip']));
  raw.remoteUser = firstStringField(object, ['remote_user']);

  const requestLine = parseRequestLine(firstStringField(object, ['request']));
  raw.method = firstStringField(object, ['request_method']) || requestLine.method;
  raw.target = firstStringField(object, ['request_uri', 'uri']) || requestLine.target;
  raw.status = statusField(object, 'status');
  raw.bytesOut = firstCountField(object, ['body_bytes_sent', 'bytes_sent']);
  raw.bytesIn = firstCountField(object, ['request_length']);
  raw.durationMs = numberField(object, 'request_time') * 1000;
  raw.userAgent = firstStringField(object, ['http_user_agent', 'user_agent']);
  raw.host = hostOfAddress(firstStringField(object, ['host', 'http_host', 'server_name']));
  raw.requestId = firstStringField(object, ['request_id']);
  raw.mtlsIdentity = firstStringField(object, ['ssl_client_san', 'ssl_client_s_dn']);
  copyHeaders(raw, object, 'http_');
  return raw;
}

function nginxTime(object: JsonObject, timeZone: string): number {
  const iso = firstStringField(object, ['time_iso8601', 'timestamp', '@timestamp']);
  if (iso !== '') return parseIsoTime(iso, 'time_iso8601', timeZone);
  const local = firstStringField(object, ['time_local']);
  if (local !== '') return parseClfTime(local, 'time_local', timeZone);
  if (object['msec'] !== undefined) return epochToMs(numberField(object, 'msec'), 's', 'msec');
  throw new RecordParseError(
    'missing_field',
    'NGINX JSON record has no time_iso8601, time_local or msec',
    {
      field: 'time_iso8601',
    },
  );
}
