import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../core/secret.ts';
import {
  createRecordParser,
  type ParseOutcome,
  type RecordParseError,
} from '../../ingest/parse.ts';
import type { SourceConfigInput } from '../../ingest/source-config.ts';
import type { AccessEvent } from '../../schemas/access-event.ts';

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
const meta = { topic: 'logs', partition: 0, offset: '42' };
// sha256("logs\0" + "0\0" + "42\0"), the id of a record without a request id at this position.
const positionId = 'k-dbdbdaa1e7d0be56676c1d7673ac25ae';

function fixtureLines(file: string): string[] {
  const text = readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8');
  return text.split('\n').filter((line) => line !== '');
}

function parseLine(source: Omit<SourceConfigInput, 'topic'>, line: string): ParseOutcome {
  return createRecordParser({ topic: 'logs', ...source }, { credentialKey: key })(
    Buffer.from(line),
    meta,
  );
}

function event(fields: Partial<AccessEvent>): AccessEvent {
  return {
    id: positionId,
    timestamp: 0,
    principal: '',
    credential: '',
    sourceIp: '',
    userAgent: '',
    method: '',
    host: '',
    path: '',
    route: '',
    status: 0,
    bytesIn: 0,
    bytesOut: 0,
    durationMs: 0,
    proxy: 'nginx',
    topic: 'logs',
    partition: 0,
    offset: 42,
    ...fields,
  };
}

