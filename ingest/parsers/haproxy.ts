import { dashToEmpty, parseCount, parseRequestLine, parseStatus } from './fields.ts';
import { hostOfAddress } from './json-fields.ts';
import { emptyRawRequest, type RawRequest } from './raw-request.ts';
import { LineScanner, noMatch } from './scanner.ts';
import { parseClfTime } from './time.ts';

const SYSLOG_MONTHS = new Set([
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
]);

/**
 * Parses HAProxy's HTTP log format (`option httplog`), with or without a syslog header:
 * `client:port [accept_date] frontend backend/server Tq/Tw/Tc/Tr/Ta status bytes_read
 * req_cookie resp_cookie termination_state conns queues [{req headers} {resp headers}]
 * "request"`. Some setups log a host between server and timers; it becomes the host. The accept
 * date has no offset and is read in `timeZone`. Non-HTTP lines (TLS handshake failures) are
 * rejected as `no_match`.
 */
export function parseHaproxy(text: string, timeZone: string): RawRequest {
  const scanner = new LineScanner(text);
  const raw = emptyRawRequest();
  if (SYSLOG_MONTHS.has(text.slice(0, 3)) && text[3] === ' ') skipSyslogHeader(scanner);

  raw.sourceIp = dashToEmpty(hostOfAddress(scanner.requiredWord('client')));
  raw.timestampMs = parseClfTime(scanner.bracketed('accept_date'), 'accept_date', timeZone);
  scanner.requiredWord('frontend');
  const backend = scanner.requiredWord('backend');
  if (!backend.includes('/') || backend.endsWith(':')) throw noMatch('backend');

  let timers = scanner.requiredWord('timers');
  if (!isTimers(timers)) {
    raw.host = timers;
    timers = scanner.requiredWord('timers');
    if (!isTimers(timers)) throw noMatch('timers');
  }
  raw.durationMs = totalTime(timers);
  raw.status = parseStatus(scanner.requiredWord('status'), 'status');
  raw.bytesOut = parseCount(scanner.requiredWord('bytes_read'), 'bytes_read');
  for (const field of [
    'captured_request_cookie',
    'captured_response_cookie',
    'termination_state',
    'connections',
    'queues',
  ]) {
    scanner.requiredWord(field);
  }
  while (scanner.peek() === '{') scanner.bracketed('captured_headers', '{', '}');

  const request = parseRequestLine(scanner.quoted('request'));
  raw.method = request.method === '<BADREQ>' ? '' : request.method;
  raw.target = request.target;
  return raw;
}

function skipSyslogHeader(scanner: LineScanner): void {
  for (const field of ['syslog_month', 'syslog_day', 'syslog_time', 'syslog_host', 'syslog_tag']) {
    scanner.requiredWord(field);
  }
}

/** Tq/Tw/Tc/Tr/Ta: five signed integers (-1 when the stage was not reached). */
function isTimers(token: string): boolean {
  const parts = token.split('/');
  return parts.length === 5 && parts.every((part) => /^(-1|\+?[0-9]{1,10})$/.test(part));
}

/** Ta, the total active time in milliseconds; a leading `+` (logasap) is dropped. */
function totalTime(timers: string): number {
  const total = Number((timers.split('/')[4] ?? '0').replace('+', ''));
  return total < 0 ? 0 : total;
}
