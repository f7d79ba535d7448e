import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.ts';
import { EastwatchError } from '../../core/errors.ts';
import { DEAD_LETTER_HEADERS, deadLetterMessage } from '../../ingest/consumer/dead-letter.ts';
import { headerStrings, parseRecords } from '../../ingest/consumer/records.ts';
import { toRow } from '../../ingest/consumer/writer.ts';
import type { RecordParser } from '../../ingest/parse.ts';
import type { AccessEvent } from '../../schemas/access-event.ts';

const event: AccessEvent = {
  id: 'req-1',
  timestamp: 1_431_849_600_000,
  principal: 'chat-bot',
  credential: 'f00d',
  sourceIp: '10.0.0.7',
  userAgent: 'curl/8.5.0',
  method: 'GET',
  host: 'wiki.internal',
  path: '/rest/api/2/issue/84213',
  route: '/rest/api/2/issue/{id}',
  status: 200,
  bytesIn: 120,
  bytesOut: 5120,
  durationMs: 12.5,
  proxy: 'apache',
  topic: 'logs',
  partition: 3,
  offset: 41,
};

function message(value: string | null, offset: string, headers?: KafkaMessage['headers']) {
  return {
    key: Buffer.from('k'),
    value: value === null ? null : Buffer.from(value),
    timestamp: '1431849600123',
    attributes: 0,
    offset,
    size: 0,
    ...(headers === undefined ? {} : { headers }),
  } as KafkaMessage;
}

class FakeParseError extends EastwatchError {
  constructor(readonly reason: string) {
    super('RECORD_INVALID', `record rejected: ${reason}`);
  }
}

/** Accepts records whose value is `ok`, rejects the others, and throws on `boom`. */
const parser: RecordParser = (value, meta) => {
  const text = value.toString();
  if (text === 'boom') throw new TypeError('unexpected shape');
  if (text !== 'ok') return { ok: false, error: new FakeParseError('no_match') } as never;
  return { ok: true, event: { ...event, offset: Number(meta.offset) } };
};

describe('toRow', () => {
  it('maps every field to its column', () => {
    expect(toRow(event)).toEqual({
      id: 'req-1',
      timestamp: 1_431_849_600_000,
      principal: 'chat-bot',
      credential: 'f00d',
      source_ip: '10.0.0.7',
      user_agent: 'curl/8.5.0',
      method: 'GET',
      host: 'wiki.internal',
      path: '/rest/api/2/issue/84213',
      route: '/rest/api/2/issue/{id}',
      status: 200,
      bytes_in: 120,
      bytes_out: 5120,
      duration_ms: 12.5,
      proxy: 'apache',
      topic: 'logs',
      partition: 3,
      offset: 41,
    });
  });
});

describe('parseRecords', () => {
  it('separates events from rejected records', () => {
    const chunk = [message('ok', '7'), message('bad', '8'), message('ok', '9')];
    const { rows, rejected } = parseRecords(parser, 'logs', 3, chunk);
    expect(rows.map((r) => r.offset)).toEqual([7, 9]);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.message.offset).toBe('8');
    expect(rejected[0]!.code).toBe('RECORD_INVALID');
    expect(rejected[0]!.reason).toBe('no_match');
    expect(rejected[0]!.errorMessage).toBe('record rejected: no_match');
  });

  it('rejects a record whose parser throws', () => {
    const { rows, rejected } = parseRecords(parser, 'logs', 0, [message('boom', '1')]);
    expect(rows).toEqual([]);
    expect(rejected[0]!.code).toBe('PARSER_FAILED');
    expect(rejected[0]!.reason).toBe('parser_exception');
    expect(rejected[0]!.errorMessage).toBe('unexpected shape');
  });

  it('passes an empty buffer for a null value', () => {
    const seen: Buffer[] = [];
    const recording: RecordParser = (value, meta) => {
      seen.push(value);
      return parser(Buffer.from('ok'), meta);
    };
    parseRecords(recording, 'logs', 0, [message(null, '1')]);
    expect(seen).toEqual([Buffer.alloc(0)]);
  });

  it('hands the parser the record metadata', () => {
    const metas: unknown[] = [];
    const recording: RecordParser = (value, meta) => {
      metas.push(meta);
      return parser(value, meta);
    };
    parseRecords(recording, 'logs', 2, [message('ok', '5', { 'x-request-id': Buffer.from('r1') })]);
    expect(metas).toEqual([
      {
        topic: 'logs',
        partition: 2,
        offset: '5',
        timestampMs: 1_431_849_600_123,
        headers: { 'x-request-id': 'r1' },
      },
    ]);
  });
});