describe('combined log parser', () => {
  it('parses a real Apache line', () => {
    const [line] = fixtureLines('apache-combined/apache_logs');
    expect(parseLine({ format: 'apache', principal: 'ip' }, line ?? '')).toEqual({
      ok: true,
      event: event({
        timestamp: Date.UTC(2015, 4, 17, 10, 5, 3),
        principal: '83.149.9.216',
        sourceIp: '83.149.9.216',
        userAgent:
          'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.36',
        method: 'GET',
        path: '/presentations/logstash-monitorama-2013/images/kibana-search.png',
        route: '/presentations/logstash-monitorama-2013/images/kibana-search.png',
        status: 200,
        bytesOut: 203023,
        proxy: 'apache',
      }),
    });
  });

  it('parses every line of the real Apache log', () => {
    const parse = createRecordParser({ topic: 'logs', format: 'apache' }, { credentialKey: key });
    const lines = fixtureLines('apache-combined/apache_logs');
    const rejected = lines
      .map((line, index) => parse(Buffer.from(line), { ...meta, offset: String(index) }))
      .filter((outcome) => !outcome.ok);
    expect(lines).toHaveLength(10_000);
    expect(rejected).toEqual([]);
  });

  it('takes the client after a quoted forwarded chain', () => {
    const line = fixtureLines('nginx-combined/test.log')[4] ?? '';
    expect(parseLine({ format: 'nginx' }, line)).toEqual({
      ok: true,
      event: event({
        timestamp: Date.UTC(2016, 0, 22, 13, 18, 29),
        sourceIp: '10.2.1.185',
        userAgent: 'Amazon CloudFront',
        method: 'GET',
        path: '/assets/xxxx',
        route: '/assets/xxxx',
        status: 200,
        bytesOut: 25507,
      }),
    });
  });

  it('takes the last address of a bare forwarded chain', () => {
    const line = fixtureLines('nginx-combined/test.log')[0] ?? '';
    const outcome = parseLine({ format: 'nginx' }, line);
    expect(eventOf(outcome).sourceIp).toBe('127.0.0.1');
    expect(eventOf(outcome).timestamp).toBe(Date.UTC(2016, 11, 7, 10, 5, 7));
  });

  it('keeps an empty request with its status', () => {
    const line = fixtureLines('nginx-combined/test.log')[6] ?? '';
    expect(parseLine({ format: 'nginx' }, line)).toEqual({
      ok: true,
      event: event({
        timestamp: Date.UTC(2018, 3, 12, 7, 48, 40),
        sourceIp: '127.0.0.1',
        status: 400,
      }),
    });
  });

  it('reads a virtual host prefix as the host', () => {
    const line = fixtureLines('apache-combined/test.log')[6] ?? '';
    expect(parseLine({ format: 'apache' }, line)).toEqual({
      ok: true,
      event: event({
        timestamp: Date.UTC(2019, 6, 4, 7, 20, 46),
        sourceIp: '123.123.123.123',
        userAgent:
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/75.0.3770.100 Safari/537.36',
        method: 'GET',
        host: 'vhost1.domaine.fr',
        path: '/',
        route: '/',
        status: 200,
        bytesOut: 32953,
        proxy: 'apache',
      }),
    });
  });

  it('parses the common format without user agent', () => {
    const line = fixtureLines('apache-combined/test.log')[0] ?? '';
    expect(parseLine({ format: 'apache' }, line)).toEqual({
      ok: true,
      event: event({
        timestamp: Date.UTC(2016, 11, 26, 14, 16, 29),
        sourceIp: '::1',
        method: 'GET',
        path: '/favicon.ico',
        route: '/favicon.ico',
        status: 404,
        bytesOut: 209,
        proxy: 'apache',
      }),
    });
  });

  it('uses the remote user as principal', () => {
    const line =
      '10.1.2.3 - chat-bot [17/May/2015:10:05:03 +0000] "GET /rest/api/2/issue/84213?fields=summary HTTP/1.1" 200 512 "-" "bot/1.0"';
    expect(parseLine({ format: 'nginx', principal: 'user', host: 'Jira.Corp' }, line)).toEqual({
      ok: true,
      event: event({
        timestamp: Date.UTC(2015, 4, 17, 10, 5, 3),
        principal: 'chat-bot',
        sourceIp: '10.1.2.3',
        userAgent: 'bot/1.0',
        method: 'GET',
        host: 'jira.corp',
        path: '/rest/api/2/issue/84213',
        route: '/rest/api/2/issue/{id}',
        status: 200,
        bytesOut: 512,
      }),
    });
  });

  it('leaves a dash user without principal', () => {
    const line = fixtureLines('nginx-combined/nginx_http-logs.log')[0] ?? '';
    const outcome = parseLine({ format: 'nginx', principal: 'user' }, line);
    expect(eventOf(outcome).principal).toBe('');
    expect(eventOf(outcome).route).toBe('/.well-known/acme-challenge/{token}');
  });

  it('parses the real NGINX samples', () => {
    const lines = [
      ...fixtureLines('nginx-combined/test.log'),
      ...fixtureLines('nginx-combined/nginx_http-logs.log'),
    ];
    const reasons = lines.map((line) => {
      const outcome = parseLine({ format: 'nginx' }, line);
      return outcome.ok ? 'ok' : outcome.error.reason;
    });
    // The sample ends with a line missing its ident field and a line of the NGINX error log.
    const expected = lines.map(() => 'ok');
    expected.splice(-2, 2, 'no_match', 'no_match');
    expect(reasons).toEqual(expected);
  });

  it('accepts a user agent cut off at the end', () => {
    const line = fixtureLines('apache-combined/apache_logs')[8898] ?? '';
    const outcome = parseLine({ format: 'apache' }, line);
    expect(eventOf(outcome).userAgent).toBe(
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html',
    );
  });

  it('rejects a line without time', () => {
    const outcome = parseLine({ format: 'nginx' }, '10.0.0.1 - - "GET / HTTP/1.1" 200 1');
    expect(outcome.ok).toBe(false);
    expect(errorOf(outcome).reason).toBe('no_match');
    expect(errorOf(outcome).code).toBe('RECORD_INVALID');
    expect(errorOf(outcome).retriable).toBe(false);
  });

  it('rejects a bad month', () => {
    const line = '10.0.0.1 - - [17/Foo/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 1 "-" "-"';
    const outcome = parseLine({ format: 'nginx' }, line);
    expect(errorOf(outcome).reason).toBe('bad_timestamp');
    expect(errorOf(outcome).field).toBe('time');
  });
});

describe('traefik common log parser', () => {
  it('reads the duration after the router', () => {
    const line = fixtureLines('traefik-clf/test.log')[0] ?? '';
    expect(parseLine({ format: 'traefik' }, line)).toEqual({
      ok: true,
      event: event({
        timestamp: Date.UTC(2017, 9, 2, 20, 22, 7),
        sourceIp: '192.168.33.1',
        userAgent:
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/61.0.3163.100 Safari/537.36',
        method: 'GET',
        path: '/ui/favicons/favicon-16x16.png',
        route: '/ui/favicons/favicon-16x16.png',
        status: 304,
        durationMs: 2,
        proxy: 'traefik',
      }),
    });
  });

  it('survives a broken router quote', () => {
    const line = fixtureLines('traefik-clf/test.log')[1] ?? '';
    const outcome = parseLine({ format: 'traefik' }, line);
    expect(eventOf(outcome).path).toBe('/ui/favicons/favicon.ico');
    expect(eventOf(outcome).durationMs).toBe(3);
  });
});
