import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { runDetectionBenchmark, type BenchmarkResult } from '../detect/benchmark.ts';
import { runExternalCheck, type ExternalCheck } from '../detect/external.ts';
import { renderReport } from '../detect/report.ts';
import { evaluateTargets } from '../detect/targets.ts';
import { corpusPath, CORPUS_SKIP_REASON } from '../test/helpers/corpus.ts';
import { machineLine, writeSection, type BenchSection } from './page.ts';

/**
 * The detection benchmark: labelled attack and benign scenarios over real and generated
 * traffic, scored by the combined model, a first-seen rule and a volume z-score, plus the
 * external check on the API access behaviour dataset. `npm run bench:detect` runs the full
 * size and writes the `detection` section of docs/benchmarks.md; it exits with status 1 when
 * a target is missed.
 */
export const FULL_SIZE = { fleetSize: 80, instances: 3 };
const EXTERNAL_DATASET = 'api-access-behaviour-anomaly/supervised_dataset.csv';
/** Interpreter with scikit-learn for the IsolationForest peer; `EASTWATCH_PYTHON` overrides it. */
const DEFAULT_PYTHON = join('.eastwatch', 'detect-venv', 'bin', 'python');

export interface DetectionRun {
  result: BenchmarkResult;
  external: ExternalCheck | string;
  section: BenchSection;
}

/** Runs the benchmark at `size` and returns its page section with the raw results. */
export function runDetection(size = FULL_SIZE): DetectionRun {
  const result = runDetectionBenchmark(size);
  const dataset = corpusPath(EXTERNAL_DATASET);
  const python = process.env['EASTWATCH_PYTHON'] ?? DEFAULT_PYTHON;
  const external = dataset
    ? runExternalCheck(dataset, python)
    : `${EXTERNAL_DATASET}: ${CORPUS_SKIP_REASON}`;
  const command = `Command: \`npm run bench:detect\` (fleet of ${size.fleetSize} generated service accounts, ${size.instances} instances per scenario). Every input is seeded, so the metrics repeat exactly; only the times vary between runs.`;
  const markdown = `${command}\n\n${renderReport(result, external)}`;
  return { result, external, section: { name: 'detection', title: 'Detection', markdown } };
}

export function run(): Promise<BenchSection> {
  return Promise.resolve(runDetection().section);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stderr.write(`benchmark detection: running on ${machineLine()}\n`);
  const { result, section } = runDetection();
  writeSection({ ...section, markdown: `Machine: ${machineLine()}\n\n${section.markdown}` });
  process.stdout.write(`${section.markdown}\n`);
  const missed = evaluateTargets(result).filter((t) => !t.met);
  for (const target of missed)
    process.stderr.write(`target missed: ${target.target}: ${target.measured}\n`);
  process.stderr.write('benchmark detection: written to docs/benchmarks.md\n');
  if (missed.length > 0) process.exitCode = 1;
}
