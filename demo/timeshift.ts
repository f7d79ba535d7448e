import { DateTime } from 'luxon';

/**
 * Moves the timestamps of real log lines by a fixed offset, so that a sample recorded years ago
 * can be replayed as recent history. Each function returns the line with its timestamp replaced
 * and everything else unchanged, or the line as it was when it carries no timestamp in a supported form.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Combined log format: `[17/May/2015:10:05:03 +0000]`. */
export function combinedTimestampMs(line: string): number | undefined {
  const open = line.indexOf('[');
  const close = open < 0 ? -1 : line.indexOf(']', open);
  if (close < 0) return undefined;
  const parsed = DateTime.fromFormat(line.slice(open + 1, close), 'dd/MMM/yyyy:HH:mm:ss ZZZ', {
    setZone: true,
    locale: 'en-US',
  });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

export function shiftCombined(line: string, offsetMs: number): string {
  const ms = combinedTimestampMs(line);
  if (ms === undefined) return line;
  const open = line.indexOf('[');
  const close = line.indexOf(']', open);
  const moved = DateTime.fromMillis(ms + offsetMs, { zone: 'UTC' });
  const text = `${String(moved.day).padStart(2, '0')}/${MONTHS[moved.month - 1]}/${moved.year}:${moved.toFormat('HH:mm:ss')} +0000`;
  return `${line.slice(0, open + 1)}${text}${line.slice(close)}`;
}

/** A JSON line with an ISO 8601 timestamp in `field` (for example `eventTime` or `start_time`). */
export function jsonTimestampMs(line: string, field: string): number | undefined {
  const start = line.indexOf('{');
  if (start < 0) return undefined;
  try {
    const record = JSON.parse(line.slice(start)) as Record<string, unknown>;
    const value = record[field];
    if (typeof value !== 'string') return undefined;
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  } catch {
    return undefined;
  }
}

export function shiftJson(line: string, field: string, offsetMs: number): string {
  const start = line.indexOf('{');
  const ms = jsonTimestampMs(line, field);
  if (ms === undefined) return line;
  const record = JSON.parse(line.slice(start)) as Record<string, unknown>;
  record[field] = new Date(ms + offsetMs).toISOString().replace('.000Z', 'Z');
  // A container runtime prefix (`<time> stdout F `) carries its own time; it is dropped so the
  // line is plain JSON with one timestamp.
  return JSON.stringify(record);
}

/** Returns the offset that moves the latest of `timestampsMs` to `endMs`. */
export function offsetToEndAt(timestampsMs: Iterable<number>, endMs: number): number {
  let latest = Number.NEGATIVE_INFINITY;
  for (const ms of timestampsMs) if (ms > latest) latest = ms;
  if (!Number.isFinite(latest)) return 0;
  return endMs - latest;
}
