import { dashToEmpty, parseCount, parseRequestLine, parseStatus } from './fields.ts';
import { emptyRawRequest, type RawRequest } from './raw-request.ts';
import { LineScanner, noMatch } from './scanner.ts';
import { parseClfTime } from './time.ts';

// Client tokens before ident and authuser: an X-Forwarded-For chain, a virtual host, the client.
const MAX_PREFIX_TOKENS = 16;

/**
 * Parses the NGINX and Apache combined log format:
 * `client ident authuser [time] "request" status bytes "referer" "user-agent"`, with the common
 * variants seen in real logs: an X-Forwarded-For chain or a virtual host before the client, the
 * common format without referer and user agent, and extra fields after the user agent. Returns
 * the scanner positioned after the user agent so formats that extend it can read on.
 */
export function scanCombined(
  text: string,
  timeZone: string,
): { raw: RawRequest; rest: LineScanner } {
  const scanner = new LineScanner(text);
  const raw = emptyRawRequest();

  const prefix = readPrefix(scanner);
  const authUser = prefix.pop() ?? '';
  prefix.pop(); // ident (RFC 1413), unused by every server in practice
  const client = prefix.pop();
  if (client === undefined) throw noMatch('client');
  raw.sourceIp = client.endsWith(',') ? client.slice(0, -1) : client;
  raw.remoteUser = dashToEmpty(authUser);
  raw.host = virtualHost(prefix);

  raw.timestampMs = parseClfTime(scanner.bracketed('time'), 'time', timeZone);
  const request = parseRequestLine(scanner.quoted('request'));
  raw.method = request.method;
  raw.target = request.target;
  raw.status = parseStatus(scanner.requiredWord('status'), 'status');
  raw.bytesOut = parseCount(scanner.requiredWord('bytes'), 'bytes');

  // Real logs end in a user agent cut off before its closing quote; the rest of the line is it.
  if (!scanner.done) scanner.quotedOrWord('referer', true);
  if (!scanner.done) raw.userAgent = dashToEmpty(scanner.quotedOrWord('user_agent', true));
  return { raw, rest: scanner };
}

function readPrefix(scanner: LineScanner): string[] {
  const tokens: string[] = [];
  scanner.skipSpaces();
  while (!scanner.done && scanner.peek() !== '[') {
    if (tokens.length >= MAX_PREFIX_TOKENS) throw noMatch('client');
    tokens.push(scanner.quotedOrWord('client'));
  }
  if (tokens.length < 3) throw noMatch('client');
  return tokens;
}

/** Returns the virtual host (Apache's `%v`), a single bare name before the client; a chain is X-Forwarded-For. */
function virtualHost(tokens: string[]): string {
  if (tokens.length !== 1) return '';
  const token = tokens[0] ?? '';
  const isName = /^[A-Za-z0-9.-]+$/.test(token) && /[A-Za-z]/.test(token);
  return isName && !token.includes(':') ? token : '';
}

/** Parses a line of the `nginx` and `apache` formats. */
export function parseCombined(text: string, timeZone: string): RawRequest {
  return scanCombined(text, timeZone).raw;
}
