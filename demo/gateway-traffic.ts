import { createHmac } from 'node:crypto';
import { DateTime } from 'luxon';
import { SeededRandom } from './random.ts';

/**
 * East-west traffic of an internal API gateway, as Envoy JSON access-log lines, for the service
 * accounts of a small company. It is generated with a seed, so every run gives the same lines.
 * It is generated because no public log of internal service-to-service calls exists, and the
 * public samples that the demo also replays carry no service accounts. Each account has a routine: which hosts and
 * routes it calls, from which addresses, with which client, in which hours of its time zone.
 */

export interface ServiceRoutine {
  principal: string;
  timeZone: string;
  sourceIps: string[];
  userAgent: string;
  calls: { method: string; host: string; path: (rng: SeededRandom) => string; weight: number }[];
  /** Mean requests in one local hour, by ISO weekday (1 = Monday) and hour. 0 means idle. */
  meanPerHour: (weekday: number, hour: number) => number;
  bytesOut: [number, number];
}

/** Builds a bearer token shaped like a signed JWT whose `sub` is the principal. */
export function serviceToken(principal: string, signingKey: string): string {
  const encode = (value: object): string =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode({ alg: 'HS256', typ: 'JWT' });
  const payload = encode({
    sub: principal,
    iss: 'https://idp.corp.example',
    aud: 'gateway',
    iat: 1_700_000_000,
  });
  const signature = createHmac('sha256', signingKey)
    .update(`${header}.${payload}`)
    .digest('base64url');
  return `${header}.${payload}.${signature}`;
}

const issueId = (rng: SeededRandom): string => String(rng.int(84_000, 84_040));
const pageId = (rng: SeededRandom): string => String(rng.int(1_310_000, 1_310_025));

/** The chat-bot integration: replies to chat questions from the wiki and comments on tickets. */
export const CHAT_BOT: ServiceRoutine = {
  principal: 'svc-chatbot',
  timeZone: 'America/New_York',
  sourceIps: ['10.20.4.11', '10.20.4.12'],
  userAgent: 'chatops-bot/3.2 (+https://chat.corp.example)',
  calls: [
    { method: 'GET', host: 'wiki.corp.example', path: () => '/rest/api/content/search', weight: 5 },
    {
      method: 'GET',
      host: 'wiki.corp.example',
      path: (r) => `/rest/api/content/${pageId(r)}`,
      weight: 4,
    },
    {
      method: 'GET',
      host: 'tickets.corp.example',
      path: (r) => `/rest/api/2/issue/${issueId(r)}`,
      weight: 3,
    },
    {
      method: 'POST',
      host: 'tickets.corp.example',
      path: (r) => `/rest/api/2/issue/${issueId(r)}/comment`,
      weight: 1,
    },
  ],
  meanPerHour: (weekday, hour) => (weekday <= 5 && hour >= 8 && hour < 19 ? 24 : 0),
  bytesOut: [800, 6000],
};

