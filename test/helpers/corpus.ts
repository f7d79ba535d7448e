import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Locates a file of the public log corpus that may not be copied into this repository. The
 * folder is `EASTWATCH_CORPUS_DIR`; tests that need such a file skip when this returns undefined.
 */
export function corpusPath(relative: string): string | undefined {
  const dir = process.env['EASTWATCH_CORPUS_DIR'];
  if (!dir) return undefined;
  const path = join(dir, relative);
  return existsSync(path) ? path : undefined;
}

/** The reason a corpus test is skipped, for the skip message. */
export const CORPUS_SKIP_REASON =
  'needs EASTWATCH_CORPUS_DIR pointing at the public log corpus (files whose licence forbids a copy here)';
