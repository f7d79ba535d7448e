import { describe, expect, it } from 'vitest';
import { Secret } from '../../core/secret.ts';
import type { AccessEvent } from '../../schemas/access-event.ts';
import {
  createRecordParser,
  type ParseOutcome,
  type RecordParseError,
} from '../../ingest/parse.ts';
import type { SourceConfigInput } from '../../ingest/source-config.ts';

/** Returns the event of an accepted record; a rejection fails the test with its reason. */
function eventOf(outcome: ParseOutcome): AccessEvent {
  if (!outcome.ok) throw outcome.error;
  return outcome.event;
}

/** Returns the error of a rejected record; an accepted one fails the test. */
function errorOf(outcome: ParseOutcome): RecordParseError {
  if (outcome.ok) throw new Error(`expected a rejection, got event ${outcome.event.id}`);
  return outcome.error;
}

const key = new Secret('test-key', 'test');
const meta = { topic: 'logs', partition: 3, offset: '1001' };
const combined =
  '10.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET /index.html HTTP/1.1" 200 512 "-" "curl/8.0"';

function parse(source: Omit<SourceConfigInput, 'topic'>, value: Buffer | string): ParseOutcome {
  const parser = createRecordParser({ topic: 'logs', ...source }, { credentialKey: key });
  return parser(typeof value === 'string' ? Buffer.from(value) : value, meta);
}

function reasonOf(outcome: ParseOutcome): string {
  return outcome.ok ? 'ok' : outcome.error.reason;
}

describe('hostile input', () => {
  it('rejects invalid UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from(combined.slice(0, 50)), Buffer.from([0xc3, 0x28])]);
    expect(reasonOf(parse({ format: 'nginx' }, bytes))).toBe('invalid_utf8');
  });

  it('rejects a 1 MB line', () => {
    const line = combined.replace('/index.html', `/${'a'.repeat(1024 * 1024)}`);
    const outcome = parse({ format: 'nginx' }, line);
    expect(reasonOf(outcome)).toBe('line_too_long');
    expect(errorOf(outcome).message).toBe(
      `record has ${Buffer.byteLength(line)} bytes, more than maxLineBytes 65536`,
    );
  });

  it('rejects a long field under the line cap', () => {
    const line = combined.replace('curl/8.0', 'x'.repeat(9000));
    const outcome = parse({ format: 'nginx' }, line);
    expect(reasonOf(outcome)).toBe('field_too_long');
    expect(errorOf(outcome).field).toBe('userAgent');
  });

  it('rejects CR and LF inside a line', () => {
    const injected = combined.replace('/index.html', '/a\r\n10.9.9.9 - admin [x]');
    expect(reasonOf(parse({ format: 'nginx' }, injected))).toBe('control_character');
  });

  it('accepts one trailing newline', () => {
    expect(reasonOf(parse({ format: 'nginx' }, `${combined}\r\n`))).toBe('ok');
  });

  it('rejects raw ANSI escapes', () => {
    const line = combined.replace('curl/8.0', '\u001b[31mred\u001b[0m');
    const outcome = parse({ format: 'nginx' }, line);
    expect(reasonOf(outcome)).toBe('control_character');
    const index = combined.indexOf('curl/8.0');
    expect(errorOf(outcome).message).toBe(
      `line contains control character U+001b at index ${index}; such records are rejected`,
    );
  });

  it('rejects escaped ANSI in JSON values', () => {
    const line = JSON.stringify({
      start_time: '2025-01-01T00:00:00Z',
      method: 'GET',
      path: '/',
      response_code: 200,
      user_agent: '\u001b]0;owned\u0007',
    });
    const outcome = parse({ format: 'envoy-json' }, line);
    expect(reasonOf(outcome)).toBe('control_character');
    expect(errorOf(outcome).field).toBe('userAgent');
  });

  it('rejects bidirectional overrides', () => {
    const line = combined.replace('/index.html', '/admin\u202e/lmth.xedni');
    expect(reasonOf(parse({ format: 'nginx' }, line))).toBe('control_character');
  });

  it('keeps SQL-looking paths as text', () => {
    const line = combined.replace('/index.html', "/items/1'%20OR%20'1'='1;DROP%20TABLE%20x--");
    const outcome = parse({ format: 'nginx' }, line);
    expect(eventOf(outcome).path).toBe("/items/1'%20OR%20'1'='1;DROP%20TABLE%20x--");
  });

  it('names JSON fields of the wrong type', () => {
    const cases: [string, string][] = [
      ['{"start_time":"2025-01-01T00:00:00Z","response_code":"OK"}', 'response_code'],
      ['{"start_time":"2025-01-01T00:00:00Z","method":["GET"]}', 'method'],
      ['{"start_time":"2025-01-01T00:00:00Z","bytes_sent":-5}', 'bytes_sent'],
      ['{"start_time":12345}', 'start_time'],
    ];
    for (const [line, field] of cases) {
      const outcome = parse({ format: 'envoy-json' }, line);
      expect(reasonOf(outcome)).toBe('wrong_type');
      expect(errorOf(outcome).field).toBe(field);
    }
  });

  it('rejects JSON that is no object', () => {
    expect(reasonOf(parse({ format: 'nginx-json' }, '[1,2]'))).toBe('wrong_type');
    expect(reasonOf(parse({ format: 'nginx-json' }, '"text"'))).toBe('wrong_type');
    expect(reasonOf(parse({ format: 'envoy-json' }, '{"start_time":'))).toBe('bad_json');
  });

  it('rejects empty records', () => {
    expect(reasonOf(parse({ format: 'nginx' }, ''))).toBe('empty');
    expect(reasonOf(parse({ format: 'nginx' }, '  \n'))).toBe('empty');
  });

  it('rejects unknown formats in auto', () => {
    expect(reasonOf(parse({ format: 'auto' }, 'hello world'))).toBe('unknown_format');
  });

  it('adds the record position to errors', () => {
    const outcome = parse({ format: 'nginx' }, 'garbage');
    expect(errorOf(outcome).context).toEqual({
      reason: 'no_match',
      field: 'client',
      topic: 'logs',
      partition: 3,
      offset: '1001',
    });
  });

  it('rejects far-future timestamps', () => {
    const line = combined.replace('2015', '99999');
    expect(reasonOf(parse({ format: 'nginx' }, line))).toBe('bad_timestamp');
  });
});

