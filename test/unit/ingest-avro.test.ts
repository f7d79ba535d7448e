import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { Secret } from '../../core/secret.ts';
import {
  createRecordParser,
  type ParseOutcome,
  type RecordParseError,
} from '../../ingest/parse.ts';
import type { AccessEvent } from '../../schemas/access-event.ts';

/** Returns the event of an accepted record; a rejection fails the test with its reason. */
function eventOf(outcome: ParseOutcome): AccessEvent {
  if (!outcome.ok) throw outcome.error;
  return outcome.event;
}

/** Returns the error of a rejected record; an accepted one fails the test. */
function errorOf(outcome: ParseOutcome): RecordParseError {
  if (outcome.ok) throw new Error(`expected a rejection, got event ${outcome.event.id}`);
  return outcome.error;
}

const key = new Secret('test-key', 'test');
const meta = { topic: 'gateway', partition: 1, offset: '9' };

/** Version 1 of a producer's schema: the path is called `path`, there is no user agent. */
const v1 = {
  type: 'record',
  name: 'GatewayLog',
  namespace: 'corp.gateway',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'timestamp', type: 'long' },
    { name: 'method', type: 'string' },
    { name: 'path', type: 'string' },
    { name: 'status', type: 'int' },
    { name: 'headers', type: { type: 'map', values: 'string' } },
  ],
};

/** Version 2 adds a user agent, a region eastwatch does not read, and a nullable client. */
const v2 = {
  ...v1,
  fields: [
    ...v1.fields,
    { name: 'userAgent', type: 'string', default: '' },
    { name: 'region', type: 'string', default: 'eu' },
    { name: 'sourceIp', type: ['null', 'string'], default: null },
  ],
};

const base = {
  id: 'gw-1',
  timestamp: 1_735_689_600_000,
  method: 'get',
  path: '/orders/1234?expand=items',
  status: 200,
  headers: { 'X-Client-Id': 'billing' },
};

function schemaDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eastwatch-avro-'));
  writeFileSync(join(dir, '1.avsc'), JSON.stringify(v1));
  writeFileSync(join(dir, '2.avsc'), JSON.stringify(v2));
  writeFileSync(join(dir, 'README.txt'), 'not a schema');
  return dir;
}

