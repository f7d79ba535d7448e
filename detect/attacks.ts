import { envoyLine, serviceToken, type GatewayLine } from '../demo/gateway-traffic.ts';
import { SeededRandom } from '../demo/random.ts';
import type { FleetMember } from './fleet.ts';
import {
  middleBusyHour,
  scoredWeekdayAt,
  type Scenario,
  type ScenarioContext,
  type ScenarioEffect,
} from './scenario.ts';
import { DAY_MS } from './timeline.ts';

/**
 * The attack scenarios. Each one uses the target's own token, so the gateway attributes every
 * request to the target principal. What differs from the routine is where, when, what and how
 * much. Attacker addresses are in the documentation ranges 203.0.113.0/24 and 198.51.100.0/24.
 */

interface Call {
  method: string;
  host: string;
  path: string;
  status: number;
  bytesOut: number;
  sourceIp: string;
  userAgent: string;
}

/** Collects an attacker's calls as gateway lines carrying the target's token. */
class AttackLog {
  readonly lines: GatewayLine[] = [];
  readonly #token: string;

  constructor(
    readonly target: FleetMember,
    signingKey: string,
    readonly rng: SeededRandom,
  ) {
    this.#token = serviceToken(target.routine.principal, signingKey);
  }

  add(timestampMs: number, call: Call): void {
    const line = envoyLine(timestampMs, { ...call, token: this.#token }, this.rng);
    this.lines.push({ timestampMs, principal: this.target.routine.principal, line });
  }

  effect(scenario: string, instance: number, description: string): ScenarioEffect {
    const times = this.lines.map((l) => l.timestampMs);
    return {
      label: {
        scenario,
        kind: 'attack',
        instance,
        principal: this.target.routine.principal,
        startMs: Math.min(...times),
        endMs: Math.max(...times),
        description,
      },
      lines: this.lines,
    };
  }
}

const mainHost = (member: FleetMember): string => member.routine.calls[0]!.host;
const resourceOf = (member: FleetMember): string => mainHost(member).split('.')[0]!;
const usualIp = (member: FleetMember): string => member.routine.sourceIps[0]!;
const hasDaytimeRoutine = (m: FleetMember): boolean => m.schedule !== 'nightly';

/** A stolen token replayed from a new network at 03:10 local: probes, then paging through ids. */
const stolenToken: Scenario = {
  name: 'stolen-token',
  kind: 'attack',
  accepts: (m) => m.schedule === 'office',
  build(target, context) {
    const member = target!;
    const log = new AttackLog(member, context.signingKey, new SeededRandom(context.seed));
    const startMs = scoredWeekdayAt(
      context.timeline,
      member.routine.timeZone,
      2 + 5 * context.instance,
      3,
      10,
    );
    const host = mainHost(member);
    const name = resourceOf(member);
    const from = {
      sourceIp: `203.0.113.${10 + context.instance}`,
      userAgent: 'python-requests/2.31.0',
    };
    const probes = [
      '/api/v1/me',
      '/api/v1/admin/users',
      '/api/v1/config',
      `/api/v1/${name}/export`,
    ];
    probes.forEach((path, i) => {
      log.add(startMs + i * 20_000, {
        method: 'GET',
        host,
        path,
        status: i === 1 ? 403 : 200,
        bytesOut: 900,
        ...from,
      });
    });
    for (let page = 0; page < 20; page++) {
      const pageMs = startMs + 90_000 + page * 12_000;
      log.add(pageMs, {
        method: 'GET',
        host,
        path: `/api/v1/${name}`,
        status: 200,
        bytesOut: 40_000,
        ...from,
      });
      for (let j = 0; j < 8; j++) {
        const path = `/api/v1/${name}/${500_000 + page * 8 + j}`;
        log.add(pageMs + 1000 + j * 1200, {
          method: 'GET',
          host,
          path,
          status: 200,
          bytesOut: 9_000,
          ...from,
        });
      }
    }
    return log.effect(
      'stolen-token',
      context.instance,
      'token replayed at 03:10 local from a new network, new routes, paging through ids',
    );
  },
};

/** Low and slow: usual network, client and hour, one request a minute to routes never called. */
const lowAndSlow: Scenario = {
  name: 'low-and-slow',
  kind: 'attack',
  accepts: (m) => hasDaytimeRoutine(m),
  build(target, context) {
    const member = target!;
    const log = new AttackLog(member, context.signingKey, new SeededRandom(context.seed));
    const hour = middleBusyHour(member.routine);
    const startMs = scoredWeekdayAt(
      context.timeline,
      member.routine.timeZone,
      3 + 5 * context.instance,
      hour,
      20,
    );
    const host = mainHost(member);
    const name = resourceOf(member);
    const from = { sourceIp: usualIp(member), userAgent: member.routine.userAgent };
    const paths = [
      `/api/v1/${name}/export`,
      '/api/v1/admin/keys',
      `/api/v1/${name}/bulk`,
      '/api/v1/audit',
      '/api/v1/admin/roles',
      `/api/v1/${name}/archive`,
    ];
    for (let i = 0; i < 12; i++) {
      const path = paths[i % paths.length]!;
      log.add(startMs + i * 60_000, {
        method: 'GET',
        host,
        path,
        status: 200,
        bytesOut: 3_000,
        ...from,
      });
    }
    return log.effect(
      'low-and-slow',
      context.instance,
      'usual network, client and hour; one request a minute to six new routes',
    );
  },
};

/** Enumeration: a known route walked through hundreds of ids, most of them missing (404). */
const enumeration: Scenario = {
  name: 'enumeration',
  kind: 'attack',
  accepts: (m) => hasDaytimeRoutine(m),
  build(target, context) {
    const member = target!;
    const log = new AttackLog(member, context.signingKey, new SeededRandom(context.seed));
    const hour = middleBusyHour(member.routine);
    const startMs = scoredWeekdayAt(
      context.timeline,
      member.routine.timeZone,
      4 + 5 * context.instance,
      hour,
      5,
    );
    const host = mainHost(member);
    const name = resourceOf(member);
    const from = { sourceIp: usualIp(member), userAgent: member.routine.userAgent };
    for (let i = 0; i < 240; i++) {
      const status = i % 10 < 7 ? 404 : 200;
      const path = `/api/v1/${name}/${700_000 + i * 3}`;
      log.add(startMs + i * 800, {
        method: 'GET',
        host,
        path,
        status,
        bytesOut: status === 404 ? 120 : 4_000,
        ...from,
      });
    }
    return log.effect(
      'enumeration',
      context.instance,
      'usual route, 240 sequential ids in three minutes, 70% answered 404',
    );
  },
};

/** Exfiltration: the usual routes from the usual network, with responses of several MiB each. */
const exfiltration: Scenario = {
  name: 'exfiltration',
  kind: 'attack',
  accepts: (m) => hasDaytimeRoutine(m),
  build(target, context) {
    const member = target!;
    const log = new AttackLog(member, context.signingKey, new SeededRandom(context.seed));
    const hour = middleBusyHour(member.routine);
    const startMs = scoredWeekdayAt(
      context.timeline,
      member.routine.timeZone,
      5 + 5 * context.instance,
      hour,
      40,
    );
    const host = mainHost(member);
    const name = resourceOf(member);
    const from = { sourceIp: usualIp(member), userAgent: member.routine.userAgent };
    for (let i = 0; i < 30; i++) {
      const bytesOut = log.rng.int(6, 9) * 1024 * 1024;
      log.add(startMs + i * 8_000, {
        method: 'GET',
        host,
        path: `/api/v1/${name}`,
        status: 200,
        bytesOut,
        ...from,
      });
    }
    return log.effect(
      'exfiltration',
      context.instance,
      'usual route, network and hour; 30 responses of 6-8 MiB in four minutes',
    );
  },
};

/**
 * A dormant credential woken up: a service account active for the first ten days of history
 * and idle since, used again from a new network with its old routes and client.
 */
const dormant: Scenario = {
  name: 'dormant',
  kind: 'attack',
  build(_target, context) {
    const member = retiredMember(context);
    const { timeline } = context;
    const segments = [
      {
        routine: member.routine,
        fromMs: timeline.startMs,
        toMs: timeline.startMs + 10 * DAY_MS,
        seed: context.seed,
      },
    ];
    const log = new AttackLog(member, context.signingKey, new SeededRandom(context.seed));
    const startMs = scoredWeekdayAt(
      timeline,
      member.routine.timeZone,
      1 + 5 * context.instance,
      11,
      15,
    );
    const from = {
      sourceIp: `198.51.100.${20 + context.instance}`,
      userAgent: member.routine.userAgent,
    };
    for (let i = 0; i < 20; i++) {
      const call = member.routine.calls[i % member.routine.calls.length]!;
      log.add(startMs + i * 15_000, {
        method: call.method,
        host: call.host,
        path: call.path(log.rng),
        status: 200,
        bytesOut: 2_500,
        ...from,
      });
    }
    return {
      ...log.effect(
        'dormant',
        context.instance,
        'account idle since day 10 of history, used again from a new network',
      ),
      segments,
      newMember: member,
    };
  },
};

function retiredMember(context: ScenarioContext): FleetMember {
  const net = `10.60.${context.instance}.0/24`;
  const name = `svc-legacy-export-${String(context.instance).padStart(2, '0')}`;
  return {
    schedule: 'office',
    configuredTimeZone: 'Europe/London',
    networks: [net],
    routine: {
      principal: name,
      timeZone: 'Europe/London',
      sourceIps: [net.replace('0/24', '7')],
      userAgent: 'legacy-export/2.3',
      calls: [
        {
          method: 'GET',
          host: 'reports.corp.example',
          path: (r) => `/api/v1/reports/${r.int(100, 400)}`,
          weight: 4,
        },
        { method: 'GET', host: 'reports.corp.example', path: () => '/api/v1/reports', weight: 1 },
      ],
      meanPerHour: (weekday, hour) => (weekday <= 5 && hour >= 9 && hour < 17 ? 12 : 0),
      bytesOut: [1_000, 8_000],
    },
  };
}

export const ATTACK_SCENARIOS: Scenario[] = [
  stolenToken,
  lowAndSlow,
  enumeration,
  exfiltration,
  dormant,
];
