import type { ClickHouseClient } from '../../clickhouse/client.ts';
import { isTransientClickHouseFailure } from '../../clickhouse/client.ts';
import { ident, sqlLiteral } from '../../clickhouse/sql.ts';
import { EastwatchError } from '../../core/errors.ts';
import type { AccessEvent } from '../../schemas/access-event.ts';

/** One row of `access_events`: the canonical event with snake_case column names. */
export interface AccessEventRow {
  id: string;
  timestamp: number;
  principal: string;
  credential: string;
  source_ip: string;
  user_agent: string;
  method: string;
  host: string;
  path: string;
  route: string;
  status: number;
  bytes_in: number;
  bytes_out: number;
  duration_ms: number;
  proxy: string;
  topic: string;
  partition: number;
  offset: number;
}

/** Maps a canonical event to its ClickHouse row. */
export function toRow(event: AccessEvent): AccessEventRow {
  return {
    id: event.id,
    timestamp: event.timestamp,
    principal: event.principal,
    credential: event.credential,
    source_ip: event.sourceIp,
    user_agent: event.userAgent,
    method: event.method,
    host: event.host,
    path: event.path,
    route: event.route,
    status: event.status,
    bytes_in: event.bytesIn,
    bytes_out: event.bytesOut,
    duration_ms: event.durationMs,
    proxy: event.proxy,
    topic: event.topic,
    partition: event.partition,
    offset: event.offset,
  };
}

/** Origin of a chunk of rows (topic, partition, offsets), for error context and logs. */
export interface ChunkOrigin {
  topic: string;
  partition: number;
  firstOffset: string;
  lastOffset: string;
}

/** Raised when ClickHouse did not acknowledge an insert. `retriable` comes from the failure. */
export class InsertError extends EastwatchError {
  constructor(table: string, origin: ChunkOrigin, rows: number, cause: unknown) {
    const retriable = isTransientClickHouseFailure(cause);
    super(
      'INGEST_INSERT_FAILED',
      `insert of ${rows} rows into ${table} failed for ${origin.topic}[${origin.partition}] ` +
        `offsets ${origin.firstOffset}-${origin.lastOffset}; ` +
        (retriable
          ? 'the consumer retries it'
          : 'check that the table exists and matches the migrations (run eastwatch migrate)'),
      {
        retriable,
        cause,
        context: {
          table,
          topic: origin.topic,
          partition: origin.partition,
          offset: origin.firstOffset,
        },
      },
    );
  }
}

/** Writes chunks of events with one JSONEachRow insert each. */
export class EventWriter {
  readonly #client: ClickHouseClient;
  readonly #table: string;
  readonly #quotedTable: string;

  constructor(client: ClickHouseClient, table: string) {
    this.#client = client;
    this.#table = table;
    this.#quotedTable = sqlLiteral(ident(table));
  }

  /** Inserts the rows and resolves once ClickHouse has acknowledged all of them. */
  async insert(rows: readonly AccessEventRow[], origin: ChunkOrigin): Promise<void> {
    if (rows.length === 0) return;
    try {
      await this.#client.insert({
        table: this.#quotedTable,
        values: rows as AccessEventRow[],
        format: 'JSONEachRow',
      });
    } catch (cause) {
      throw new InsertError(this.#table, origin, rows.length, cause);
    }
  }
}
