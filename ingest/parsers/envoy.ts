import { dashToEmpty, parseCount, parseDecimal, parseRequestLine, parseStatus } from './fields.ts';
import { hostOfAddress, lastForwardedAddress } from './json-fields.ts';
import { emptyRawRequest, type RawRequest } from './raw-request.ts';
import { LineScanner } from './scanner.ts';
import { parseIsoTime } from './time.ts';

function isNumberToken(token: string): boolean {
  return /^[0-9]{1,18}$/.test(token);
}

/**
 * Parses Envoy's default text access log and Istio's longer default: `[START_TIME] "METHOD PATH
 * PROTOCOL" CODE FLAGS`, then Istio adds `DETAILS CONNECTION_TERMINATION "UPSTREAM_FAILURE"`,
 * then both have `BYTES_RECEIVED BYTES_SENT DURATION UPSTREAM_TIME "X-FORWARDED-FOR"
 * "USER-AGENT" "X-REQUEST-ID" "AUTHORITY" "UPSTREAM_HOST"`, and Istio ends with the upstream
 * cluster and the local, downstream and SNI fields. The token after FLAGS distinguishes the two:
 * Envoy has a number there. The client is Istio's downstream remote address, else the last
 * X-Forwarded-For entry (the one Envoy itself appends), never the client-written first one.
 */
export function parseEnvoyText(text: string): RawRequest {
  const line = text.startsWith('ACCESS ') ? text.slice(7) : text;
  const scanner = new LineScanner(line);
  const raw = emptyRawRequest();

  raw.timestampMs = parseIsoTime(scanner.bracketed('start_time'), 'start_time', 'UTC');
  const request = parseRequestLine(scanner.quoted('request'));
  raw.method = dashToEmpty(request.method);
  raw.target = dashToEmpty(request.target);
  raw.status = parseStatus(scanner.requiredWord('response_code'), 'response_code');
  scanner.requiredWord('response_flags');

  let next = scanner.requiredWord('bytes_received');
  const isIstio = !isNumberToken(next);
  if (isIstio) {
    scanner.requiredWord('connection_termination_details');
    scanner.quoted('upstream_transport_failure_reason');
    next = scanner.requiredWord('bytes_received');
  }
  raw.bytesIn = parseCount(next, 'bytes_received');
  raw.bytesOut = parseCount(scanner.requiredWord('bytes_sent'), 'bytes_sent');
  raw.durationMs = parseDecimal(scanner.requiredWord('duration'), 'duration');
  scanner.requiredWord('upstream_service_time');

  const forwardedFor = dashToEmpty(scanner.quoted('x_forwarded_for'));
  raw.userAgent = dashToEmpty(scanner.quoted('user_agent'));
  raw.requestId = dashToEmpty(scanner.quoted('request_id'));
  raw.host = hostOfAddress(dashToEmpty(scanner.quoted('authority')));
  scanner.quoted('upstream_host');
  raw.sourceIp = hostOfAddress(lastForwardedAddress(forwardedFor));
  if (isIstio) readIstioTail(scanner, raw);
  return raw;
}

function readIstioTail(scanner: LineScanner, raw: RawRequest): void {
  scanner.word(); // upstream cluster
  scanner.word(); // upstream local address
  scanner.word(); // downstream local address
  const downstreamRemote = dashToEmpty(scanner.word());
  if (downstreamRemote !== '') raw.sourceIp = hostOfAddress(downstreamRemote);
}