const ROUTINES: ServiceRoutine[] = [
  CHAT_BOT,
  {
    principal: 'svc-ci-runner',
    timeZone: 'UTC',
    sourceIps: ['10.30.1.5', '10.30.1.6', '10.30.1.7'],
    userAgent: 'ci-runner/16.4',
    calls: [
      {
        method: 'GET',
        host: 'git.corp.example',
        path: (r) => `/api/v4/projects/${r.int(10, 30)}/repository/archive`,
        weight: 4,
      },
      {
        method: 'PUT',
        host: 'artifacts.corp.example',
        path: (r) => `/api/packages/${r.int(1000, 1100)}`,
        weight: 2,
      },
      {
        method: 'GET',
        host: 'artifacts.corp.example',
        path: (r) => `/api/packages/${r.int(1000, 1100)}`,
        weight: 3,
      },
    ],
    meanPerHour: (weekday, hour) => (weekday <= 5 && hour >= 7 && hour < 20 ? 40 : 6),
    bytesOut: [2000, 90000],
  },
  {
    principal: 'svc-reporting',
    timeZone: 'UTC',
    sourceIps: ['10.40.2.20'],
    userAgent: 'reporting-job/1.9',
    calls: [
      { method: 'GET', host: 'tickets.corp.example', path: () => '/rest/api/2/search', weight: 5 },
      {
        method: 'GET',
        host: 'tickets.corp.example',
        path: (r) => `/rest/api/2/issue/${r.int(80_000, 86_000)}`,
        weight: 2,
      },
    ],
    // A nightly export: busy at 02:00 UTC, idle otherwise.
    meanPerHour: (_weekday, hour) => (hour === 2 ? 300 : 0),
    bytesOut: [4000, 20000],
  },
  {
    principal: 'svc-wiki-sync',
    timeZone: 'Europe/Berlin',
    sourceIps: ['10.50.0.8', '10.50.0.9'],
    userAgent: 'wiki-sync/0.14',
    calls: [
      { method: 'GET', host: 'wiki.corp.example', path: () => '/rest/api/space', weight: 1 },
      {
        method: 'GET',
        host: 'wiki.corp.example',
        path: (r) => `/rest/api/content/${pageId(r)}`,
        weight: 3,
      },
      {
        method: 'PUT',
        host: 'search.corp.example',
        path: (r) => `/index/wiki/${pageId(r)}`,
        weight: 3,
      },
    ],
    meanPerHour: () => 12,
    bytesOut: [500, 3000],
  },
];

export interface GatewayLine {
  timestampMs: number;
  principal: string;
  line: string;
}

interface CallShape {
  method: string;
  host: string;
  path: string;
  status: number;
  bytesOut: number;
  sourceIp: string;
  userAgent: string;
  token: string;
}

/** Formats one call as an Envoy JSON access-log line with the gateway's usual fields. */
export function envoyLine(timestampMs: number, call: CallShape, rng: SeededRandom): string {
  return JSON.stringify({
    start_time: new Date(timestampMs).toISOString(),
    method: call.method,
    'x-envoy-origin-path': call.path,
    protocol: 'HTTP/1.1',
    response_code: call.status,
    response_flags: '-',
    bytes_received: call.method === 'GET' ? 0 : rng.int(200, 2000),
    bytes_sent: call.bytesOut,
    duration: rng.int(3, 120),
    ':authority': call.host,
    'x-forwarded-for': call.sourceIp,
    downstream_remote_address: `${call.sourceIp}:${rng.int(30000, 60000)}`,
    'user-agent': call.userAgent,
    'x-request-id': randomUUIDFrom(rng),
    authorization: `Bearer ${call.token}`,
    upstream_cluster: call.host.split('.')[0],
  });
}

