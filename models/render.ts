import type { PrincipalBaseline, RobustStats, SeenValue } from './baseline.ts';

/**
 * Plain-text views of a baseline for the terminal: an hour-of-week heat map and the profile
 * `eastwatch baseline show` prints.
 */
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const SHADES = ['░', '▒', '▓', '█'];
const IDLE = '·';

/**
 * Renders 168 hour-of-week values as 7 rows of 24 characters under a two-line hour header. An
 * idle slot is `·`; other slots get one of four shades by their value relative to the maximum,
 * so `█` marks the busiest quarter.
 */
export function heatMap(values: readonly number[]): string[] {
  const peak = Math.max(0, ...values);
  const tens = Array.from({ length: 24 }, (_, h) => Math.floor(h / 10)).join('');
  const units = Array.from({ length: 24 }, (_, h) => h % 10).join('');
  const lines = [`     ${tens}`, `     ${units}`];

  DAYS.forEach((day, d) => {
    let row = '';
    for (let hour = 0; hour < 24; hour++) {
      const value = values[d * 24 + hour] ?? 0;
      row += value <= 0 ? IDLE : SHADES[Math.max(0, Math.ceil((4 * value) / peak) - 1)];
    }
    lines.push(`${day}  ${row}`);
  });
  return lines;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function stats(label: string, s: RobustStats): string {
  return (
    `  ${label.padEnd(26)} median ${round(s.median)}, MAD ${round(s.mad)}, p95 ${round(s.p95)}, ` +
    `p99 ${round(s.p99)}, max ${round(s.max)} (${s.samples} samples)`
  );
}

function seenLines(title: string, values: readonly SeenValue[], limit: number): string[] {
  if (values.length === 0) return [`${title}: none`];
  const lines = [`${title} (top ${Math.min(limit, values.length)} of ${values.length} kept):`];
  for (const v of values.slice(0, limit)) {
    lines.push(
      `  ${String(v.count).padStart(8)}  ${v.key}  (${iso(v.firstSeenMs)} .. ${iso(v.lastSeenMs)})`,
    );
  }
  return lines;
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

/** Formats the profile of one principal for a person to read. */
export function formatProfile(baseline: PrincipalBaseline): string[] {
  const b = baseline;
  const peer = b.peer;
  const maturity = b.mature ? 'mature' : 'immature';
  const lines = [
    `principal ${b.principal}`,
    `  version ${b.version}, trained ${iso(b.trainedAtMs)}, window ${iso(b.windowStartMs)} .. ${iso(b.windowEndMs)}`,
    `  ${b.eventCount} events on ${b.activeDays} active days, ${maturity}` +
      (b.fromPeerPrior ? ', statistics from the peer-group prior' : ''),
    peer === undefined
      ? '  peer group: none'
      : `  peer group ${peer.group} (${peer.groupSize} principals), distance ${round(peer.distance)} ` +
        `(group median ${round(peer.groupMedianDistance)})`,
    '',
    'usual rates:',
    stats('requests per minute', b.ratePerMinute),
    stats('requests per hour', b.ratePerHour),
    stats('distinct paths per 5 min', b.breadthPerWindow),
    stats('distinct routes per 5 min', b.routesPerWindow),
    stats('response bytes per 5 min', b.bytesOutPerWindow),
    `  errors: 401 ${percent(b.errorRatios.unauthorized)}, 403 ${percent(b.errorRatios.forbidden)}, ` +
      `404 ${percent(b.errorRatios.notFound)}, 5xx ${percent(b.errorRatios.serverError)}`,
    '',
    ...seenLines('routes', b.routes, 10),
    ...seenLines('networks', b.networks, 10),
    ...seenLines('user agents', b.userAgents, 5),
    `credentials: ${b.credentials.length} kept`,
    '',
    `requests by hour of week (${b.timeZone}):`,
    ...heatMap(b.hourOfWeekCounts),
  ];
  return lines;
}
