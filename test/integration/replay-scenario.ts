import { readFileSync } from 'node:fs';

/**
 * Builds scenario logs from the real Apache log in test/fixtures/apache-combined/apache_logs
 * (four days of semicomplete.com, May 2015, Apache-2.0).
 *
 * The service principal is the client at 108.171.116.194: a feed mirror that fetches the same
 * ten articles in one minute at a few fixed hours (05, 06, 09, 13, 16 and 18 UTC) and is idle
 * otherwise. Its lines get the remote user `feed-mirror`, as if it authenticated with a service
 * account; every other line stays anonymous (principal ''). The four days are tiled five times,
 * four days apart, so the principal has twenty days of history: enough to be mature and for
 * the two-week growth case.
 */
export const FIXTURE = 'test/fixtures/apache-combined/apache_logs';
export const SERVICE_IP = '108.171.116.194';
export const SERVICE_USER = 'feed-mirror';
export const COPIES = 5;
export const COPY_SHIFT_MS = 4 * 86_400_000;
/** Events before this instant train the baselines in the library-level cases. */
export const LEARN_UNTIL_MS = Date.UTC(2015, 4, 31, 0, 0, 0);
/** First request of the attacker: 02:13 UTC, an hour the feed mirror never works in. */
export const ATTACK_START_MS = Date.UTC(2015, 5, 3, 2, 13, 0);
export const ATTACKER_IP = '203.0.113.77';

const HOUR_MS = 3_600_000;
const LINE = /^(\S+) (\S+) (\S+) \[([^\]]+)\] (.*)$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** One line of the log, split so the user and the time can be rewritten. */
export interface LogLine {
  ip: string;
  user: string;
  timestampMs: number;
  /** Everything after the time: request, status, bytes, referrer, user agent. */
  rest: string;
}

export function readBackground(path = FIXTURE): LogLine[] {
  const lines: LogLine[] = [];
  for (const text of readFileSync(path, 'utf8').split('\n')) {
    const match = LINE.exec(text);
    if (!match) continue;
    const [, ip, , user, time, rest] = match;
    lines.push({ ip: ip!, user: user!, timestampMs: parseApacheTime(time!), rest: rest! });
  }
  return lines;
}

/** Tiles the background `COPIES` times and authenticates the service principal's lines. */
export function tiledBackground(lines: LogLine[]): LogLine[] {
  const result: LogLine[] = [];
  for (let copy = 0; copy < COPIES; copy++) {
    for (const line of lines) {
      result.push({
        ...line,
        user: line.ip === SERVICE_IP ? SERVICE_USER : line.user,
        timestampMs: line.timestampMs + copy * COPY_SHIFT_MS,
      });
    }
  }
  return result;
}

/**
 * Builds the attacker's requests with the stolen credential: from a new network, with a scripting
 * client, at 02:13 UTC, calling API routes the principal never used and paging through 180
 * issue ids and 30 wiki pages in about four minutes.
 */
export function attackLines(): LogLine[] {
  const lines: LogLine[] = [];
  const add = (offsetMs: number, path: string, status: number, bytes: number) =>
    lines.push({
      ip: ATTACKER_IP,
      user: SERVICE_USER,
      timestampMs: ATTACK_START_MS + offsetMs,
      rest: `"GET ${path} HTTP/1.1" ${status} ${bytes} "-" "python-requests/2.31.0"`,
    });

  add(0, '/rest/api/2/myself', 200, 812);
  for (let page = 0; page < 5; page++) {
    add(
      2_000 + page * 1_000,
      `/rest/api/2/search?jql=order+by+created&startAt=${page * 50}`,
      200,
      48_211,
    );
  }
  for (let i = 0; i < 180; i++) {
    const status = i % 17 === 0 ? 404 : 200;
    add(8_000 + i * 1_100, `/rest/api/2/issue/${10_001 + i}`, status, 6_000 + ((i * 379) % 4_000));
  }
  for (let i = 0; i < 30; i++) {
    add(210_000 + i * 1_000, `/wiki/rest/api/content/${884_000 + i * 7}`, 200, 21_500);
  }
  return lines;
}

/** Adds a release: every batch after `LEARN_UNTIL_MS` also fetches one new article route. */
export function withReleaseRoute(lines: LogLine[]): LogLine[] {
  const batches = new Set<number>();
  const extra: LogLine[] = [];
  for (const line of lines) {
    if (line.user !== SERVICE_USER || line.timestampMs < LEARN_UNTIL_MS) continue;
    const minute = Math.floor(line.timestampMs / 60_000);
    if (batches.has(minute)) continue;
    batches.add(minute);
    extra.push({
      ...line,
      timestampMs: line.timestampMs + 500,
      rest: line.rest.replace(/"GET \S+ /, '"GET /blog/geekery/release-notes-2015.html '),
    });
  }
  return [...lines, ...extra];
}

/** Moves the schedule's UTC hours, as a local-time job does at a daylight-saving change. */
export function withClockChange(lines: LogLine[], shiftHours: 1 | -1): LogLine[] {
  return lines.map((line) =>
    line.user === SERVICE_USER && line.timestampMs >= LEARN_UNTIL_MS
      ? { ...line, timestampMs: line.timestampMs + shiftHours * HOUR_MS }
      : line,
  );
}

/**
 * Adds steady growth by half over the last two weeks: a request at fraction f of those two weeks is
 * sent 1 + 0.5 * f times on average, chosen deterministically by its position.
 */
export function withGrowth(lines: LogLine[]): LogLine[] {
  const endMs = Math.max(...lines.map((l) => l.timestampMs));
  const startMs = endMs - 14 * 86_400_000;
  const result: LogLine[] = [];
  let position = 0;
  for (const line of lines) {
    result.push(line);
    if (line.user !== SERVICE_USER || line.timestampMs < startMs) continue;
    position += 1;
    const extraShare = (0.5 * (line.timestampMs - startMs)) / (endMs - startMs);
    // A low-discrepancy sequence spreads the duplicates evenly: golden-ratio fractions.
    if ((position * 0.618_034) % 1 < extraShare)
      result.push({ ...line, timestampMs: line.timestampMs + 1 });
  }
  return result;
}

/** Adds a new principal: the feed poller at 46.105.14.53, authenticated for the last four hours of training. */
export function withNewPrincipal(lines: LogLine[]): LogLine[] {
  return lines.map((line) =>
    line.ip === '46.105.14.53' && line.timestampMs >= LEARN_UNTIL_MS - 4 * HOUR_MS
      ? { ...line, user: 'new-feed-poller' }
      : line,
  );
}

/** Renders lines in Apache combined format, sorted by time. */
export function renderLog(lines: LogLine[]): string {
  const sorted = [...lines].sort((a, b) => a.timestampMs - b.timestampMs);
  return sorted
    .map((l) => `${l.ip} - ${l.user} [${formatApacheTime(l.timestampMs)}] ${l.rest}\n`)
    .join('');
}

function parseApacheTime(text: string): number {
  const match = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(
    text,
  );
  if (!match)
    throw new Error(`invalid time ${text} in the fixture; expected dd/Mon/yyyy:HH:MM:SS +hhmm`);
  const [, day, month, year, hour, minute, second, sign, offsetHours, offsetMinutes] = match;
  const offsetMs =
    (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000 * (sign === '-' ? -1 : 1);
  const utc = Date.UTC(
    Number(year),
    MONTHS.indexOf(month!),
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  );
  return utc - offsetMs;
}

function formatApacheTime(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}
