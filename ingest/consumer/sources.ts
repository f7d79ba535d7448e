import { ConfigError } from '../../core/errors.ts';
import { sourceConfigSchema, type SourceConfig } from '../source-config.ts';

/** Command-line settings that select and override sources. */
export interface SourceFlags {
  topics: readonly string[];
  format?: string;
  principal?: string;
}

/**
 * Returns the sources to consume. Each topic named on the command line takes its configured
 * source if there is one, else a new one. Without topics, every configured source is used. The
 * `format` and `principal` flags then replace the values of every selected source.
 */
export function resolveSources(
  configured: readonly SourceConfig[],
  flags: SourceFlags,
): SourceConfig[] {
  const selected: Record<string, unknown>[] =
    flags.topics.length > 0
      ? [...new Set(flags.topics)].map((topic) => ({
          ...configured.find((s) => s.topic === topic),
          topic,
        }))
      : configured.map((s) => ({ ...s }));

  if (selected.length === 0) {
    throw new ConfigError('no topic to ingest; pass --topic or configure ingest.sources');
  }
  return selected.map((source) => {
    if (flags.format !== undefined) source['format'] = flags.format;
    if (flags.principal !== undefined) source['principal'] = flags.principal;
    return validSource(source);
  });
}

function validSource(source: Record<string, unknown>): SourceConfig {
  const topic = String(source['topic']);
  if (source['format'] === undefined) {
    throw new ConfigError(
      `topic ${topic} has no format; pass --format or add the topic to ingest.sources`,
      { context: { topic } },
    );
  }
  const result = sourceConfigSchema.safeParse(source);
  if (result.success) return result.data;

  const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new ConfigError(`source of topic ${topic} is invalid: ${problems}`, {
    cause: result.error,
    context: { topic },
  });
}
