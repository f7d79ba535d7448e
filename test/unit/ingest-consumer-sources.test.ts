import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { resolveSources } from '../../ingest/consumer/sources.ts';
import { sourceConfigSchema, type SourceConfig } from '../../ingest/source-config.ts';

const configured: SourceConfig[] = [
  sourceConfigSchema.parse({ topic: 'gateway', format: 'nginx', principal: 'header:x-client-id' }),
  sourceConfigSchema.parse({ topic: 'legacy', format: 'apache', principal: 'user' }),
];

describe('resolveSources', () => {
  it('uses every configured source without flags', () => {
    const sources = resolveSources(configured, { topics: [] });
    expect(sources.map((s) => [s.topic, s.format, s.principal])).toEqual([
      ['gateway', 'nginx', 'header:x-client-id'],
      ['legacy', 'apache', 'user'],
    ]);
  });

  it('selects configured topics by flag', () => {
    const sources = resolveSources(configured, { topics: ['legacy'] });
    expect(sources.map((s) => [s.topic, s.format, s.principal])).toEqual([
      ['legacy', 'apache', 'user'],
    ]);
  });

  it('lets flags override the configured source', () => {
    const sources = resolveSources(configured, {
      topics: ['gateway', 'new-topic', 'gateway'],
      format: 'apache',
      principal: 'ip',
    });
    expect(sources.map((s) => [s.topic, s.format, s.principal])).toEqual([
      ['gateway', 'apache', 'ip'],
      ['new-topic', 'apache', 'ip'],
    ]);
    expect(sources[1]!.maxLineBytes).toBe(65_536);
  });

  it('rejects a topic without format', () => {
    expect(() => resolveSources(configured, { topics: ['other'] })).toThrow(
      'topic other has no format; pass --format or add the topic to ingest.sources',
    );
  });

  it('rejects an unknown format', () => {
    expect(() => resolveSources([], { topics: ['t'], format: 'syslog' })).toThrow(ConfigError);
  });

  it('rejects an invalid principal rule', () => {
    expect(() =>
      resolveSources([], { topics: ['t'], format: 'nginx', principal: 'cookie' }),
    ).toThrow(/source of topic t is invalid: principal: expected user, ip, mtls/);
  });

  it('rejects nothing to consume', () => {
    expect(() => resolveSources([], { topics: [] })).toThrow(/no topic to ingest/);
  });
});
