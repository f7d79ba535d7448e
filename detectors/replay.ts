import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Alert, Severity } from '../alerts/alert.ts';
import { EastwatchError } from '../core/errors.ts';
import type { Secret } from '../core/secret.ts';
import { createRecordParser } from '../ingest/parse.ts';
import type { SourceConfigInput } from '../ingest/source-config.ts';
import type { TrainConfig } from '../models/config.ts';
import { trainFromEvents } from '../models/train-memory.ts';
import type { AccessEvent } from '../schemas/access-event.ts';
import type { ScoreConfig } from './config.ts';
import type { Detector } from './detector.ts';
import { createDetectors } from './registry.ts';
import { Scorer, type BaselineSet } from './scorer.ts';

/** Share of the time span learned from when `learnUntilMs` is not given. */
export const DEFAULT_LEARN_SHARE = 0.7;

export interface ReplayOptions {
  files: string[];
  /** Parser settings, as for an ingest source; `topic` is ignored offline. */
  source: SourceConfigInput;
  credentialKey: Secret;
  /** Events before this instant train the baselines; default: the first 70% of the time span. */
  learnUntilMs?: number;
  score: ScoreConfig;
  train: TrainConfig;
  /** Extra detectors to run besides the built-in ones. */
  extraDetectors?: Detector[];
  /** Called with each alert, in event-time order. */
  onAlert: (alert: Alert) => Promise<void> | void;
  /** Called about every `progressIntervalMs` while files are read and scored. */
  onProgress?: (progress: ReplayProgress) => void;
  progressIntervalMs?: number;
}

export interface ReplayProgress {
  phase: 'read' | 'score';
  done: number;
  total: number;
}

export interface ReplaySummary {
  lines: number;
  events: number;
  rejected: Record<string, number>;
  firstEventMs: number;
  lastEventMs: number;
  learnUntilMs: number;
  trainedPrincipals: number;
  matureBaselines: number;
  scoredEvents: number;
  lateEvents: number;
  findings: number;
  alerts: Record<Severity, number>;
  readMs: number;
  trainMs: number;
  scoreMs: number;
}

/** Raised when replay has nothing to work on. */
export class ReplayInputError extends EastwatchError {
  constructor(message: string) {
    super('REPLAY_INPUT_INVALID', message, { retriable: false });
  }
}

/**
 * Replays log files offline, with no Kafka and no ClickHouse: parses every line with the
 * ingest parser, trains baselines in memory from the events before `learnUntilMs`, then scores
 * the events from `learnUntilMs` on, in event-time order, and hands each alert to `onAlert`.
 *
 * NOTE: every parsed event is held in memory (roughly 1 KB each) so the files can be sorted
 * by time and split at `learnUntilMs`; a file of tens of millions of lines needs a machine
 * with that much memory.
 */
export async function replay(options: ReplayOptions): Promise<ReplaySummary> {
  const startedMs = Date.now();
  const read = await readEvents(options);
  if (read.events.length === 0) {
    throw new ReplayInputError(
      `no line of ${options.files.join(', ')} parsed as ${options.source.format}; ` +
        `check --format and --principal (rejections: ${JSON.stringify(read.rejected)})`,
    );
  }
  read.events.sort((a, b) => a.timestamp - b.timestamp);
  const firstEventMs = read.events[0]!.timestamp;
  const lastEventMs = read.events[read.events.length - 1]!.timestamp;
  const learnUntilMs =
    options.learnUntilMs ??
    Math.floor(firstEventMs + (lastEventMs - firstEventMs) * DEFAULT_LEARN_SHARE);
  const readMs = Date.now() - startedMs;

  const split = lowerBound(read.events, learnUntilMs);
  const trainStartedMs = Date.now();
  const baselines = trainBaselines(read.events.slice(0, split), options.train, {
    firstEventMs,
    learnUntilMs,
  });
  const trainMs = Date.now() - trainStartedMs;

  const scoreStartedMs = Date.now();
  const scored = await scoreEvents(read.events, split, baselines, options);
  const scoreMs = Date.now() - scoreStartedMs;

  let mature = 0;
  for (const baseline of baselines.baselines.values()) if (baseline.mature) mature += 1;
  return {
    lines: read.lines,
    events: read.events.length,
    rejected: read.rejected,
    firstEventMs,
    lastEventMs,
    learnUntilMs,
    trainedPrincipals: baselines.baselines.size,
    matureBaselines: mature,
    scoredEvents: scored.scorer.counters.events,
    lateEvents: scored.scorer.counters.lateEvents,
    findings: scored.scorer.counters.findings,
    alerts: scored.alerts,
    readMs,
    trainMs,
    scoreMs,
  };
}

