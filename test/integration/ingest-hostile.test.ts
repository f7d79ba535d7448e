import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS } from '../../ingest/consumer/dead-letter.ts';
import {
  createTestDatabase,
  createTopic,
  testKafka,
  uniqueName,
  type TestDatabase,
} from '../helpers/stack.ts';
import { readTopic, spawnIngest, writeIngestConfig } from './ingest-harness.ts';

const VALID =
  '10.1.2.3 - chat-bot [17/May/2015:10:05:03 +0000] "GET /wiki/page/1 HTTP/1.1" 200 512 "-" "bot/1.0"';

function apacheLine(path: string, userAgent = 'bot/1.0'): Buffer {
  return Buffer.from(VALID.replace('/wiki/page/1', path).replace('bot/1.0', userAgent));
}

const SQL_PATH = "/x');DROP TABLE access_events;--\\";

/** Apache records in produce order, with the reason each must be rejected for, if any. */
const APACHE_RECORDS: { value: Buffer; reason?: string }[] = [
  { value: apacheLine('/wiki/page/1') },
  {
    value: Buffer.concat([apacheLine('/a'), Buffer.from([0xff, 0xfe, 0xc3])]),
    reason: 'invalid_utf8',
  },
  { value: apacheLine('/wiki/page/2') },
  { value: apacheLine(`/${'a'.repeat(1_000_000)}`), reason: 'line_too_long' },
  { value: Buffer.from(`${VALID}\r\n${VALID}`), reason: 'control_character' },
  { value: apacheLine('/wiki/page/3', '\x1b[31mred\x1b[0m'), reason: 'control_character' },
  { value: apacheLine(SQL_PATH) },
  { value: apacheLine('/wiki/page/4') },
];

const JSON_RECORDS: { value: Buffer; reason?: string }[] = [
  {
    value: Buffer.from(
      JSON.stringify({
        time_iso8601: '2015-05-17T10:05:03+00:00',
        remote_addr: '10.0.0.1',
        request_method: 'GET',
        request_uri: '/json/ok',
        status: 200,
        body_bytes_sent: 5,
      }),
    ),
  },
  {
    value: Buffer.from(
      JSON.stringify({
        time_iso8601: '2015-05-17T10:05:04+00:00',
        remote_addr: '10.0.0.1',
        request_method: 'GET',
        request_uri: '/json/bad',
        status: 'abc',
        body_bytes_sent: { bytes: 5 },
      }),
    ),
    reason: 'wrong_type',
  },
  { value: Buffer.from('[1,2]'), reason: 'wrong_type' },
];

const AVRO_SCHEMA = {
  type: 'record',
  name: 'GatewayRequest',
  fields: [
    { name: 'timestamp', type: 'long' },
    { name: 'target', type: 'string' },
    { name: 'method', type: 'string' },
    { name: 'status', type: 'int' },
    { name: 'sourceIp', type: 'string' },
  ],
};

function avroRecords(): { value: Buffer; reason?: string }[] {
  const type = avro.Type.forSchema(AVRO_SCHEMA as avro.Schema);
  const record = (target: string): Buffer =>
    type.toBuffer({
      timestamp: 1_431_857_103_000,
      target,
      method: 'GET',
      status: 200,
      sourceIp: '10.0.0.9',
    });
  const whole = record('/avro/ok');
  return [
    { value: whole },
    { value: record('/avro/cut').subarray(0, whole.length - 4), reason: 'avro_truncated' },
    { value: record('/avro/after') },
  ];
}

async function produce(kafka: Kafka, topic: string, records: { value: Buffer }[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: records.map((r, i) => ({
      key: `key-${i}`,
      value: r.value,
      headers: { trace: `t${i}` },
    })),
  });
  await producer.disconnect();
}

function header(message: KafkaMessage, name: string): string | undefined {
  return message.headers?.[name]?.toString();
}

