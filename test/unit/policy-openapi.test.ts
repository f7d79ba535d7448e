import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDurationMs } from '../../policy/duration.ts';
import { groupOf } from '../../policy/groups.ts';
import { groupingOf, loadTagLookup, tagsOfDocument } from '../../policy/openapi.ts';

const dir = mkdtempSync(join(tmpdir(), 'eastwatch-openapi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OPENAPI_YAML = `
openapi: 3.0.3
info: { title: wiki, version: "1" }
servers:
  - url: https://wiki.corp/rest/api
paths:
  /content/{pageId}:
    get:
      tags: [content]
    put:
      tags: [content-admin, content]
  /space:
    get:
      summary: untagged
`;

const SWAGGER_JSON = JSON.stringify({
  swagger: '2.0',
  basePath: '/rest/api/2/',
  paths: { '/issue/{issueIdOrKey}/comment': { post: { tags: ['comments'] } } },
});

describe('tagsOfDocument', () => {
  it('keys tags by method and anonymous template', () => {
    const tags = tagsOfDocument(
      { paths: { '/a/{x}': { get: { tags: ['t1', 't2'] }, post: {} } } },
      'f',
    );
    expect([...tags]).toEqual([['GET /a/{}', 't1']]);
  });

  it('rejects a document without paths', () => {
    expect(() => tagsOfDocument({ openapi: '3.0.0' }, 'f.yaml')).toThrow(
      'OpenAPI document f.yaml has no paths object',
    );
  });
});

describe('loadTagLookup', () => {
  writeFileSync(join(dir, 'wiki.yaml'), OPENAPI_YAML);
  writeFileSync(join(dir, 'tickets.json'), SWAGGER_JSON);
  const tagOf = loadTagLookup([
    { host: 'wiki.corp', file: join(dir, 'wiki.yaml') },
    { host: 'tickets.corp', file: join(dir, 'tickets.json') },
  ])!;

  it('reads YAML with a server path', () => {
    expect(tagOf('GET', 'wiki.corp', '/rest/api/content/{id}')).toBe('content');
    expect(tagOf('put', 'wiki.corp', '/rest/api/content/{id}')).toBe('content-admin');
  });

  it('reads JSON with a base path', () => {
    expect(tagOf('POST', 'tickets.corp', '/rest/api/2/issue/{id}/comment')).toBe('comments');
  });

  it('returns nothing for untagged or other hosts', () => {
    expect(tagOf('GET', 'wiki.corp', '/rest/api/space')).toBeUndefined();
    expect(tagOf('GET', 'other.corp', '/rest/api/content/{id}')).toBeUndefined();
    expect(tagOf('DELETE', 'wiki.corp', '/rest/api/content/{id}')).toBeUndefined();
  });

  it('returns undefined without documents', () => {
    expect(loadTagLookup([])).toBeUndefined();
  });

  it('rejects an unreadable file', () => {
    expect(() => loadTagLookup([{ host: 'h', file: join(dir, 'missing.yaml') }])).toThrow(
      /cannot be read as JSON or YAML/,
    );
  });
});

describe('groupingOf', () => {
  it('groups tagged operations by tag, others by prefix', () => {
    const grouping = groupingOf({
      groupPrefixSegments: 1,
      groupRootSegments: '^(api|rest|v[0-9]+|[0-9]+)$',
      openapi: [{ host: 'wiki.corp', file: join(dir, 'wiki.yaml') }],
    });
    expect(groupOf('GET', 'wiki.corp', '/rest/api/content/{id}', grouping)).toBe(
      'wiki.corp#content',
    );
    expect(groupOf('GET', 'wiki.corp', '/rest/api/space', grouping)).toBe(
      'wiki.corp/rest/api/space',
    );
    expect(groupOf('GET', 'tickets.corp', '/REST/API/2/issue/{id}', grouping)).toBe(
      'tickets.corp/REST/API/2/issue',
    );
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['24h', 86_400_000],
    ['30m', 1_800_000],
    ['7d', 604_800_000],
    ['15s', 15_000],
    ['250ms', 250],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['', '0h', '-1h', '1.5h', '24', 'h', '24w'])('rejects %j', (text) => {
    expect(() => parseDurationMs(text)).toThrow(/is invalid; use a positive whole number/);
  });
});
