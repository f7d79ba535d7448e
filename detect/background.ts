import { readFileSync } from 'node:fs';
import type { Secret } from '../core/secret.ts';
import { createRecordParser } from '../ingest/parse.ts';
import type { AccessEvent } from '../schemas/access-event.ts';
import { DAY_MS, type Timeline } from './timeline.ts';

/**
 * The real part of the benchmark's traffic: test/fixtures/apache-combined/apache_logs, 10,000
 * lines of semicomplete.com over four days of May 2015 (Apache-2.0). Each client address is a
 * principal (parser rule `ip`), so crawlers, feed readers and one-off visitors stand beside the
 * service accounts. The four days are parsed once and tiled every four days over the timeline,
 * moved by whole days so each line keeps its time of day.
 */
export const APACHE_BACKGROUND = new URL(
  '../test/fixtures/apache-combined/apache_logs',
  import.meta.url,
);
const TILE_DAYS = 4;

export interface BackgroundOptions {
  credentialKey: Secret;
  path?: URL | string;
}

/** Returns the tiled background events between `timeline.startMs` and `timeline.endMs`. */
export function apacheBackground(timeline: Timeline, options: BackgroundOptions): AccessEvent[] {
  const base = parseApache(options);
  if (base.length === 0) return [];

  const firstDayMs = Math.floor(base[0]!.timestamp / DAY_MS) * DAY_MS;
  const events: AccessEvent[] = [];
  for (let copy = 0; ; copy++) {
    const offsetMs = timeline.startMs - firstDayMs + copy * TILE_DAYS * DAY_MS;
    if (firstDayMs + offsetMs >= timeline.endMs) break;
    for (const event of base) {
      const timestamp = event.timestamp + offsetMs;
      if (timestamp < timeline.startMs || timestamp >= timeline.endMs) continue;
      events.push({ ...event, timestamp, id: `${event.id}-${copy}` });
    }
  }
  return events;
}

function parseApache(options: BackgroundOptions): AccessEvent[] {
  const parse = createRecordParser(
    { topic: 'bench-apache', format: 'apache', principal: 'ip' },
    { credentialKey: options.credentialKey },
  );
  const text = readFileSync(options.path ?? APACHE_BACKGROUND, 'utf8');
  const events: AccessEvent[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const meta = { topic: 'bench-apache', partition: -1, offset: String(index + 1) };
    const outcome = parse(Buffer.from(line), meta);
    if (outcome.ok) events.push(outcome.event);
  });
  return events.sort((a, b) => a.timestamp - b.timestamp);
}
