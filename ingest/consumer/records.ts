import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { RecordMeta, RecordParser } from '../parse.ts';
import type { RejectedRecord } from './dead-letter.ts';
import { toRow, type AccessEventRow } from './writer.ts';

/** The outcome of parsing one chunk: rows to insert and records for the dead-letter topic. */
export interface ParsedChunk {
  rows: AccessEventRow[];
  rejected: RejectedRecord[];
}

/**
 * Runs the topic's parser over each record. A parser that throws instead of returning an error
 * outcome is a bug, but the record still goes to the dead-letter topic, so one record can never
 * stall its partition.
 */
export function parseRecords(
  parser: RecordParser,
  topic: string,
  partition: number,
  messages: readonly KafkaMessage[],
): ParsedChunk {
  const rows: AccessEventRow[] = [];
  const rejected: RejectedRecord[] = [];

  for (const message of messages) {
    const meta = recordMeta(topic, partition, message);
    try {
      const outcome = parser(message.value ?? Buffer.alloc(0), meta);
      if (outcome.ok) rows.push(toRow(outcome.event));
      else rejected.push(rejectedRecord(message, outcome.error));
    } catch (error) {
      rejected.push({
        message,
        code: 'PARSER_FAILED',
        reason: 'parser_exception',
        errorMessage: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { rows, rejected };
}

function rejectedRecord(
  message: KafkaMessage,
  error: { code: string; reason: string; message: string },
): RejectedRecord {
  return { message, code: error.code, reason: error.reason, errorMessage: error.message };
}

function recordMeta(topic: string, partition: number, message: KafkaMessage): RecordMeta {
  const meta: RecordMeta = { topic, partition, offset: message.offset };
  const timestampMs = Number(message.timestamp);
  if (Number.isFinite(timestampMs) && timestampMs >= 0) meta.timestampMs = timestampMs;
  const headers = headerStrings(message.headers);
  if (headers !== undefined) meta.headers = headers;
  return meta;
}

/** Converts Kafka headers to strings; a repeated header keeps its last value. */
export function headerStrings(headers: IHeaders | undefined): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  const entries = Object.entries(headers);
  if (entries.length === 0) return undefined;

  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = last.toString();
  }
  return out;
}
