import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { Secret } from '../../core/secret.ts';
import type { AccessEvent } from '../../schemas/access-event.ts';
import {
  createRecordParser,
  loadOpenApiRoutes,
  OpenApiRoutes,
  OVERFLOW_ROUTE,
  RouteBound,
  type ParseOutcome,
} from '../../ingest/parse.ts';
import { fingerprintCredential } from '../../ingest/normalize/credential.ts';
import { decodeJwtClaims } from '../../ingest/normalize/jwt.ts';
import { templatePath } from '../../ingest/normalize/route-template.ts';
import type { SourceConfigInput } from '../../ingest/source-config.ts';

/** Returns the event of an accepted record; a rejection fails the test with its reason. */
function eventOf(outcome: ParseOutcome): AccessEvent {
  if (!outcome.ok) throw outcome.error;
  return outcome.event;
}

const key = new Secret('test-key', 'test');
const meta = { topic: 'logs', partition: 0, offset: '7' };

function jwt(claims: Record<string, unknown>): string {
  const encode = (value: unknown): string =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}.c2lnbmF0dXJl`;
}

/** Builds an Envoy Gateway JSON line with extra keys, such as logged request headers. */
function envoyLine(extra: Record<string, unknown>, path = '/api/v1/items/5'): string {
  return JSON.stringify({
    start_time: '2025-01-01T00:00:00.000Z',
    method: 'GET',
    'x-envoy-origin-path': path,
    ':authority': 'api.internal',
    response_code: 200,
    downstream_remote_address: '10.0.0.5:4000',
    ...extra,
  });
}

function parseEnvoy(extra: Record<string, unknown>, source: Partial<SourceConfigInput> = {}) {
  const parse = createRecordParser(
    { topic: 'logs', format: 'envoy-json', ...source },
    { credentialKey: key },
  );
  const outcome = parse(Buffer.from(envoyLine(extra)), meta);
  if (!outcome.ok) throw outcome.error;
  return outcome.event;
}

describe('route templating', () => {
  const cases: [string, string][] = [
    ['/rest/api/2/issue/84213', '/rest/api/2/issue/{id}'],
    ['/users/3f2b6c1e-8d4a-4b7e-9c2f-1a2b3c4d5e6f/keys', '/users/{uuid}/keys'],
    ['/blobs/9e107d9d372bb6826bd81d3542a419d6', '/blobs/{hash}'],
    ['/reports/2024-03-01', '/reports/{date}'],
    ['/reports/2024-03-01T10:00:00Z/pdf', '/reports/{date}/pdf'],
    ['/members/alice@example.com', '/members/{email}'],
    ['/members/alice%40example.com', '/members/{email}'],
    [
      '/.well-known/acme-challenge/FMuukC2JOJ5HKmLBujjE_BkDo',
      '/.well-known/acme-challenge/{token}',
    ],
    ['/sessions/a8f3k2j4l5m6n7b8v9c0', '/sessions/{token}'],
    [
      '/presentations/logstash-monitorama-2013/images',
      '/presentations/logstash-monitorama-2013/images',
    ],
    ['/v2/app/', '/v2/app/'],
    ['/', '/'],
    ['//double//slash', '//double//slash'],
    ['/api/3/items/12', '/api/3/items/{id}'],
    ['/deadbeef', '/deadbeef'],
  ];

  it.each(cases)('templates %s', (path, route) => {
    expect(templatePath(path)).toBe(route);
  });
});

describe('openapi routes', () => {
  const routes = new OpenApiRoutes(['/pets/{petId}', '/pets/mine', '/pets/{petId}/toys/{toyId}']);

  it('prefers a literal segment', () => {
    expect(routes.match('/pets/mine')).toBe('/pets/mine');
    expect(routes.match('/pets/rex')).toBe('/pets/{petId}');
  });

  it('matches nested parameters', () => {
    expect(routes.match('/pets/rex/toys/ball')).toBe('/pets/{petId}/toys/{toyId}');
  });

  it('misses unknown paths', () => {
    expect(routes.match('/pets')).toBeUndefined();
    expect(routes.match('/pets/rex/food')).toBeUndefined();
    expect(routes.match('/pets//toys/ball')).toBeUndefined();
  });

  it('loads a YAML document with a server path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eastwatch-openapi-'));
    const file = join(dir, 'api.yaml');
    writeFileSync(
      file,
      'openapi: 3.0.3\nservers:\n  - url: https://jira.corp/rest/api/2\npaths:\n  /issue/{issueIdOrKey}:\n    get: {}\n',
    );
    expect(loadOpenApiRoutes(file).match('/rest/api/2/issue/PROJ-12')).toBe(
      '/rest/api/2/issue/{issueIdOrKey}',
    );
  });

  it('rejects a file without paths', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eastwatch-openapi-'));
    const file = join(dir, 'api.json');
    writeFileSync(file, '{"openapi":"3.0.3"}');
    expect(() => loadOpenApiRoutes(file)).toThrow(ConfigError);
  });

  it('falls back to templating', () => {
    const parse = createRecordParser(
      { topic: 'logs', format: 'envoy-json' },
      { credentialKey: key, openApiRoutes: new OpenApiRoutes(['/api/v1/users/{userId}']) },
    );
    const known = parse(Buffer.from(envoyLine({}, '/api/v1/users/42')), meta);
    const unknown = parse(Buffer.from(envoyLine({}, '/api/v1/items/42')), meta);
    expect(eventOf(known).route).toBe('/api/v1/users/{userId}');
    expect(eventOf(unknown).route).toBe('/api/v1/items/{id}');
  });
});

describe('route bound', () => {
  it('overflows past the limit', () => {
    const bound = new RouteBound(2, 10);
    expect(bound.admit('a', '/x')).toBe('/x');
    expect(bound.admit('a', '/y')).toBe('/y');
    expect(bound.admit('a', '/z')).toBe(OVERFLOW_ROUTE);
    expect(bound.admit('a', '/x')).toBe('/x');
    expect(bound.admit('b', '/z')).toBe('/z');
    expect(bound.overflowCount).toBe(1);
  });

  it('bounds the number of hosts', () => {
    const bound = new RouteBound(5, 1);
    expect(bound.admit('a', '/x')).toBe('/x');
    expect(bound.admit('b', '/x')).toBe(OVERFLOW_ROUTE);
    expect(bound.overflowCount).toBe(1);
  });

  it('applies per parser', () => {
    const routeBound = new RouteBound(3, 10);
    const parse = createRecordParser(
      { topic: 'logs', format: 'envoy-json' },
      { credentialKey: key, routeBound },
    );
    const routes = ['/a', '/b', '/c', '/d', '/e', '/a'].map((path) => {
      const outcome = parse(Buffer.from(envoyLine({}, path)), meta);
      return outcome.ok ? outcome.event.route : outcome.error.reason;
    });
    expect(routes).toEqual(['/a', '/b', '/c', OVERFLOW_ROUTE, OVERFLOW_ROUTE, '/a']);
    expect(routeBound.overflowCount).toBe(2);
  });
});

describe('principal rules', () => {
  const token = jwt({ sub: 'svc-chat-bot', client_id: 'chat', org: { team: 'bots' }, n: 7 });

  it('reads a JWT claim', () => {
    const headers = { authorization: `Bearer ${token}` };
    expect(parseEnvoy(headers, { principal: 'jwt:sub' }).principal).toBe('svc-chat-bot');
    expect(parseEnvoy(headers, { principal: 'jwt:org.team' }).principal).toBe('bots');
    expect(parseEnvoy(headers, { principal: 'jwt:n' }).principal).toBe('7');
  });

  it('leaves a missing claim empty', () => {
    const headers = { authorization: `Bearer ${token}` };
    expect(parseEnvoy(headers, { principal: 'jwt:email' }).principal).toBe('');
    expect(parseEnvoy({}, { principal: 'jwt:sub' }).principal).toBe('');
    expect(
      parseEnvoy({ authorization: 'Bearer not-a-jwt' }, { principal: 'jwt:sub' }).principal,
    ).toBe('');
  });

  it('reads a logged header', () => {
    const event = parseEnvoy({ 'x-client-id': 'billing' }, { principal: 'header:X-Client-Id' });
    expect(event.principal).toBe('billing');
    expect(parseEnvoy({}, { principal: 'header:X-Client-Id' }).principal).toBe('');
  });

  it('reads the mTLS identity', () => {
    const xfcc = 'By=spiffe://corp/ns/api/sa/server;Hash=abc;URI=spiffe://corp/ns/bots/sa/chat';
    const fromHeader = parseEnvoy({ 'x-forwarded-client-cert': xfcc }, { principal: 'mtls' });
    const fromSan = parseEnvoy(
      { downstream_peer_uri_san: 'spiffe://corp/ns/ci/sa/deployer' },
      { principal: 'mtls' },
    );
    expect(fromHeader.principal).toBe('spiffe://corp/ns/bots/sa/chat');
    expect(fromSan.principal).toBe('spiffe://corp/ns/ci/sa/deployer');
  });

  it('reads a field path', () => {
    const event = parseEnvoy({ caller: { id: 'svc-7' } }, { principal: 'field:caller.id' });
    expect(event.principal).toBe('svc-7');
  });

  it('uses the client address', () => {
    expect(parseEnvoy({}, { principal: 'ip' }).principal).toBe('10.0.0.5');
  });

  it('rejects a credential header rule', () => {
    const source = {
      topic: 'logs',
      format: 'envoy-json',
      principal: 'header:Authorization',
    } as const;
    expect(() => createRecordParser(source, { credentialKey: key })).toThrow(ConfigError);
  });

  it('rejects field rules on text formats', () => {
    const source = { topic: 'logs', format: 'nginx', principal: 'field:user' } as const;
    expect(() => createRecordParser(source, { credentialKey: key })).toThrow(
      /field:user needs a JSON or Avro format/,
    );
  });
});

describe('jwt decoding', () => {
  it('returns the payload claims', () => {
    expect(decodeJwtClaims(jwt({ sub: 'a' }))).toEqual({ sub: 'a' });
  });

  it('ignores malformed tokens', () => {
    expect(decodeJwtClaims('a.b')).toBeUndefined();
    expect(decodeJwtClaims('a.!!!.c')).toBeUndefined();
    expect(decodeJwtClaims(`x.${Buffer.from('[1]').toString('base64url')}.y`)).toBeUndefined();
  });
});

describe('credential fingerprint', () => {
  it('matches the HMAC-SHA256 test vector', () => {
    // Same value as `printf %s "$fox" | openssl dgst -sha256 -hmac key`.
    const fox = 'The quick brown fox jumps over the lazy dog';
    expect(fingerprintCredential(fox, new Secret('key', 'test'))).toBe(
      'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });

  it('stays empty without a credential', () => {
    expect(parseEnvoy({}).credential).toBe('');
  });

  it('follows one token across schemes', () => {
    const bearer = parseEnvoy({ authorization: 'Bearer abc.def.ghi' }).credential;
    const lowerCase = parseEnvoy({ authorization: 'bearer abc.def.ghi' }).credential;
    const apiKey = parseEnvoy({ 'x-api-key': 'abc.def.ghi' }).credential;
    expect(bearer).toHaveLength(64);
    expect(lowerCase).toBe(bearer);
    expect(apiKey).toBe(bearer);
  });

  it('reads a token query parameter', () => {
    const parse = createRecordParser(
      { topic: 'logs', format: 'envoy-json' },
      { credentialKey: key },
    );
    const line = envoyLine({}, '/api/v1/items?access_token=abc.def.ghi&page=2');
    const outcome = parse(Buffer.from(line), meta);
    expect(eventOf(outcome).credential).toBe(
      parseEnvoy({ authorization: 'Bearer abc.def.ghi' }).credential,
    );
    expect(eventOf(outcome).path).toBe('/api/v1/items');
  });

  it('depends on the key', () => {
    const other = createRecordParser(
      { topic: 'logs', format: 'envoy-json' },
      { credentialKey: new Secret('other-key', 'test') },
    );
    const line = envoyLine({ authorization: 'Bearer abc.def.ghi' });
    const outcome = other(Buffer.from(line), meta);
    expect(eventOf(outcome).credential).not.toBe(
      parseEnvoy({ authorization: 'Bearer abc.def.ghi' }).credential,
    );
  });
});

describe('source config', () => {
  it('rejects an unknown time zone', () => {
    const source = { topic: 'logs', format: 'haproxy', timeZone: 'Mars/Base' } as const;
    expect(() => createRecordParser(source, { credentialKey: key })).toThrow(
      /expected an IANA time zone/,
    );
  });

  it('requires a mapping for json', () => {
    const source = { topic: 'logs', format: 'json' } as const;
    expect(() => createRecordParser(source, { credentialKey: key })).toThrow(/needs fieldMapping/);
  });

  it('rejects unknown keys', () => {
    const source = { topic: 'logs', format: 'nginx', principle: 'user' };
    expect(() => createRecordParser(source as never, { credentialKey: key })).toThrow(ConfigError);
  });
});
