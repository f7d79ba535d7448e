import { dashToEmpty, parseCount, parseDecimal, parseRequestLine, parseStatus } from './fields.ts';
import { hostOfAddress } from './json-fields.ts';
import { emptyRawRequest, type RawRequest } from './raw-request.ts';
import { LineScanner, noMatch } from './scanner.ts';
import { parseIsoTime } from './time.ts';

const REQUEST_TYPES = new Set(['http', 'https', 'h2', 'grpcs', 'ws', 'wss']);

/**
 * Parses an AWS Application Load Balancer access log entry: `type time elb client:port
 * target:port request_processing_time target_processing_time response_processing_time
 * elb_status_code target_status_code received_bytes sent_bytes "request" "user_agent"
 * ssl_cipher ssl_protocol target_group_arn "trace_id" "domain_name" ...`. Fields after
 * `domain_name` (newer ALB versions add more) are ignored. The duration is the sum of the three
 * processing times, and -1 (the client or target closed early) counts as 0.
 */
export function parseAlb(text: string): RawRequest {
  const scanner = new LineScanner(text);
  const raw = emptyRawRequest();

  const type = scanner.requiredWord('type');
  if (!REQUEST_TYPES.has(type)) throw noMatch('type');
  raw.timestampMs = parseIsoTime(scanner.requiredWord('time'), 'time', 'UTC');
  scanner.requiredWord('elb');
  raw.sourceIp = hostOfAddress(scanner.requiredWord('client'));
  scanner.requiredWord('target');

  let durationSeconds = 0;
  for (const field of [
    'request_processing_time',
    'target_processing_time',
    'response_processing_time',
  ]) {
    durationSeconds += parseDecimal(scanner.requiredWord(field), field);
  }
  raw.durationMs = Math.round(durationSeconds * 1_000_000) / 1000;
  raw.status = parseStatus(scanner.requiredWord('elb_status_code'), 'elb_status_code');
  scanner.requiredWord('target_status_code');
  raw.bytesIn = parseCount(scanner.requiredWord('received_bytes'), 'received_bytes');
  raw.bytesOut = parseCount(scanner.requiredWord('sent_bytes'), 'sent_bytes');

  readRequest(raw, scanner.quoted('request'));
  raw.userAgent = dashToEmpty(scanner.quoted('user_agent'));
  scanner.requiredWord('ssl_cipher');
  scanner.requiredWord('ssl_protocol');
  scanner.requiredWord('target_group_arn');
  raw.requestId = dashToEmpty(scanner.quotedOrWord('trace_id'));
  const domain = dashToEmpty(scanner.quotedOrWord('domain_name'));
  if (raw.host === '') raw.host = domain;
  return raw;
}

/** ALB logs the absolute URL: `GET https://www.example.com:443/robots.txt HTTP/1.1`. */
function readRequest(raw: RawRequest, line: string): void {
  const request = parseRequestLine(line);
  raw.method = dashToEmpty(request.method);
  const target = dashToEmpty(request.target);
  const schemeEnd = target.indexOf('://');
  if (schemeEnd < 0) {
    raw.target = target;
    return;
  }
  const authorityStart = schemeEnd + 3;
  const pathStart = target.indexOf('/', authorityStart);
  const authority = target.slice(authorityStart, pathStart < 0 ? target.length : pathStart);
  raw.host = hostOfAddress(authority);
  raw.target = pathStart < 0 ? '/' : target.slice(pathStart);
}