function confluent(schemaId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

function confluentParser(principal = 'header:X-Client-Id') {
  return createRecordParser(
    {
      topic: 'gateway',
      format: 'avro',
      principal,
      avro: { encoding: 'confluent', schemaDir: schemaDir() },
    },
    { credentialKey: key },
  );
}

function expectedEvent(fields: Partial<AccessEvent>): AccessEvent {
  return {
    id: '',
    timestamp: 1_735_689_600_000,
    principal: 'billing',
    credential: '',
    sourceIp: '',
    userAgent: '',
    method: 'GET',
    host: '',
    path: '/orders/1234',
    route: '/orders/{id}',
    status: 200,
    bytesIn: 0,
    bytesOut: 0,
    durationMs: 0,
    proxy: 'avro',
    topic: 'gateway',
    partition: 1,
    offset: 9,
    ...fields,
  };
}

/** Returns the event id of a record with a producer-set request id: the id, `~`, a bytes hash. */
function idOf(requestId: string, record: Buffer): string {
  const hash = createHash('sha256').update(record).update('\0').digest('hex');
  return `${requestId}~${hash.slice(0, 16)}`;
}

function reasonOf(outcome: ParseOutcome): string {
  return outcome.ok ? 'ok' : outcome.error.reason;
}

describe('avro parser', () => {
  const v1Type = avro.Type.forSchema(v1 as avro.Schema);
  const v2Type = avro.Type.forSchema(v2 as avro.Schema);

  it('resolves the first schema version', () => {
    const outcome = confluentParser()(confluent(1, v1Type.toBuffer(base)), meta);
    expect(outcome).toEqual({
      ok: true,
      event: expectedEvent({ id: outcome.ok ? outcome.event.id : '' }),
    });
    expect(eventOf(outcome).id.startsWith('gw-1~')).toBe(true);
  });

  it('resolves an evolved schema', () => {
    const fields = { ...base, userAgent: 'billing/2', region: 'us', sourceIp: '10.0.0.8' };
    const record = confluent(2, v2Type.toBuffer(fields));
    const outcome = confluentParser()(record, meta);
    expect(eventOf(outcome)).toEqual(
      expectedEvent({
        id: idOf('gw-1', record),
        userAgent: 'billing/2',
        sourceIp: '10.0.0.8',
      }),
    );
  });

  it('decodes plain binary', () => {
    const dir = schemaDir();
    const parse = createRecordParser(
      {
        topic: 'gateway',
        format: 'avro',
        principal: 'field:headers.X-Client-Id',
        avro: { encoding: 'plain', writerSchemaFile: join(dir, '1.avsc') },
      },
      { credentialKey: key },
    );
    const outcome = parse(v1Type.toBuffer(base), meta);
    expect(eventOf(outcome).principal).toBe('billing');
    expect(eventOf(outcome).route).toBe('/orders/{id}');
  });

  it('rejects truncated records', () => {
    const full = confluent(1, v1Type.toBuffer(base));
    for (const length of [0, 3, 6, 12, full.length - 1]) {
      expect(reasonOf(confluentParser()(full.subarray(0, length), meta))).toBe('avro_truncated');
    }
  });

  it('rejects trailing bytes', () => {
    const record = Buffer.concat([confluent(1, v1Type.toBuffer(base)), Buffer.from([0])]);
    expect(reasonOf(confluentParser()(record, meta))).toBe('avro_invalid');
  });

  it('rejects an unknown schema id', () => {
    const outcome = confluentParser()(confluent(7, v1Type.toBuffer(base)), meta);
    expect(reasonOf(outcome)).toBe('avro_unknown_schema');
    expect(errorOf(outcome).message).toBe('Avro schema id 7 has no file 7.avsc in avro.schemaDir');
  });

  it('rejects a wrong magic byte', () => {
    const record = confluent(1, v1Type.toBuffer(base));
    record[0] = 1;
    expect(reasonOf(confluentParser()(record, meta))).toBe('avro_invalid');
  });

  it('rejects a huge map count quickly', () => {
    // id "", timestamp 0, method "", path "/", status 0, then a map block claiming 2^40 entries.
    const body = Buffer.from([
      0x00, 0x00, 0x00, 0x02, 0x2f, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40,
    ]);
    const started = performance.now();
    const outcome = confluentParser()(confluent(1, body), meta);
    expect(reasonOf(outcome)).toBe('avro_truncated');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('rejects a schema of null arrays', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eastwatch-avro-'));
    const schema = {
      ...v1,
      fields: [...v1.fields, { name: 'n', type: { type: 'array', items: 'null' } }],
    };
    writeFileSync(join(dir, '1.avsc'), JSON.stringify(schema));
    const source = { topic: 'gateway', format: 'avro', avro: { schemaDir: dir } } as const;
    expect(() => createRecordParser(source, { credentialKey: key })).toThrow(ConfigError);
  });

  it('rejects a schema without a path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eastwatch-avro-'));
    const schema = { ...v1, fields: v1.fields.filter((field) => field.name !== 'path') };
    writeFileSync(join(dir, '1.avsc'), JSON.stringify(schema));
    const source = { topic: 'gateway', format: 'avro', avro: { schemaDir: dir } } as const;
    expect(() => createRecordParser(source, { credentialKey: key })).toThrow(/does not resolve/);
  });

  it('rejects control characters in strings', () => {
    const record = { ...base, path: '/orders/\u001b[2J' };
    const outcome = confluentParser()(confluent(1, v1Type.toBuffer(record)), meta);
    expect(reasonOf(outcome)).toBe('control_character');
    expect(errorOf(outcome).field).toBe('path');
  });
});
