import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { ClickHouseConfig } from '../core/config.ts';
import { EastwatchError } from '../core/errors.ts';
import { resolveSecret } from '../core/secret.ts';
import type { SqlFragment } from './sql.ts';

export type { ClickHouseClient };

/** Raised when ClickHouse cannot be reached or rejects a statement. */
export class ClickHouseError extends EastwatchError {
  constructor(message: string, options: { cause: unknown; retriable: boolean; table?: string }) {
    super('CLICKHOUSE_FAILED', message, {
      cause: options.cause,
      retriable: options.retriable,
      context: { table: options.table },
    });
  }
}

export interface ClickHouseOptions {
  /** Connect without selecting the configured database, for creating it. */
  withoutDatabase?: boolean;
}

/** Creates a client for the configured server. The password is read here and never logged. */
export function createClickHouse(
  config: ClickHouseConfig,
  options: ClickHouseOptions = {},
): ClickHouseClient {
  const password = config.password
    ? resolveSecret(config.password, 'clickhouse.password').reveal()
    : '';
  return createClient({
    url: config.url,
    username: config.username,
    password,
    ...(options.withoutDatabase ? {} : { database: config.database }),
    request_timeout: config.requestTimeoutMs,
    application: 'eastwatch',
    // 18.16 has no `date_time_input_format` or the newer JSON settings; send none by default.
    clickhouse_settings: {},
    // Failures reach the caller as errors and are logged once there, as JSON; the client's own
    // multi-line text log would repeat them.
    log: { level: ClickHouseLogLevel.OFF },
  });
}

/** Returns true when a ClickHouse failure is worth retrying: the server was unreachable or busy. */
export function isTransientClickHouseFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  const transientSocket = ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'];
  if (typeof code === 'string' && transientSocket.includes(code)) return true;
  if (/timeout|socket hang up|ECONNREFUSED|ECONNRESET/i.test(error.message)) return true;
  // Server error codes: 159 TIMEOUT_EXCEEDED, 202 TOO_MANY_SIMULTANEOUS_QUERIES,
  // 241 MEMORY_LIMIT_EXCEEDED, 252 TOO_MANY_PARTS.
  return typeof code === 'string' && ['159', '202', '241', '252'].includes(code);
}

function failureMessage(what: string, cause: unknown): string {
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (code === 'ECONNREFUSED') {
    return `${what}: the server refused the connection; start it with \`eastwatch stack up\` or check clickhouse.url`;
  }
  return what;
}

/** Runs a statement that returns no rows, wrapping failures with their verdict. */
export async function execute(
  client: ClickHouseClient,
  statement: SqlFragment,
  table?: string,
): Promise<void> {
  try {
    await client.command({ query: statement.text });
  } catch (cause) {
    throw new ClickHouseError(failureMessage('ClickHouse statement failed', cause), {
      cause,
      retriable: isTransientClickHouseFailure(cause),
      ...(table === undefined ? {} : { table }),
    });
  }
}

/** Runs a query and returns its rows as objects. */
export async function queryRows<Row>(
  client: ClickHouseClient,
  statement: SqlFragment,
  table?: string,
): Promise<Row[]> {
  try {
    const result = await client.query({ query: statement.text, format: 'JSONEachRow' });
    return await result.json<Row>();
  } catch (cause) {
    throw new ClickHouseError(failureMessage('ClickHouse query failed', cause), {
      cause,
      retriable: isTransientClickHouseFailure(cause),
      ...(table === undefined ? {} : { table }),
    });
  }
}
