import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCombined } from '../../ingest/parsers/combined.ts';
import type { RawRequest } from '../../ingest/parsers/raw-request.ts';
import { RecordParseError } from '../../ingest/parsers/record-error.ts';
import { pathOf, templatePath } from '../../ingest/normalize/route-template.ts';
import { trainConfigSchema } from '../../models/config.ts';
import { trainFromEvents } from '../../models/train-memory.ts';
import { policyConfigSchema } from '../../policy/config.ts';
import { istioObjects } from '../../policy/export/istio.ts';
import { learnPolicies } from '../../policy/learn.ts';
import { groupingOf } from '../../policy/openapi.ts';
import { istioPath } from '../../policy/paths.ts';
import type { AccessEvent } from '../../schemas/access-event.ts';
import { istioProblems } from './policy-checks.ts';

// Real traffic to semicomplete.com in May 2015 (Apache combined format, Apache-2.0; see
// test/fixtures/apache-combined/PROVENANCE.md). The log has no service identity, so each client
// address is used as a principal. Only clients with at least MIN_CLIENT_EVENTS requests are
// kept (75 clients, 4,291 lines), which keeps the trainer's peer grouping within seconds.
const LOG = 'test/fixtures/apache-combined/apache_logs';
const HOST = 'semicomplete.com';
const MIN_ROUTE_COUNT = 3;
const MIN_CLIENT_EVENTS = 20;

function parseLine(line: string): RawRequest | undefined {
  try {
    return parseCombined(line, 'UTC');
  } catch (error) {
    if (error instanceof RecordParseError) return undefined;
    throw error;
  }
}

function readEvents(): AccessEvent[] {
  const lines = readFileSync(LOG, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0);
  const events: AccessEvent[] = [];
  lines.forEach((line, offset) => {
    const raw = parseLine(line);
    if (!raw) return;
    const path = pathOf(raw.target);
    events.push({
      id: `apache-${offset}`,
      timestamp: raw.timestampMs ?? 0,
      principal: `ip-${raw.sourceIp}`,
      credential: '',
      sourceIp: raw.sourceIp,
      userAgent: raw.userAgent,
      method: raw.method.toUpperCase(),
      host: HOST,
      path,
      route: templatePath(path),
      status: raw.status,
      bytesIn: raw.bytesIn,
      bytesOut: raw.bytesOut,
      durationMs: raw.durationMs,
      proxy: 'apache',
      topic: '',
      partition: -1,
      offset,
    });
  });
  const perClient = new Map<string, number>();
  for (const e of events) perClient.set(e.principal, (perClient.get(e.principal) ?? 0) + 1);
  return events.filter((e) => perClient.get(e.principal)! >= MIN_CLIENT_EVENTS);
}

/** `principal method host path` of every Istio operation, one per method and path. */
function allowedPairs(objects: ReturnType<typeof istioObjects>): Set<string> {
  const pairs = new Set<string>();
  for (const object of objects) {
    for (const rule of object.spec.rules ?? []) {
      const principal = rule.from[0]!.source.principals[0]!;
      for (const { operation } of rule.to) {
        for (const method of operation.methods) {
          pairs.add(`${principal} ${method} ${operation.hosts[0]} ${operation.paths[0]}`);
        }
      }
    }
  }
  return pairs;
}

describe('policy from real apache logs', () => {
  const events = readEvents();
  const windowEndMs = Math.max(...events.map((e) => e.timestamp)) + 1;
  const trainConfig = trainConfigSchema.parse({
    maxSeenValues: 10_000,
    minEvents: 1,
    minActiveDays: 1,
  });
  const { baselines } = trainFromEvents(events, trainConfig, {
    nowMs: windowEndMs,
    version: 1,
    windowStartMs: 0,
    windowEndMs,
  });
  const config = policyConfigSchema.parse({});
  const principals = learnPolicies(baselines.values(), {
    ...groupingOf(config),
    minRouteCount: MIN_ROUTE_COUNT,
  });
  const objects = istioObjects(principals, config.istio, 'enforce', 1);

  const counts = new Map<string, number>();
  for (const e of events) {
    const key = `${e.principal} ${e.method} ${e.host} ${e.route}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }

  it('trains every busy client', () => {
    expect(events).toHaveLength(4_291);
    expect(baselines.size).toBe(75);
  });

  it('allows exactly the observed pairs', () => {
    const expected = new Set<string>();
    for (const [key, count] of counts) {
      if (count < MIN_ROUTE_COUNT) continue;
      const [principal, method, host, route] = key.split(' ') as [string, string, string, string];
      expected.add(`${principal} ${method} ${host} ${istioPath(route, 'template')}`);
    }
    expect(expected.size).toBeGreaterThan(100);
    expect(allowedPairs(objects)).toEqual(expected);
  });

  it('lists rarer pairs for review', () => {
    const candidates = principals.reduce((n, p) => n + p.reviewCandidates.length, 0);
    const rare = [...counts.values()].filter((count) => count < MIN_ROUTE_COUNT).length;
    expect(candidates).toBe(rare);
  });

  it('passes the Istio field rules', () => {
    const problems = objects.flatMap((o) => istioProblems(o as never));
    expect(problems).toEqual([]);
  });
});