/** Trains one baseline version from events sorted by time. */
export function trainBaselines(
  events: AccessEvent[],
  train: TrainConfig,
  span: { firstEventMs: number; learnUntilMs: number },
): BaselineSet {
  const trained = trainFromEvents(events, train, {
    nowMs: span.learnUntilMs,
    version: 1,
    windowStartMs: span.firstEventMs,
    windowEndMs: span.learnUntilMs,
  });
  return { version: 1, baselines: trained.baselines, priors: trained.priors };
}

async function scoreEvents(
  events: AccessEvent[],
  from: number,
  baselines: BaselineSet,
  options: ReplayOptions,
): Promise<{ scorer: Scorer; alerts: Record<Severity, number> }> {
  const scorer = new Scorer({
    config: options.score,
    baselines,
    ...(options.extraDetectors ? { detectors: withExtra(options) } : {}),
  });
  const alerts: Record<Severity, number> = { low: 0, medium: 0, high: 0, critical: 0 };
  const reporter = progressReporter(options, 'score', events.length - from);

  for (let i = from; i < events.length; i++) {
    const alert = scorer.process(events[i]!);
    if (alert) {
      alerts[alert.severity] += 1;
      await options.onAlert(alert);
    }
    if ((i & 0xfff) === 0) reporter(i - from);
  }
  reporter(events.length - from, true);
  return { scorer, alerts };
}

function withExtra(options: ReplayOptions): Detector[] {
  return [...createDetectors(options.score), ...(options.extraDetectors ?? [])];
}

interface ReadResult {
  events: AccessEvent[];
  lines: number;
  rejected: Record<string, number>;
}

async function readEvents(options: ReplayOptions): Promise<ReadResult> {
  const parse = createRecordParser(
    { ...options.source, topic: options.source.topic || 'replay' },
    { credentialKey: options.credentialKey },
  );
  const totalBytes = options.files.reduce((sum, file) => sum + statSync(file).size, 0);
  const reporter = progressReporter(options, 'read', totalBytes);
  const result: ReadResult = { events: [], lines: 0, rejected: {} };
  let bytesDone = 0;

  for (const file of options.files) {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber += 1;
      bytesDone += Buffer.byteLength(line) + 1;
      if (line.trim() === '') continue;
      result.lines += 1;
      const meta = { topic: '', partition: -1, offset: String(lineNumber) };
      const outcome = parse(Buffer.from(line), meta);
      if (outcome.ok) result.events.push(outcome.event);
      else result.rejected[outcome.error.reason] = (result.rejected[outcome.error.reason] ?? 0) + 1;
      if ((lineNumber & 0x3ff) === 0) reporter(bytesDone);
    }
  }
  reporter(totalBytes, true);
  return result;
}

function progressReporter(
  options: ReplayOptions,
  phase: ReplayProgress['phase'],
  total: number,
): (done: number, final?: boolean) => void {
  const intervalMs = options.progressIntervalMs ?? 2000;
  let lastMs = Date.now();
  return (done, final = false) => {
    if (!options.onProgress) return;
    const nowMs = Date.now();
    if (!final && nowMs - lastMs < intervalMs) return;
    lastMs = nowMs;
    options.onProgress({ phase, done, total });
  };
}

/** Index of the first event at or after `timestampMs` in events sorted by time. */
function lowerBound(events: AccessEvent[], timestampMs: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (events[mid]!.timestamp < timestampMs) low = mid + 1;
    else high = mid;
  }
  return low;
}
