import { toRow, type AccessEventRow } from '../../ingest/consumer/writer.ts';
import type { AccessEvent } from '../../schemas/access-event.ts';

/** Returns an access event with defaults for every field the test does not set. */
export function accessEvent(fields: Partial<AccessEvent> & { timestamp: number }): AccessEvent {
  return {
    id: `${fields.principal ?? 'svc-a'}-${fields.timestamp}`,
    principal: 'svc-a',
    credential: 'cred-1',
    sourceIp: '10.0.0.1',
    userAgent: 'bot/1.0',
    method: 'GET',
    host: 'wiki.corp',
    path: '/rest/api/content/1',
    route: '/rest/api/content/{id}',
    status: 200,
    bytesIn: 0,
    bytesOut: 100,
    durationMs: 5,
    proxy: 'envoy',
    topic: '',
    partition: -1,
    offset: 0,
    ...fields,
  };
}

/** A deterministic pseudo-random generator (mulberry32), so generated traffic repeats exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Generates varied traffic for `principals` service accounts over `days` days from `startMs`:
 * each account has its own working hours, rate, routes, networks and error share.
 */
export function generateTraffic(options: {
  principals: number;
  days: number;
  startMs: number;
  seed: number;
}): AccessEvent[] {
  const random = seededRandom(options.seed);
  const events: AccessEvent[] = [];
  for (let p = 0; p < options.principals; p++) {
    const principal = `svc-${String(p).padStart(3, '0')}`;
    const firstHour = Math.floor(random() * 12);
    const perHour = 1 + Math.floor(random() * 6);
    for (let day = 0; day < options.days; day++) {
      for (let hour = firstHour; hour < firstHour + 8; hour++) {
        for (let n = 0; n < perHour; n++) {
          const timestamp =
            options.startMs +
            day * 86_400_000 +
            hour * 3_600_000 +
            Math.floor(random() * 3_600_000);
          const item = Math.floor(random() * 20);
          events.push(
            accessEvent({
              id: `${principal}-${events.length}`,
              principal,
              timestamp,
              sourceIp: `10.${p % 4}.${Math.floor(random() * 3)}.${1 + Math.floor(random() * 5)}`,
              host: p % 2 === 0 ? 'wiki.corp' : 'tickets.corp',
              path: `/api/item/${item}`,
              route: item % 5 === 0 ? '/api/search' : '/api/item/{id}',
              method: item % 7 === 0 ? 'POST' : 'GET',
              status: random() < 0.05 ? 404 : random() < 0.02 ? 500 : 200,
              bytesOut: 200 + Math.floor(random() * 5000),
              userAgent: `client/${1 + (p % 3)}`,
            }),
          );
        }
      }
    }
  }
  return events;
}

/** Converts an event to a row of the access_events table, as ingest writes it. */
export function accessEventRow(event: AccessEvent): AccessEventRow {
  return toRow(event);
}
