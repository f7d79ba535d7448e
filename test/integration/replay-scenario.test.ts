import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../alerts/alert.ts';
import { Secret } from '../../core/secret.ts';
import { defaultScoreConfig } from '../../detectors/config.ts';
import { replay, type ReplaySummary } from '../../detectors/replay.ts';
import { trainConfigSchema } from '../../models/config.ts';
import {
  ATTACK_START_MS,
  LEARN_UNTIL_MS,
  SERVICE_USER,
  attackLines,
  readBackground,
  renderLog,
  tiledBackground,
  withClockChange,
  withGrowth,
  withNewPrincipal,
  withReleaseRoute,
  type LogLine,
} from './replay-scenario.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ew-replay-'));
const background = tiledBackground(readBackground());

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function replayLines(name: string, lines: LogLine[]) {
  const file = join(dir, `${name}.log`);
  writeFileSync(file, renderLog(lines));
  const alerts: Alert[] = [];
  const summary: ReplaySummary = await replay({
    files: [file],
    source: { topic: 'replay', format: 'apache', principal: 'user' },
    credentialKey: new Secret('scenario key', 'test'),
    learnUntilMs: LEARN_UNTIL_MS,
    score: defaultScoreConfig(),
    train: trainConfigSchema.parse({}),
    onAlert: (alert) => {
      alerts.push(alert);
    },
  });
  return { alerts, summary };
}

const isHigh = (alert: Alert) => alert.severity === 'high' || alert.severity === 'critical';

describe('replay of a stolen service token', () => {
  it('raises a high alert within five minutes', async () => {
    const { alerts, summary } = await replayLines('attack', [...background, ...attackLines()]);

    expect(summary.matureBaselines).toBe(1);
    const high = alerts.filter((a) => isHigh(a) && a.principal === SERVICE_USER);
    expect(high.length).toBeGreaterThan(0);
    expect(high[0]!.timestamp - ATTACK_START_MS).toBeLessThanOrEqual(5 * 60_000);
    expect(high[0]!.timestamp).toBeGreaterThanOrEqual(ATTACK_START_MS);
  });

  it('names the routes, network and hour', async () => {
    const { alerts } = await replayLines('attack-explained', [...background, ...attackLines()]);

    const withinFiveMinutes = alerts.filter(
      (a) => isHigh(a) && a.timestamp <= ATTACK_START_MS + 5 * 60_000,
    );
    const last = withinFiveMinutes[withinFiveMinutes.length - 1]!;
    const text = last.findings.map((f) => f.explanation).join(' ');
    expect(text).toContain('GET /rest/api/2/issue/{id}');
    expect(text).toContain('GET /rest/api/2/search');
    expect(text).toContain('203.0.113.0/24');
    expect(text).toContain('Wednesday 02:00-02:59 UTC');
    expect(last.sourceIps).toContain('203.0.113.77');
    expect(last.findings.map((f) => f.detector)).toEqual(
      expect.arrayContaining(['new-route', 'new-network', 'idle-hour', 'enumeration-paths']),
    );
  });

  it('raises nothing on the background alone', async () => {
    const { alerts, summary } = await replayLines('plain', background);

    expect(summary.scoredEvents).toBeGreaterThan(0);
    expect(alerts).toEqual([]);
  });
});

describe('replay of benign changes', () => {
  const cases: [string, () => LogLine[]][] = [
    ['release adding a route', () => withReleaseRoute(background)],
    ['clock moved forward', () => withClockChange(background, 1)],
    ['clock moved back', () => withClockChange(background, -1)],
    ['growth by half', () => withGrowth(background)],
    ['new principal', () => withNewPrincipal(background)],
  ];

  for (const [name, build] of cases) {
    it(`${name} stays below high`, async () => {
      const { alerts, summary } = await replayLines(name.replaceAll(' ', '-'), build());

      expect(summary.scoredEvents).toBeGreaterThan(0);
      expect(alerts.filter(isHigh)).toEqual([]);
    });
  }

  it('release adds one medium alert', async () => {
    const { alerts } = await replayLines('release-medium', withReleaseRoute(background));

    expect(alerts.map((a) => [a.severity, a.findings.map((f) => f.detector)])).toEqual([
      ['medium', ['new-route']],
    ]);
    expect(alerts[0]!.findings[0]!.explanation).toContain(
      'GET /blog/geekery/release-notes-2015.html',
    );
  });

  it('new principal is trained immature', async () => {
    const { summary } = await replayLines('new-principal-count', withNewPrincipal(background));

    expect(summary.trainedPrincipals).toBe(2);
    expect(summary.matureBaselines).toBe(1);
  });
});

describe('eastwatch replay command', () => {
  it('writes alerts as JSON lines', async () => {
    const file = join(dir, 'cli-attack.log');
    const output = join(dir, 'cli-alerts.jsonl');
    writeFileSync(file, renderLog([...background, ...attackLines()]));

    const config = join(dir, 'empty-config.json');
    writeFileSync(config, '{}');
    const result = await run(process.execPath, [
      'bin/eastwatch.js',
      '--config',
      config,
      'replay',
      file,
      '--format',
      'apache',
      '--principal',
      'user',
      '--alerts',
      output,
    ]);

    const alerts = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Alert);
    expect(alerts.some(isHigh)).toBe(true);
    expect(alerts.every((a) => a.principal === SERVICE_USER)).toBe(true);
    expect(result.stdout).toMatch(/alerts: +\d+ critical/);
    // 5 copies of the 10,000-line fixture and 216 attack lines.
    expect(result.stdout).toMatch(/lines read: +50216 \(\d+ events/);
    expect(result.stderr).toContain('replay: score 100%');
  });
});