describe('planted token', () => {
  const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzdmMtcGxhbnRlZCJ9.PLANTEDsig9f8e7d6c5b4a3';
  const apiKey = 'ak_live_PLANTED_5f4e3d2c1b0a99887766';
  const secrets = [token, apiKey, 'PLANTED', 'eyJzdWIiOiJzdmMtcGxhbnRlZCJ9'];
  const basic = Buffer.from(`robot:${apiKey}`).toString('base64');

  const records: [Omit<SourceConfigInput, 'topic'>, string][] = [
    [
      { format: 'nginx' },
      combined.replace('/index.html', `/index.html?access_token=${token}&page=1`),
    ],
    [
      { format: 'envoy-json', principal: 'jwt:sub' },
      JSON.stringify({
        start_time: '2025-01-01T00:00:00Z',
        path: `/v1/x?api_key=${apiKey}`,
        authorization: `Bearer ${token}`,
      }),
    ],
    [
      { format: 'nginx-json' },
      JSON.stringify({
        time_iso8601: '2025-01-01T00:00:00Z',
        request: 'GET /v1/x HTTP/1.1',
        http_authorization: `Basic ${basic}`,
      }),
    ],
    [
      { format: 'traefik' },
      JSON.stringify({
        StartUTC: '2025-01-01T00:00:00Z',
        RequestPath: '/v1/x',
        'request_X-Api-Key': apiKey,
      }),
    ],
    [
      { format: 'cloudflare' },
      JSON.stringify({
        EdgeStartTimestamp: '2025-01-01T00:00:00Z',
        EdgeEndTimestamp: '2025-01-01T00:00:01Z',
        ClientRequestURI: `/v1/x?token=${token}`,
        RequestHeaders: { authorization: `Bearer ${token}` },
      }),
    ],
    [
      { format: 'alb' },
      `https 2023-04-26T12:23:00.186641Z app/x/y 192.168.1.11:44740 10.0.0.1:80 0.001 0.001 0.001 200 200 0 57 "GET https://api.example.com:443/v1/x?key=${apiKey} HTTP/1.1" "curl/7.46.0" - - arn "Root=1-1" "api.example.com"`,
    ],
    [
      {
        format: 'json',
        principal: 'jwt:sub',
        fieldMapping: { timestamp: 'ts', path: 'req.path', headers: 'req.headers' },
      },
      JSON.stringify({
        ts: 1_735_689_600_000,
        req: { path: '/v1/x', headers: { Authorization: `Bearer ${token}` } },
      }),
    ],
  ];

  it.each(records)('never reaches a %o event', (source, record) => {
    const outcome = parse(source, record);
    expect(outcome.ok).toBe(true);
    const stored = JSON.stringify(outcome.ok ? outcome.event : {});
    for (const secret of secrets) expect(stored).not.toContain(secret);
    expect(eventOf(outcome).credential).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads the JWT subject without the token', () => {
    const [source, record] = records[1] ?? [{ format: 'nginx' }, ''];
    const outcome = parse(source, record);
    expect(eventOf(outcome).principal).toBe('svc-planted');
  });

  it('stays out of rejection messages', () => {
    const broken = JSON.stringify({
      start_time: '2025-01-01T00:00:00Z',
      authorization: `Bearer ${token}`,
      response_code: 'bad',
    });
    const outcome = parse({ format: 'envoy-json' }, broken);
    expect(outcome.ok).toBe(false);
    const error = outcome.ok ? undefined : outcome.error;
    const text = `${error?.message} ${JSON.stringify(error?.context)}`;
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