describe('ingest of hostile records', () => {
  let db: TestDatabase;
  let admin: Admin;
  let kafka: Kafka;
  const topics = {
    apache: uniqueName('hostile_apache'),
    json: uniqueName('hostile_json'),
    avro: uniqueName('hostile_avro'),
  };
  const inputs = { apache: APACHE_RECORDS, json: JSON_RECORDS, avro: avroRecords() };
  let ingestOutput = '';

  beforeAll(async () => {
    db = await createTestDatabase('ew_ingest_hostile');
    kafka = testKafka(db.config);
    admin = kafka.admin();
    await admin.connect();

    const schemaFile = join(mkdtempSync(join(tmpdir(), 'eastwatch-avro-')), 'gateway.avsc');
    writeFileSync(schemaFile, JSON.stringify(AVRO_SCHEMA));
    for (const name of ['apache', 'json', 'avro'] as const) {
      await createTopic(admin, topics[name], 1);
      await produce(kafka, topics[name], inputs[name]);
    }

    const sources = [
      { topic: topics.apache, format: 'apache', principal: 'user' },
      { topic: topics.json, format: 'nginx-json', principal: 'ip' },
      {
        topic: topics.avro,
        format: 'avro',
        principal: 'ip',
        avro: { encoding: 'plain', writerSchemaFile: schemaFile },
      },
    ];
    const ingest = spawnIngest(['--exit-when-idle', '2'], {
      configFile: writeIngestConfig({}, sources),
      brokers: db.config.kafka.brokers[0]!,
      clickhouseUrl: db.config.clickhouse.url,
      database: db.config.clickhouse.database,
    });
    expect(await ingest.exited).toEqual({ code: 0, signal: null });
    ingestOutput = ingest.stdout();
  });

  afterAll(async () => {
    await admin.disconnect();
    await db.drop();
  });

  it('reports the counts', () => {
    expect(ingestOutput).toBe('inserted 7 events, dead-lettered 7 records\n');
  });

  it('stores the valid records around them', async () => {
    const result = await db.client.query({
      query: 'SELECT topic, `offset`, path FROM access_events FINAL ORDER BY topic, `offset`',
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ topic: string; offset: string; path: string }>();
    expect(rows.map((r) => [r.topic, Number(r.offset), r.path])).toEqual(
      [
        [topics.apache, 0, '/wiki/page/1'],
        [topics.apache, 2, '/wiki/page/2'],
        [topics.apache, 6, SQL_PATH],
        [topics.apache, 7, '/wiki/page/4'],
        [topics.avro, 0, '/avro/ok'],
        [topics.avro, 2, '/avro/after'],
        [topics.json, 0, '/json/ok'],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1])),
    );
  });

  for (const name of ['apache', 'json', 'avro'] as const) {
    it(`dead-letters bad ${name} records with reasons`, async () => {
      const expected = inputs[name]
        .map((record, offset) => ({ ...record, offset }))
        .filter((record) => record.reason !== undefined);
      const dead = await readTopic(kafka, `${topics[name]}.dlq`, expected.length);

      expect(dead).toHaveLength(expected.length);
      for (const [i, message] of dead.entries()) {
        const want = expected[i]!;
        expect(header(message, DEAD_LETTER_HEADERS.code)).toBe('RECORD_INVALID');
        expect(header(message, DEAD_LETTER_HEADERS.reason)).toBe(want.reason);
        expect(header(message, DEAD_LETTER_HEADERS.topic)).toBe(topics[name]);
        expect(header(message, DEAD_LETTER_HEADERS.partition)).toBe('0');
        expect(header(message, DEAD_LETTER_HEADERS.offset)).toBe(String(want.offset));
        expect(header(message, 'trace')).toBe(`t${want.offset}`);
        expect(message.key?.toString()).toBe(`key-${want.offset}`);
        expect(message.value?.equals(want.value)).toBe(true);
      }
    });
  }
});
