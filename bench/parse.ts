import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Secret } from '../core/secret.ts';
import { createRecordParser, type RecordParser } from '../ingest/parse.ts';
import { median, type BenchSection } from './page.ts';
import { FUZZ_AVRO_SCHEMA, fuzzRecords, fuzzTargets, type FuzzTarget } from './parse-inputs.ts';

const REPEATS = 5;
const LINES_PER_REPEAT = 20_000;
const FUZZ_RECORDS = 20_000;
const TARGET_MS_PER_LINE = 1;
const SEED = 20_261_204;

/**
 * A widely used regex for the combined log format, the usual hand-rolled alternative to a
 * scanner, timed on the same lines as the peer of the `nginx` and `apache` parsers.
 */
const COMBINED_REGEX =
  /^(\S+) (\S+) (\S+) \[([^\]]+)\] "(\S+) (\S+) (\S+)" (\d{3}) (\d+|-) "([^"]*)" "([^"]*)"/;

const meta = { topic: 'bench', partition: 0, offset: '1', timestampMs: 1_735_689_600_000 };

interface FormatResult {
  format: string;
  usPerLine: number;
  peer: string;
  peerUsPerLine: number | undefined;
  fuzzP99Ms: number;
  fuzzMaxMs: number;
  slowest: string;
}

function microsPerRecord(records: Buffer[], run: (record: Buffer) => unknown): number {
  const samples: number[] = [];
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    const started = performance.now();
    for (let i = 0; i < LINES_PER_REPEAT; i += 1)
      run(records[i % records.length] ?? Buffer.alloc(0));
    samples.push(((performance.now() - started) * 1000) / LINES_PER_REPEAT);
  }
  return median(samples);
}

/** Peer of each format: the combined regex for line formats, JSON.parse alone for JSON ones. */
function peerOf(
  target: FuzzTarget,
): { name: string; run: (record: Buffer) => unknown } | undefined {
  if (target.format === 'nginx' || target.format === 'apache') {
    return {
      name: 'combined regex',
      run: (record) => COMBINED_REGEX.exec(record.toString('utf8')),
    };
  }
  const first = target.seeds[0]?.toString('utf8') ?? '';
  if (!first.startsWith('{')) return undefined;
  return { name: 'JSON.parse', run: (record) => JSON.parse(record.toString('utf8')) as unknown };
}

/** Times each fuzz record, retiming slow ones so a pause is not taken for a slow parser. */
function fuzzTimes(parse: RecordParser, records: Buffer[]): { times: number[]; slowest: Buffer } {
  const times: number[] = [];
  let slowest: Buffer = Buffer.alloc(0);
  let slowestMs = -1;
  for (const record of records) {
    let fastestMs = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 3 && fastestMs >= 0.5; attempt += 1) {
      const started = performance.now();
      parse(record, meta);
      fastestMs = Math.min(fastestMs, performance.now() - started);
    }
    times.push(fastestMs);
    if (fastestMs > slowestMs) {
      slowestMs = fastestMs;
      slowest = record;
    }
  }
  return { times: times.sort((a, b) => a - b), slowest };
}

function measure(target: FuzzTarget): FormatResult {
  const key = new Secret('bench-key', 'bench');
  const parse = createRecordParser({ topic: 'bench', ...target.source }, { credentialKey: key });
  const peer = peerOf(target);
  const usPerLine = microsPerRecord(target.seeds, (record) => parse(record, meta));
  const peerUsPerLine = peer === undefined ? undefined : microsPerRecord(target.seeds, peer.run);

  const records = fc.sample(fuzzRecords(target.seeds), { seed: SEED, numRuns: FUZZ_RECORDS });
  const { times, slowest } = fuzzTimes(parse, records);
  const shown = JSON.stringify(slowest.toString('utf8').slice(0, 80)).replaceAll('|', '\\|');
  return {
    format: target.format,
    usPerLine,
    peer: peer?.name ?? '-',
    peerUsPerLine,
    fuzzP99Ms: times[Math.floor(times.length * 0.99)] ?? 0,
    fuzzMaxMs: times[times.length - 1] ?? 0,
    slowest: `\`${shown.replaceAll('`', "'")}\``,
  };
}

function row(result: FormatResult): string {
  const ratio =
    result.peerUsPerLine === undefined
      ? '-'
      : `${(result.usPerLine / result.peerUsPerLine).toFixed(1)}×`;
  const peer = result.peerUsPerLine === undefined ? '-' : result.peerUsPerLine.toFixed(2);
  const verdict = result.fuzzMaxMs < TARGET_MS_PER_LINE ? 'yes' : 'no';
  return `| ${result.format} | ${result.usPerLine.toFixed(2)} | ${result.peer} | ${peer} | ${ratio} | ${result.fuzzP99Ms.toFixed(3)} | ${result.fuzzMaxMs.toFixed(3)} | ${verdict} | ${result.slowest} |`;
}

/** Measures every parser on its real seed lines and on seeded fuzz records. */
export async function run(): Promise<BenchSection> {
  const schemaFile = join(mkdtempSync(join(tmpdir(), 'eastwatch-bench-')), 'writer.avsc');
  writeFileSync(schemaFile, JSON.stringify(FUZZ_AVRO_SCHEMA));
  const results = fuzzTargets(schemaFile).map(measure);
  await Promise.resolve();

  const markdown = [
    'Command: `npm run bench -- parse`. Real lines: the samples in test/fixtures (hand-written',
    'representative lines for envoy, cloudflare, nginx-json and json, whose public samples may not be',
    `copied), ${LINES_PER_REPEAT.toLocaleString('en')} parses per run, median of ${REPEATS} runs, in`,
    'microseconds per line including normalisation (principal, HMAC fingerprint, route templating).',
    `Fuzz: ${FUZZ_RECORDS.toLocaleString('en')} seeded random and mutated records per parser (the`,
    'generator of the fuzz test); each record slower than 0.5 ms is timed three times and its fastest',
    `run counts. "Within 1 ms" says whether the slowest fuzz record parsed in under ${TARGET_MS_PER_LINE} ms.`,
    '',
    '| format | µs per real line | peer | peer µs per line | ratio | fuzz p99 ms | fuzz max ms | within 1 ms | slowest fuzz record (first 80 characters) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(row),
  ].join('\n');
  return { name: 'parse', title: 'Record parsing', markdown };
}