describe('headerStrings', () => {
  it('keeps the last value of a repeated header', () => {
    const headers = { a: [Buffer.from('1'), Buffer.from('2')], b: 'text' };
    expect(headerStrings(headers)).toEqual({ a: '2', b: 'text' });
  });

  it('returns undefined without headers', () => {
    expect(headerStrings(undefined)).toBeUndefined();
    expect(headerStrings({})).toBeUndefined();
  });
});

describe('deadLetterMessage', () => {
  it('keeps the original bytes and names the error', () => {
    const original = message('bad \x1b[31m line', '8', {
      trace: 'abc',
      'eastwatch-error-code': 'x',
    });
    const dead = deadLetterMessage('logs', 3, {
      message: original,
      code: 'RECORD_INVALID',
      reason: 'control_character',
      errorMessage: 'record contains a control character',
    });
    expect(dead.key).toEqual(Buffer.from('k'));
    expect(dead.value).toEqual(Buffer.from('bad \x1b[31m line'));
    expect(dead.headers).toEqual({
      trace: 'abc',
      [DEAD_LETTER_HEADERS.code]: 'RECORD_INVALID',
      [DEAD_LETTER_HEADERS.reason]: 'control_character',
      [DEAD_LETTER_HEADERS.message]: 'record contains a control character',
      [DEAD_LETTER_HEADERS.topic]: 'logs',
      [DEAD_LETTER_HEADERS.partition]: '3',
      [DEAD_LETTER_HEADERS.offset]: '8',
      [DEAD_LETTER_HEADERS.timestamp]: '1431849600123',
    });
  });

  it('truncates a long error message', () => {
    const dead = deadLetterMessage('logs', 0, {
      message: message('x', '1'),
      code: 'RECORD_INVALID',
      reason: 'line_too_long',
      errorMessage: 'y'.repeat(2000),
    });
    expect(dead.headers[DEAD_LETTER_HEADERS.message]).toBe('y'.repeat(512));
  });
});

describe('consumer configuration', () => {
  it('fills defaults', () => {
    const consumer = parseConfig({}).ingest.consumer;
    expect(consumer.groupId).toBe('eastwatch-ingest');
    expect(consumer.maxBatchRows).toBe(50_000);
    expect(consumer.deadLetterSuffix).toBe('.dlq');
    expect(consumer.metricsPort).toBe(0);
    expect(consumer.table).toBe('access_events');
  });

  it('rejects a retry cap below the first delay', () => {
    expect(() =>
      parseConfig({ ingest: { consumer: { retryInitialMs: 5000, retryMaxMs: 100 } } }),
    ).toThrow(/ingest\.consumer\.retryMaxMs: retryMaxMs must be at least retryInitialMs/);
  });

  it('rejects a session shorter than three heartbeats', () => {
    expect(() =>
      parseConfig({ ingest: { consumer: { sessionTimeoutMs: 6000, heartbeatIntervalMs: 3000 } } }),
    ).toThrow(/sessionTimeoutMs must exceed three heartbeat intervals/);
  });

  it('rejects an unknown key', () => {
    expect(() => parseConfig({ ingest: { consumer: { batchRows: 5 } } })).toThrow(
      /ingest\.consumer\.batchRows: unknown key/,
    );
  });
});
