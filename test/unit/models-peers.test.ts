import { describe, expect, it } from 'vitest';
import type { PeerGroupPrior, PrincipalBaseline } from '../../models/baseline.ts';
import { trainConfigSchema } from '../../models/config.ts';
import { assignPeerGroups, peerGroupCount } from '../../models/peers.ts';
import { buildPriors, priorFor, unseenPrincipalBaseline } from '../../models/prior.ts';
import { trainFromEvents } from '../../models/train-memory.ts';
import { accessEvent, generateTraffic } from './models-fixtures.ts';

const DAY_MS = 86_400_000;
const MONDAY_MS = Date.UTC(2026, 2, 2);
const NOW_MS = MONDAY_MS + 14 * DAY_MS;
const config = trainConfigSchema.parse({ minActiveDays: 3, minEvents: 10 });

/** Quiet principals (`quiet-*`) call once an hour; busy ones (`busy-*`) page through 30 ids a minute. */
function twoPopulations(): ReturnType<typeof accessEvent>[] {
  const events: ReturnType<typeof accessEvent>[] = [];
  for (let p = 0; p < 4; p++) {
    for (let hour = 0; hour < 14 * 24; hour += 1) {
      const timestamp = MONDAY_MS + hour * 3_600_000;
      events.push(accessEvent({ principal: `quiet-${p}`, timestamp, id: `q${p}-${hour}` }));
      for (let i = 0; i < 30; i++) {
        events.push(
          accessEvent({
            principal: `busy-${p}`,
            timestamp: timestamp + i * 2000,
            id: `b${p}-${hour}-${i}`,
            path: `/ticket/${i}`,
            bytesOut: 50_000,
          }),
        );
      }
    }
  }
  return events;
}

describe('peerGroupCount', () => {
  it('follows the square-root rule', () => {
    expect(peerGroupCount(0, 8)).toBe(0);
    expect(peerGroupCount(1, 8)).toBe(1);
    expect(peerGroupCount(8, 8)).toBe(2);
    expect(peerGroupCount(50, 8)).toBe(5);
    expect(peerGroupCount(200, 8)).toBe(8);
    expect(peerGroupCount(3, 1)).toBe(1);
  });
});

describe('assignPeerGroups', () => {
  const { baselines } = trainFromEvents(twoPopulations(), config, { nowMs: NOW_MS, version: 1 });

  it('separates two populations', () => {
    const group = (principal: string) => baselines.get(principal)!.peer!.group;
    // Groups are numbered by their first member in name order, and `busy-0` sorts first.
    expect([0, 1, 2, 3].map((p) => group(`busy-${p}`))).toEqual([0, 0, 0, 0]);
    expect([0, 1, 2, 3].map((p) => group(`quiet-${p}`))).toEqual([1, 1, 1, 1]);
    expect(baselines.get('busy-0')!.peer!.groupSize).toBe(4);
  });

  it('places identical members on the centroid', () => {
    const peer = baselines.get('quiet-2')!.peer!;
    expect(peer.distance).toBeCloseTo(0, 9);
    expect(peer.groupMedianDistance).toBeCloseTo(0, 9);
  });

  it('gives the same groups for the same data', () => {
    const traffic = generateTraffic({ principals: 30, days: 10, startMs: MONDAY_MS, seed: 3 });
    const first = trainFromEvents(traffic, config, { nowMs: NOW_MS, version: 1 });
    const second = trainFromEvents([...traffic].reverse(), config, { nowMs: NOW_MS, version: 1 });
    const groups = (result: typeof first) =>
      [...result.baselines.values()].map((b) => [b.principal, b.peer!.group, b.peer!.distance]);

    expect(groups(second)).toEqual(groups(first));
    expect(new Set(groups(first).map((g) => g[1])).size).toBe(4);
  });

  it('returns nothing for no baselines', () => {
    const result = assignPeerGroups([], { maxPeerGroups: 8, seed: 1 });
    expect(result.assignments.size).toBe(0);
  });
});

describe('priors', () => {
  const { baselines, priors } = trainFromEvents(twoPopulations(), config, {
    nowMs: NOW_MS,
    version: 1,
  });

  it('builds one prior per group and a global one', () => {
    expect(priors.map((p) => [p.group, p.members])).toEqual([
      [0, 4],
      [1, 4],
      [-1, 8],
    ]);
    // Busy principals send 30 requests a minute; the global median over 8 members is the mean
    // of the two middle values, 1 and 30.
    expect(priors[0]!.ratePerMinute.median).toBe(30);
    expect(priors[1]!.ratePerMinute.median).toBe(1);
    expect(priors[2]!.ratePerMinute.median).toBe(15.5);
  });

  it('keeps the hour-of-week probability summing to 1', () => {
    const sum = priors[2]!.hourOfWeekProbability.reduce((total, p) => total + p, 0);
    expect(sum).toBeCloseTo(1, 12);
  });

  it('finds the prior of a principal', () => {
    expect(priorFor(priors, baselines.get('quiet-1'))!.group).toBe(1);
    expect(priorFor(priors)!.group).toBe(-1);
    expect(priorFor([], baselines.get('quiet-1'))).toBeUndefined();
  });

  it('falls back to the global prior for an unknown group', () => {
    const stray = {
      ...baselines.get('quiet-1')!,
      peer: { ...baselines.get('quiet-1')!.peer!, group: 9 },
    };
    expect(priorFor(priors, stray)!.group).toBe(-1);
  });

  it('builds a baseline for an unseen principal', () => {
    const prior = priorFor(priors) as PeerGroupPrior;
    const baseline = unseenPrincipalBaseline('svc-unseen', prior, {
      version: 1,
      timeZone: 'UTC',
      nowMs: NOW_MS,
    });
    expect(baseline.mature).toBe(false);
    expect(baseline.fromPeerPrior).toBe(true);
    expect(baseline.eventCount).toBe(0);
    expect(baseline.routes).toEqual([]);
    expect(baseline.ratePerMinute).toEqual(prior.ratePerMinute);
    expect(baseline.hourOfWeekProbability).toEqual(prior.hourOfWeekProbability);
  });

  it('skips baselines without a group', () => {
    const ungrouped: PrincipalBaseline[] = [...baselines.values()].map((b) => {
      const copy = { ...b };
      delete copy.peer;
      return copy;
    });
    expect(buildPriors(ungrouped).map((p) => p.group)).toEqual([-1]);
  });
});
