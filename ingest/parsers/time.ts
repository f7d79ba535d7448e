import { DateTime } from 'luxon';
import { RecordParseError } from './record-error.ts';

const MONTHS: Record<string, number> = {
  Jan: 1,
  Feb: 2,
  Mar: 3,
  Apr: 4,
  May: 5,
  Jun: 6,
  Jul: 7,
  Aug: 8,
  Sep: 9,
  Oct: 10,
  Nov: 11,
  Dec: 12,
};

function badTimestamp(field: string, value: string): RecordParseError {
  const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
  return new RecordParseError(
    'bad_timestamp',
    `field ${field} is not a valid timestamp: ${shown}`,
    {
      field,
    },
  );
}

function digitsAt(text: string, start: number, count: number): number {
  let result = 0;
  for (let i = start; i < start + count; i += 1) {
    const digit = text.charCodeAt(i) - 0x30;
    if (!(digit >= 0 && digit <= 9)) return Number.NaN;
    result = result * 10 + digit;
  }
  return result;
}

/**
 * Parses the common log format time `dd/Mon/yyyy:HH:MM:SS[.mmm] [+-]hhmm`. Without an offset
 * (HAProxy's accept date) the wall-clock time is read in `timeZone`.
 */
export function parseClfTime(value: string, field: string, timeZone: string): number {
  const month = MONTHS[value.slice(3, 6)];
  const day = digitsAt(value, 0, 2);
  const year = digitsAt(value, 7, 4);
  const hour = digitsAt(value, 12, 2);
  const minute = digitsAt(value, 15, 2);
  const second = digitsAt(value, 18, 2);
  const separatorsOk =
    value[2] === '/' &&
    value[6] === '/' &&
    value[11] === ':' &&
    value[14] === ':' &&
    value[17] === ':';
  if (month === undefined || !separatorsOk || Number.isNaN(day + year + hour + minute + second)) {
    throw badTimestamp(field, value);
  }

  let pos = 20;
  let millis = 0;
  if (value[pos] === '.') {
    millis = digitsAt(value, pos + 1, 3);
    pos += 4;
  }
  const parts = { year, month, day, hour, minute, second, millisecond: millis };
  if (pos === value.length) return wallClockToMs(parts, timeZone, field, value);

  const sign = value.slice(pos, pos + 2) === ' +' ? 1 : value.slice(pos, pos + 2) === ' -' ? -1 : 0;
  const offsetMinutes = digitsAt(value, pos + 2, 2) * 60 + digitsAt(value, pos + 4, 2);
  if (sign === 0 || value.length !== pos + 6 || Number.isNaN(offsetMinutes)) {
    throw badTimestamp(field, value);
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  return checkedMs(utc - sign * offsetMinutes * 60_000, field, value);
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

function wallClockToMs(parts: WallClock, timeZone: string, field: string, value: string): number {
  const time = DateTime.fromObject(parts, { zone: timeZone });
  if (!time.isValid) throw badTimestamp(field, value);
  return checkedMs(time.toMillis(), field, value);
}

// Years 1970 to 9999: anything else in an access log is corrupt input, and ClickHouse's DateTime
// cannot store earlier values.
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function checkedMs(ms: number, field: string, value: string): number {
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_MS) throw badTimestamp(field, value);
  return ms;
}

/**
 * Parses an ISO 8601 / RFC 3339 timestamp such as `2024-01-02T03:04:05.678901Z`. Fractions below
 * a millisecond are dropped. A timestamp without an offset is read in `timeZone`.
 */
export function parseIsoTime(value: string, field: string, timeZone: string): number {
  if (value.length < 10 || value.length > 40) throw badTimestamp(field, value);
  const time = DateTime.fromISO(value, { zone: timeZone, setZone: false });
  if (!time.isValid) throw badTimestamp(field, value);
  return checkedMs(time.toMillis(), field, value);
}

/** Converts a numeric epoch timestamp in `unit` to milliseconds. */
export function epochToMs(value: number, unit: 's' | 'ms' | 'us' | 'ns', field: string): number {
  const divisor = { s: 0.001, ms: 1, us: 1_000, ns: 1_000_000 }[unit];
  return checkedMs(Math.floor(value / divisor), field, String(value));
}
