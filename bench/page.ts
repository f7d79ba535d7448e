import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export const BENCHMARK_PAGE = 'docs/benchmarks.md';

/** One benchmark's section of the page, in Markdown, without its heading. */
export interface BenchSection {
  name: string;
  title: string;
  markdown: string;
}

/** Describes the machine a run used, for the page's header. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const gib = (totalmem() / 2 ** 30).toFixed(0);
  return `${cpus().length} × ${cpu}, ${gib} GiB, Node ${process.version}, ${new Date().toISOString()}`;
}

/**
 * Writes a section into the benchmark page between its markers, keeping the other sections, so
 * each benchmark can be rerun alone.
 */
export function writeSection(section: BenchSection, page = BENCHMARK_PAGE): void {
  const start = `<!-- bench:${section.name} -->`;
  const end = `<!-- /bench:${section.name} -->`;
  const body = `${start}\n## ${section.title}\n\n${section.markdown.trim()}\n\n${end}`;
  let text = existsSync(page)
    ? readFileSync(page, 'utf8')
    : '# Benchmarks\n\nEvery number on this page was measured by `npm run bench` (or the command named in its section) on the machine named there. Medians are over repeated runs; ratios compare two paths measured in the same run.\n';

  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from >= 0 && to > from) text = text.slice(0, from) + body + text.slice(to + end.length);
  else text = `${text.trimEnd()}\n\n${body}\n`;
  writeFileSync(page, text.endsWith('\n') ? text : `${text}\n`);
}

/** Returns the median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
