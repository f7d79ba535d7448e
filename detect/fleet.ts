import type { ServiceRoutine } from '../demo/gateway-traffic.ts';
import { SeededRandom } from '../demo/random.ts';

/**
 * A generated fleet of service accounts with varied routines: different hosts and routes,
 * schedules (office hours, around the clock, a nightly batch, long days with light weekends),
 * time zones, source networks and volumes. Public logs of internal service-to-service calls do
 * not exist, so this part of the benchmark's traffic is generated, seeded for repeatable runs.
 */

export type Schedule = 'office' | 'always' | 'nightly' | 'extended';

export interface FleetMember {
  routine: ServiceRoutine;
  schedule: Schedule;
  /**
   * Time zone given to training for this principal. Most members have their own zone
   * configured; some keep the UTC default, as a deployment that never set it would.
   */
  configuredTimeZone: string;
  /** The data-centre networks (/24) the member calls from. */
  networks: string[];
}

const RESOURCES = [
  'orders',
  'invoices',
  'customers',
  'tickets',
  'pages',
  'builds',
  'packages',
  'users',
  'payments',
  'shipments',
  'reports',
  'metrics',
  'documents',
  'accounts',
  'devices',
  'jobs',
];
const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'UTC',
  'Asia/Tokyo',
  'America/Los_Angeles',
  'Europe/London',
];
const SCHEDULES: Schedule[] = ['office', 'always', 'office', 'extended', 'nightly', 'office'];

/** Builds `size` members from `seed`; the same arguments always give the same fleet. */
export function generateFleet(size: number, seed = 1): FleetMember[] {
  const rng = new SeededRandom(seed);
  const members: FleetMember[] = [];
  for (let i = 0; i < size; i++) members.push(generateMember(i, rng));
  return members;
}

function generateMember(index: number, rng: SeededRandom): FleetMember {
  const schedule = SCHEDULES[index % SCHEDULES.length]!;
  const resource = RESOURCES[index % RESOURCES.length]!;
  const timeZone = schedule === 'nightly' ? 'UTC' : ZONES[Math.floor(index / 2) % ZONES.length]!;
  const networks = memberNetworks(index, rng);
  const sourceIps = networks.flatMap((net) =>
    Array.from({ length: rng.int(1, 3) }, () => net.replace('0/24', String(rng.int(2, 250)))),
  );
  const principal = `svc-${resource}-${schedule}-${String(index).padStart(3, '0')}`;
  const routine: ServiceRoutine = {
    principal,
    timeZone,
    sourceIps,
    userAgent: `${resource}-${schedule}-client/${rng.int(1, 9)}.${rng.int(0, 20)}`,
    calls: memberCalls(resource, rng),
    meanPerHour: hourlyMean(schedule, rng),
    bytesOut: [rng.int(300, 2000), rng.int(4000, 60_000)],
  };
  // Every fifth office-hours member keeps the UTC default, so its baseline is in UTC while its
  // schedule follows local time; the daylight-saving scenario covers both cases.
  const configuredTimeZone = schedule === 'office' && index % 5 === 0 ? 'UTC' : timeZone;
  return { routine, schedule, configuredTimeZone, networks };
}

/** Picks one or two data-centre networks, shared between members as in a real data centre. */
function memberNetworks(index: number, rng: SeededRandom): string[] {
  const first = `10.${10 + (index % 12)}.${rng.int(0, 4)}.0/24`;
  if (rng.next() < 0.6) return [first];
  return [first, `10.${30 + (index % 7)}.${rng.int(0, 4)}.0/24`];
}

function memberCalls(resource: string, rng: SeededRandom): ServiceRoutine['calls'] {
  const hostCount = rng.int(1, 4);
  const calls: ServiceRoutine['calls'] = [];
  for (let h = 0; h < hostCount; h++) {
    const name = h === 0 ? resource : RESOURCES[rng.int(0, RESOURCES.length)]!;
    const host = `${name}.corp.example`;
    const low = rng.int(1000, 90_000);
    const span = rng.int(20, 2000);
    const id = (r: SeededRandom): number => r.int(low, low + span);
    calls.push({ method: 'GET', host, path: (r) => `/api/v1/${name}/${id(r)}`, weight: 5 });
    calls.push({ method: 'GET', host, path: () => `/api/v1/${name}`, weight: rng.int(1, 4) });
    if (rng.next() < 0.6) {
      calls.push({
        method: rng.next() < 0.5 ? 'POST' : 'PUT',
        host,
        path: (r) => `/api/v1/${name}/${id(r)}/events`,
        weight: 1,
      });
    }
  }
  return calls;
}

/** Returns the mean requests per local hour, by ISO weekday (1 = Monday) and hour. */
function hourlyMean(schedule: Schedule, rng: SeededRandom): ServiceRoutine['meanPerHour'] {
  const busy = rng.int(3, 18);
  const startHour = rng.int(7, 10);
  const endHour = startHour + rng.int(8, 11);
  switch (schedule) {
    case 'office':
      return (weekday, hour) => (weekday <= 5 && hour >= startHour && hour < endHour ? busy : 0);
    case 'always':
      return () => Math.max(2, Math.round(busy / 2));
    case 'nightly': {
      const batchHour = rng.int(0, 5);
      const batch = rng.int(60, 200);
      return (_weekday, hour) => (hour === batchHour ? batch : 0);
    }
    case 'extended':
      return (weekday, hour) => {
        if (hour < 7 || hour >= 22) return 0;
        return weekday <= 5 ? busy : Math.max(1, Math.round(busy / 5));
      };
  }
}
