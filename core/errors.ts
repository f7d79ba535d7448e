/**
 * The one error base of eastwatch. Every error the project raises carries a stable `code`, a
 * `retriable` verdict that retry logic reads (never the message), the lower-level `cause`, and the
 * context that finds the failing unit (topic, partition, offset, table, sink, principal).
 */
export type ErrorContext = Record<string, string | number | boolean | undefined>;

export interface EastwatchErrorOptions {
  retriable?: boolean;
  cause?: unknown;
  context?: ErrorContext;
}

export class EastwatchError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly context: ErrorContext;

  constructor(code: string, message: string, options: EastwatchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }
}

/** Invalid configuration: fatal at start, never retried. */
export class ConfigError extends EastwatchError {
  constructor(message: string, options: EastwatchErrorOptions = {}) {
    super('CONFIG_INVALID', message, { ...options, retriable: false });
  }
}

/** A broken invariant inside eastwatch: a bug, not bad input. */
export class InvariantError extends EastwatchError {
  constructor(message: string, context: ErrorContext = {}) {
    super('INVARIANT_BROKEN', message, { retriable: false, context });
  }
}

/** Returns true when `error` says that the same operation may succeed if tried again. */
export function isRetriable(error: unknown): boolean {
  return error instanceof EastwatchError && error.retriable;
}
