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

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Returns the level named by `EASTWATCH_LOG_LEVEL`, `info` when unset. An unknown name stops the
 * process with the allowed names, since the logger exists before any error reporting does.
 */
export function logLevelFromEnv(value: string | undefined): string {
  if (value === undefined || value === '') return 'info';
  if (LEVELS.includes(value)) return value;
  process.stderr.write(
    `error: EASTWATCH_LOG_LEVEL=${JSON.stringify(value.slice(0, 40))} is not a log level; use one of ${LEVELS.join(', ')}\n`,
  );
  process.exit(2);
}

function createRootLogger(): Logger {
  const level = logLevelFromEnv(process.env['EASTWATCH_LOG_LEVEL']);
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