function randomUUIDFrom(rng: SeededRandom): string {
  const hex = Array.from({ length: 32 }, () => rng.int(0, 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** Returns 404 for about one call in a hundred, else 201 for a POST and 200 for the rest. */
function statusOf(method: string, rng: SeededRandom): number {
  if (rng.next() < 0.01) return 404;
  return method === 'POST' ? 201 : 200;
}

function pickCall(routine: ServiceRoutine, rng: SeededRandom): ServiceRoutine['calls'][number] {
  const total = routine.calls.reduce((sum, c) => sum + c.weight, 0);
  let roll = rng.next() * total;
  for (const call of routine.calls) {
    roll -= call.weight;
    if (roll < 0) return call;
  }
  return routine.calls[routine.calls.length - 1]!;
}

/** Generates every account's routine between `startMs` and `endMs`, in time order. */
export function generateRoutineTraffic(
  startMs: number,
  endMs: number,
  signingKey: string,
  seed = 42,
  routines: ServiceRoutine[] = ROUTINES,
): GatewayLine[] {
  const rng = new SeededRandom(seed);
  const lines: GatewayLine[] = [];
  for (const routine of routines) {
    const token = serviceToken(routine.principal, signingKey);
    let hour = DateTime.fromMillis(startMs, { zone: routine.timeZone }).startOf('hour');
    while (hour.toMillis() < endMs) {
      const count = rng.poisson(routine.meanPerHour(hour.weekday, hour.hour));
      for (let i = 0; i < count; i++) {
        const ts = hour.toMillis() + rng.int(0, 3_600_000);
        if (ts < startMs || ts >= endMs) continue;
        const call = pickCall(routine, rng);
        const shape: CallShape = {
          method: call.method,
          host: call.host,
          path: call.path(rng),
          status: statusOf(call.method, rng),
          bytesOut: rng.int(routine.bytesOut[0], routine.bytesOut[1]),
          sourceIp: rng.pick(routine.sourceIps),
          userAgent: routine.userAgent,
          token,
        };
        lines.push({
          timestampMs: ts,
          principal: routine.principal,
          line: envoyLine(ts, shape, rng),
        });
      }
      hour = hour.plus({ hours: 1 });
    }
  }
  return lines.sort((a, b) => a.timestampMs - b.timestampMs);
}

export const ATTACKER_IP = '203.0.113.45';

/**
 * Generates the incident: the chat-bot's leaked token used from a new network at night. Four minutes of
 * probing the wiki and ticket APIs the bot never calls, then paging through hundreds of tickets.
 */
export function generateIncident(startMs: number, signingKey: string, seed = 7): GatewayLine[] {
  const rng = new SeededRandom(seed);
  const token = serviceToken(CHAT_BOT.principal, signingKey);
  const lines: GatewayLine[] = [];
  const call = (
    offsetMs: number,
    method: string,
    host: string,
    path: string,
    status: number,
    bytesOut: number,
  ): void => {
    const ts = startMs + offsetMs;
    const shape = {
      method,
      host,
      path,
      status,
      bytesOut,
      sourceIp: ATTACKER_IP,
      userAgent: 'python-requests/2.31.0',
      token,
    };
    lines.push({ timestampMs: ts, principal: CHAT_BOT.principal, line: envoyLine(ts, shape, rng) });
  };

  const probes: [string, string, string, number][] = [
    ['GET', 'tickets.corp.example', '/rest/api/2/myself', 200],
    ['GET', 'tickets.corp.example', '/rest/api/2/serverInfo', 200],
    ['GET', 'wiki.corp.example', '/rest/api/space', 200],
    ['GET', 'tickets.corp.example', '/rest/api/2/project', 200],
    ['GET', 'tickets.corp.example', '/rest/api/2/user/search', 403],
    ['GET', 'wiki.corp.example', '/rest/api/user/current', 200],
    ['GET', 'tickets.corp.example', '/rest/api/2/group/member', 403],
    ['GET', 'wiki.corp.example', '/rest/api/content', 200],
  ];
  probes.forEach(([method, host, path, status], i) => {
    call(i * 25_000 + rng.int(0, 5000), method, host, path, status, rng.int(300, 4000));
  });

  // Paging: one search page every few seconds, and each ticket on it fetched in turn.
  for (let page = 0; page < 40; page++) {
    const base = 240_000 + page * 15_000;
    call(base, 'GET', 'tickets.corp.example', '/rest/api/2/search', 200, rng.int(40_000, 60_000));
    for (let j = 0; j < 10; j++) {
      const id = 70_000 + page * 10 + j;
      call(
        base + 1000 + j * 1200,
        'GET',
        'tickets.corp.example',
        `/rest/api/2/issue/${id}`,
        200,
        rng.int(8000, 30000),
      );
    }
  }
  return lines.sort((a, b) => a.timestampMs - b.timestampMs);
}

/** Returns the most recent 03:10 in `timeZone` that is before `nowMs`. */
export function lastNightAt(nowMs: number, timeZone: string, hour = 3, minute = 10): number {
  let candidate = DateTime.fromMillis(nowMs, { zone: timeZone }).set({
    hour,
    minute,
    second: 0,
    millisecond: 0,
  });
  if (candidate.toMillis() > nowMs) candidate = candidate.minus({ days: 1 });
  return candidate.toMillis();
}
