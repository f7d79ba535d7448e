import { machineLine, writeSection, type BenchSection } from './page.ts';

/**
 * Runs the benchmarks named on the command line (all when none are named) and writes each one's
 * section of docs/benchmarks.md. Each benchmark module exports `run(): Promise<BenchSection>`.
 */
const BENCHMARKS: Record<string, () => Promise<{ run: () => Promise<BenchSection> }>> = {
  train: () => import('./train.ts'),
  alerts: () => import('./alerts.ts'),
  parse: () => import('./parse.ts'),
  ingest: () => import('./ingest.ts'),
  score: () => import('./score.ts'),
  detect: () => import('./detect.ts'),
};

const requested = process.argv.slice(2);
const names = requested.length > 0 ? requested : Object.keys(BENCHMARKS);
for (const name of names) {
  const load = BENCHMARKS[name];
  if (!load) {
    process.stderr.write(
      `unknown benchmark ${name}; known: ${Object.keys(BENCHMARKS).join(', ')}\n`,
    );
    process.exitCode = 2;
    continue;
  }
  process.stderr.write(`benchmark ${name}: running on ${machineLine()}\n`);
  const section = await (await load()).run();
  writeSection({ ...section, markdown: `Machine: ${machineLine()}\n\n${section.markdown}` });
  process.stderr.write(`benchmark ${name}: written to docs/benchmarks.md\n`);
}
