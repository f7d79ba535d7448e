import pino, { type Logger } from 'pino';

/**
 * Paths that may hold a secret. pino replaces their values before a line is written, so a
 * credential that reaches a log call by mistake still never reaches the log.
 */
const REDACTED_PATHS = [
  'password',
  'token',
  'secret',
  'authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.authorization',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
];

function createRootLogger(): Logger {
  const level = process.env['EASTWATCH_LOG_LEVEL'] ?? 'info';
  // Logs go to stderr so that a command's stdout stays machine-readable.
  return pino(
    {
      level,
      base: { app: 'eastwatch' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ fd: 2, sync: false }),
  );
}

/** The process-wide logger. Log fields are snake_case; messages are fixed phrases. */
export const rootLogger: Logger = createRootLogger();

/** Returns a child logger that carries the component's name on every line. */
export function componentLogger(component: string, bindings: Record<string, unknown> = {}): Logger {
  return rootLogger.child({ component, ...bindings });
}

export type { Logger };
