import type { BenchmarkResult, MethodResult } from './benchmark.ts';
import type { ExternalCheck } from './external.ts';
import type { ScenarioMetrics } from './metrics.ts';
import { evaluateTargets } from './targets.ts';

/** Renders the benchmark's results as the Markdown of its section on the benchmark page. */
export function renderReport(result: BenchmarkResult, external: ExternalCheck | string): string {
  return [
    datasetParagraph(result),
    '### Targets (combined model)',
    targetTable(result),
    '### Overall',
    overallTable(result.methods),
    '### Attacks',
    attackTable(result.methods),
    '### Benign changes',
    benignTable(result.methods),
    '### False alerts on the background, by population',
    populationTable(result.methods),
    '### External check: API access behaviour dataset',
    externalSection(external),
  ].join('\n\n');
}

const percent = (x: number | undefined): string => {
  if (x === undefined) return 'n/a';
  return `${(x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0)}%`;
};
const fixed = (x: number | undefined, digits = 2): string =>
  x === undefined ? 'n/a' : x.toFixed(digits);
const seconds = (ms: number | undefined): string =>
  ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(0)} s`;
const row = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;
const header = (cells: string[]): string => `${row(cells)}\n${row(cells.map(() => '---'))}`;

function datasetParagraph(result: BenchmarkResult): string {
  const d = result.dataset;
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  return (
    `Traffic: ${d.events.toLocaleString('en-US')} events (${d.backgroundEvents.toLocaleString('en-US')} ` +
    `real Apache lines tiled, ${d.generatedEvents.toLocaleString('en-US')} generated gateway lines of ` +
    `${d.serviceAccounts} service accounts), history ${day(d.timeline.startMs)} to ` +
    `${day(d.timeline.learnUntilMs)}, scored ${day(d.timeline.learnUntilMs)} to ${day(d.timeline.endMs)} ` +
    `(${d.scoredEvents.toLocaleString('en-US')} events, ${result.backgroundPrincipalDays.toLocaleString('en-US')} ` +
    `background principal-days). ${d.labels.length} labelled scenario instances. Detected: an alert ` +
    `of severity medium or higher on the target within 5 minutes of the first malicious event. ` +
    `Alert budget: the top ${result.budgetPerDay} alerts by score per UTC day. Dataset built in ` +
    `${seconds(result.buildMs)}.`
  );
}

function targetTable(result: BenchmarkResult): string {
  const lines = evaluateTargets(result).map((t) =>
    row([t.target, t.measured, t.met ? 'met' : '**missed**']),
  );
  return [header(['target', 'measured', 'result']), ...lines].join('\n');
}

function overallTable(methods: MethodResult[]): string {
  const metric = (name: string, value: (m: MethodResult) => string): string =>
    row([name, ...methods.map(value)]);
  return [
    header(['metric', ...methods.map((m) => m.method)]),
    metric(
      'attacks detected within 5 min',
      (m) => `${m.metrics.overall.detected} / ${m.metrics.overall.attackInstances}`,
    ),
    metric('recall', (m) => percent(m.metrics.overall.recall)),
    metric('precision (true alerts / alerts)', (m) => percent(m.metrics.overall.precision)),
    metric('alerts in the scoring period', (m) => String(m.metrics.overall.alerts)),
    metric('false alerts per 1,000 principal-days', (m) =>
      fixed(m.metrics.overall.falseAlertsPer1000PrincipalDays),
    ),
    metric('false high per 1,000 principal-days', (m) =>
      fixed(m.metrics.overall.falseHighPer1000PrincipalDays),
    ),
    metric('recall at the alert budget', (m) => percent(m.metrics.overall.recallAtBudget)),
    metric('median time to detect', (m) => seconds(m.metrics.overall.medianTimeToDetectMs)),
    metric('scoring time', (m) => seconds(m.scoreMs)),
  ].join('\n');
}

function scenarioRows(
  methods: MethodResult[],
  kind: 'attack' | 'benign',
  cells: (s: ScenarioMetrics) => string,
): string[] {
  const names = methods[0]!.metrics.scenarios.filter((s) => s.kind === kind).map((s) => s.scenario);
  return names.map((name) => {
    const per = methods.map((m) => m.metrics.scenarios.find((s) => s.scenario === name)!);
    return row([name, per[0]!.instances, ...per.map(cells)]);
  });
}

function attackTable(methods: MethodResult[]): string {
  const cell = (s: ScenarioMetrics): string =>
    `${s.detected}/${s.instances}, ${seconds(s.medianTimeToDetectMs)}, ${percent(s.precision)}, ${s.withinBudget}`;
  return [
    'Each cell: detected within 5 min, median time to detect, precision on the targets, found within the budget.',
    [
      header(['scenario', 'instances', ...methods.map((m) => m.method)]),
      ...scenarioRows(methods, 'attack', cell),
    ].join('\n'),
  ].join('\n\n');
}

function benignTable(methods: MethodResult[]): string {
  const cell = (s: ScenarioMetrics): string =>
    s.falseHigh === undefined ? `${s.alerts}` : `${s.alerts} (${s.falseHigh} high)`;
  return [
    'Each cell: alerts on the targets from the change to the end of scoring (high or critical among them).',
    [
      header(['scenario', 'instances', ...methods.map((m) => m.method)]),
      ...scenarioRows(methods, 'benign', cell),
    ].join('\n'),
  ].join('\n\n');
}

function populationTable(methods: MethodResult[]): string {
  const populations = methods[0]!.populations.map((p) => p.population);
  const lines = populations.map((population) => {
    const per = methods.map((m) => m.populations.find((p) => p.population === population)!);
    const days = per[0]!.principalDays;
    const rate = (n: number): string => fixed(days > 0 ? (1000 * n) / days : 0);
    const cells = per.map((p) =>
      p.falseHigh === undefined
        ? `${p.falseAlerts} (${rate(p.falseAlerts)})`
        : `${p.falseAlerts} (${rate(p.falseAlerts)}), ${p.falseHigh} high (${rate(p.falseHigh)})`,
    );
    return row([population, days, ...cells]);
  });
  return [
    'Each cell: false alerts (per 1,000 principal-days), and for the combined model false high alerts.',
    [header(['population', 'principal-days', ...methods.map((m) => m.method)]), ...lines].join(
      '\n',
    ),
  ].join('\n\n');
}

function externalSection(external: ExternalCheck | string): string {
  if (typeof external === 'string') return `Skipped: ${external}.`;
  const lines = external.results.map((r) =>
    row([r.method, fixed(r.auc, 3), percent(r.recallAt5PercentFalsePositives)]),
  );
  const intro =
    `${external.rows} labelled rows, ${external.outliers} of them outliers; ${external.peerGroups} ` +
    `peer groups. Scores are unsupervised; the labels only measure them.`;
  const skipped = external.isolationForestSkipped
    ? `\n\nIsolationForest column skipped: ${external.isolationForestSkipped}.`
    : '';
  return `${intro}\n\n${[header(['score', 'ROC AUC', 'recall at 5% false positives']), ...lines].join('\n')}${skipped}`;
}
