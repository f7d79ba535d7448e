import type { ServiceRoutine } from '../demo/gateway-traffic.ts';
import type { FleetMember } from './fleet.ts';
import {
  routineSegments,
  scoredWeekdayAt,
  switchRoutine,
  type Scenario,
  type ScenarioContext,
  type ScenarioEffect,
  type TrafficSegment,
} from './scenario.ts';
import { DAY_MS, EU_SUMMER_TIME_END_MS, HOUR_MS, US_SUMMER_TIME_END_MS } from './timeline.ts';

/**
 * The benign changes: real operations that alter a principal's traffic without any misuse.
 * Each is judged from the change until the end of the scoring period; a `high` alert on the
 * target in that window is a false high.
 */

function benignEffect(
  scenario: string,
  member: FleetMember,
  context: ScenarioContext,
  startMs: number,
  description: string,
): ScenarioEffect {
  return {
    label: {
      scenario,
      kind: 'benign',
      instance: context.instance,
      principal: member.routine.principal,
      startMs,
      endMs: context.timeline.endMs,
      description,
    },
  };
}

const matureSchedule = (m: FleetMember): boolean => m.schedule !== 'nightly';

/** A release: three new routes on the principal's own host, from 10:00 local on a weekday. */
const release: Scenario = {
  name: 'release',
  kind: 'benign',
  accepts: matureSchedule,
  build(target, context) {
    const member = target!;
    const atMs = scoredWeekdayAt(
      context.timeline,
      member.routine.timeZone,
      2 + 6 * context.instance,
      10,
      0,
    );
    const host = member.routine.calls[0]!.host;
    const name = host.split('.')[0]!;
    const added: ServiceRoutine['calls'] = [
      { method: 'GET', host, path: (r) => `/api/v2/${name}/${r.int(1, 5000)}`, weight: 3 },
      { method: 'GET', host, path: () => `/api/v2/${name}/summary`, weight: 1 },
      { method: 'POST', host, path: () => `/api/v2/${name}/batch`, weight: 1 },
    ];
    const next = { ...member.routine, calls: [...member.routine.calls, ...added] };
    return {
      ...benignEffect(
        'release',
        member,
        context,
        atMs,
        'three new routes on its own host, usual network and hours',
      ),
      segments: switchRoutine(member, next, atMs, context),
    };
  },
};

/**
 * Daylight saving: a principal with local business hours crosses the end of summer time. No
 * traffic changes; the hours move in UTC. Half the targets have their zone configured, half
 * keep the UTC default, so their baseline hours are an hour off after the change.
 */
const daylightSaving: Scenario = {
  name: 'daylight-saving',
  kind: 'benign',
  accepts: (m) => m.schedule === 'office' && transitionOf(m.routine.timeZone) !== undefined,
  build(target, context) {
    const member = target!;
    const atMs = transitionOf(member.routine.timeZone)!;
    const zone = `${member.routine.timeZone}, baseline in ${member.configuredTimeZone}`;
    return benignEffect(
      'daylight-saving',
      member,
      context,
      atMs,
      `office hours in ${zone} across the end of summer time`,
    );
  },
};

function transitionOf(zone: string): number | undefined {
  if (zone === 'Europe/Berlin' || zone === 'Europe/London') return EU_SUMMER_TIME_END_MS;
  if (zone === 'America/New_York') return US_SUMMER_TIME_END_MS;
  if (zone === 'America/Los_Angeles') return US_SUMMER_TIME_END_MS + 3 * HOUR_MS;
  return undefined;
}

/** Steady growth: volume rises linearly to 1.5 times the routine over two scored weeks. */
const growth: Scenario = {
  name: 'growth',
  kind: 'benign',
  accepts: matureSchedule,
  build(target, context) {
    const member = target!;
    const { timeline } = context;
    const segments: TrafficSegment[] = routineSegments(member, timeline, context.seed);
    for (let day = 0; day < 21; day++) {
      const share = 0.5 * Math.min(1, (day + 1) / 14);
      const base = member.routine.meanPerHour;
      const extra = {
        ...member.routine,
        meanPerHour: (w: number, h: number) => base(w, h) * share,
      };
      const fromMs = timeline.learnUntilMs + day * DAY_MS;
      segments.push({
        routine: extra,
        fromMs,
        toMs: Math.min(timeline.endMs, fromMs + DAY_MS),
        seed: context.seed + 100 + day,
      });
    }
    return {
      ...benignEffect(
        'growth',
        member,
        context,
        timeline.learnUntilMs,
        'volume up by half over two weeks',
      ),
      segments,
    };
  },
};

/** A new principal with four hours of history when training ends. */
const newPrincipal: Scenario = {
  name: 'new-principal',
  kind: 'benign',
  build(_target, context) {
    const member = freshMember(context.instance);
    const fromMs = context.timeline.learnUntilMs - 4 * HOUR_MS;
    const segments = [
      { routine: member.routine, fromMs, toMs: context.timeline.endMs, seed: context.seed },
    ];
    return {
      ...benignEffect(
        'new-principal',
        member,
        context,
        context.timeline.learnUntilMs,
        'first request four hours before training ended',
      ),
      segments,
      newMember: member,
    };
  },
};

function freshMember(instance: number): FleetMember {
  const net = `10.70.${instance}.0/24`;
  return {
    schedule: 'always',
    configuredTimeZone: 'UTC',
    networks: [net],
    routine: {
      principal: `svc-search-indexer-${String(instance).padStart(2, '0')}`,
      timeZone: 'UTC',
      sourceIps: [net.replace('0/24', '5'), net.replace('0/24', '6')],
      userAgent: 'search-indexer/0.1',
      calls: [
        {
          method: 'GET',
          host: 'documents.corp.example',
          path: (r) => `/api/v1/documents/${r.int(1, 90_000)}`,
          weight: 5,
        },
        {
          method: 'PUT',
          host: 'search.corp.example',
          path: (r) => `/index/documents/${r.int(1, 90_000)}`,
          weight: 5,
        },
      ],
      meanPerHour: () => 20,
      bytesOut: [500, 9_000],
    },
  };
}

/** A moved data centre: all requests from a new /24 from midnight UTC on, same routes and hours. */
const movedDataCentre: Scenario = {
  name: 'moved-data-centre',
  kind: 'benign',
  accepts: matureSchedule,
  build(target, context) {
    const member = target!;
    const atMs = context.timeline.learnUntilMs + (3 + 6 * context.instance) * DAY_MS;
    const prefix = `10.${200 + context.instance}.${context.seed % 200}`;
    const next = { ...member.routine, sourceIps: [`${prefix}.11`, `${prefix}.12`] };
    return {
      ...benignEffect(
        'moved-data-centre',
        member,
        context,
        atMs,
        'all traffic from a new /24, same routes and hours',
      ),
      segments: switchRoutine(member, next, atMs, context),
    };
  },
};

export const BENIGN_SCENARIOS: Scenario[] = [
  release,
  daylightSaving,
  growth,
  newPrincipal,
  movedDataCentre,
];
