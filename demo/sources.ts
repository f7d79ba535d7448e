import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  combinedTimestampMs,
  jsonTimestampMs,
  offsetToEndAt,
  shiftCombined,
  shiftJson,
} from './timeshift.ts';

/**
 * The public sample logs the demo replays as recent history, one topic each. Every file here is
 * a real log copied under a licence that allows it (see each folder's PROVENANCE.md and LICENSE
 * in test/fixtures/ and demo/data/).
 */
export interface DemoSource {
  /** Topic suffix, after the run's prefix. */
  name: string;
  format: 'apache' | 'nginx' | 'envoy-json' | 'cloudtrail' | 'k8s-audit';
  /** Principal rule, or undefined for the format's own identity. */
  principal?: string;
  lines: string[];
}

const DEMO_DATA = new URL('./data/', import.meta.url).pathname;
const FIXTURES = new URL('../test/fixtures/', import.meta.url).pathname;

function readLines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

function shiftAll(
  lines: string[],
  timestampOf: (line: string) => number | undefined,
  shift: (line: string, offsetMs: number) => string,
  endMs: number,
): string[] {
  const stamps = lines.map(timestampOf).filter((ms): ms is number => ms !== undefined);
  const offsetMs = offsetToEndAt(stamps, endMs);
  return lines.map((line) => shift(line, offsetMs));
}

function combined(
  name: DemoSource['name'],
  format: 'apache' | 'nginx',
  lines: string[],
  endMs: number,
): DemoSource {
  return {
    name,
    format,
    principal: 'ip',
    lines: shiftAll(lines, combinedTimestampMs, shiftCombined, endMs),
  };
}

function jsonSource(
  name: string,
  format: DemoSource['format'],
  field: string,
  lines: string[],
  endMs: number,
  principal?: string,
): DemoSource {
  const shifted = shiftAll(
    lines,
    (line) => jsonTimestampMs(line, field),
    (line, offsetMs) => shiftJson(line, field, offsetMs),
    endMs,
  );
  return principal === undefined
    ? { name, format, lines: shifted }
    : { name, format, principal, lines: shifted };
}

/** CloudTrail detonation logs are JSON arrays of records, and Kafka carries one record a message. */
function cloudTrailRecords(): string[] {
  const dir = join(DEMO_DATA, 'cloudtrail-stratus-red-team');
  const records: string[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const parsed = JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
    const list = Array.isArray(parsed)
      ? parsed
      : ((parsed as { Records?: unknown[] }).Records ?? []);
    for (const record of list) records.push(JSON.stringify(record));
  }
  return records;
}

/** Loads every demo source with its timestamps moved so that it ends at `endMs`. */
export function loadDemoSources(endMs: number): DemoSource[] {
  return [
    combined('apache', 'apache', readLines(join(FIXTURES, 'apache-combined/apache_logs')), endMs),
    combined(
      'nginx',
      'nginx',
      readLines(join(FIXTURES, 'nginx-combined/nginx_http-logs.log')),
      endMs,
    ),
    jsonSource(
      'envoy',
      'envoy-json',
      'start_time',
      readLines(join(FIXTURES, 'envoy-gateway-json/envoy.log')),
      endMs,
      'ip',
    ),
    jsonSource('cloudtrail', 'cloudtrail', 'eventTime', cloudTrailRecords(), endMs),
    jsonSource(
      'k8s',
      'k8s-audit',
      'requestReceivedTimestamp',
      [
        ...readLines(join(FIXTURES, 'k8s-audit/k8s-audit-pod-exec-file.log')),
        ...readLines(join(FIXTURES, 'k8s-audit/k8s-audit-priv-pod-file.log')),
      ],
      endMs,
    ),
  ];
}
