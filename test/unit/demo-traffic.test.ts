import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  ATTACKER_IP,
  CHAT_BOT,
  generateIncident,
  generateRoutineTraffic,
  lastNightAt,
  serviceToken,
} from '../../demo/gateway-traffic.ts';
import {
  combinedTimestampMs,
  jsonTimestampMs,
  offsetToEndAt,
  shiftCombined,
  shiftJson,
} from '../../demo/timeshift.ts';

const DAY_MS = 86_400_000;

describe('time shifting', () => {
  it('moves a combined log line', () => {
    const line =
      '83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /x HTTP/1.1" 200 203023 "-" "ua"';
    expect(combinedTimestampMs(line)).toBe(Date.UTC(2015, 4, 17, 10, 5, 3));
    expect(shiftCombined(line, DAY_MS)).toBe(
      '83.149.9.216 - - [18/May/2015:10:05:03 +0000] "GET /x HTTP/1.1" 200 203023 "-" "ua"',
    );
  });

  it('reads a combined line with a zone offset', () => {
    const line = '127.0.0.1 - - [10/Oct/2023:11:06:56 +0200] "GET / HTTP/1.1" 404 125 "-" "-"';
    expect(combinedTimestampMs(line)).toBe(Date.UTC(2023, 9, 10, 9, 6, 56));
  });

  it('moves a JSON timestamp and drops a runtime prefix', () => {
    const line =
      '2025-12-31T17:40:00.000000100+01:00 stdout F {"start_time":"2025-12-31T16:40:00.100Z","method":"GET"}';
    expect(jsonTimestampMs(line, 'start_time')).toBe(Date.UTC(2025, 11, 31, 16, 40, 0, 100));
    expect(shiftJson(line, 'start_time', 60_000)).toBe(
      '{"start_time":"2025-12-31T16:41:00.100Z","method":"GET"}',
    );
  });

  it('leaves lines without a timestamp unchanged', () => {
    expect(shiftCombined('garbage', DAY_MS)).toBe('garbage');
    expect(shiftJson('{"a":1}', 'start_time', DAY_MS)).toBe('{"a":1}');
  });

  it('computes the offset to end at a time', () => {
    expect(offsetToEndAt([1000, 5000, 3000], 9000)).toBe(4000);
    expect(offsetToEndAt([], 9000)).toBe(0);
  });
});

describe('gateway traffic', () => {
  const start = Date.UTC(2026, 10, 2);
  const end = start + 7 * DAY_MS;

  it('is the same for the same seed', () => {
    const a = generateRoutineTraffic(start, end, 'k', 1).map((l) => l.line);
    const b = generateRoutineTraffic(start, end, 'k', 1).map((l) => l.line);
    expect(a).toEqual(b);
  });

  it('keeps the chat-bot inside its working hours', () => {
    const lines = generateRoutineTraffic(start, end, 'k').filter(
      (l) => l.principal === CHAT_BOT.principal,
    );
    expect(lines.length).toBeGreaterThan(500);
    for (const l of lines) {
      const local = DateTime.fromMillis(l.timestampMs, { zone: CHAT_BOT.timeZone });
      expect(local.weekday).toBeLessThanOrEqual(5);
      expect(local.hour).toBeGreaterThanOrEqual(8);
      expect(local.hour).toBeLessThan(19);
    }
  });

  it('carries the bearer token and never the attacker address in the routine', () => {
    const token = serviceToken(CHAT_BOT.principal, 'k');
    const lines = generateRoutineTraffic(start, end, 'k').filter(
      (l) => l.principal === CHAT_BOT.principal,
    );
    expect(lines[0]!.line).toContain(`"authorization":"Bearer ${token}"`);
    expect(lines.some((l) => l.line.includes(ATTACKER_IP))).toBe(false);
  });

  it('replays the incident from the attacker address with the same token', () => {
    const at = lastNightAt(end, CHAT_BOT.timeZone);
    const incident = generateIncident(at, 'k');
    const token = serviceToken(CHAT_BOT.principal, 'k');
    expect(incident).toHaveLength(8 + 40 * 11);
    expect(incident.every((l) => l.line.includes(ATTACKER_IP) && l.line.includes(token))).toBe(
      true,
    );
    expect(DateTime.fromMillis(at, { zone: CHAT_BOT.timeZone }).toFormat('HH:mm')).toBe('03:10');
  });
});
