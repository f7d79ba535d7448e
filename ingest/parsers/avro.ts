import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import { ConfigError } from '../../core/errors.ts';
import type { SourceConfig } from '../source-config.ts';
import { AvroBoundsChecker, checkWriterSchema } from './avro-bounds.ts';
import { hostOfAddress } from './json-fields.ts';
import { emptyRawRequest, type RawRequest } from './raw-request.ts';
import { RecordParseError } from './record-error.ts';

/**
 * The record shape eastwatch reads from Avro topics. Producers write with their own schema and
 * avsc resolves it to this one. So a writer may add fields, drop the ones with defaults here,
 * rename fields through aliases, and write optional strings as `["null", "string"]` unions.
 * `timestamp` is milliseconds since the epoch and `target` is the request path, optionally with a
 * query string.
 */
const OPTIONAL_STRING = ['string', 'null'];

const READER_FIELDS = [
  { name: 'requestId', type: OPTIONAL_STRING, default: '', aliases: ['id', 'request_id'] },
  { name: 'timestamp', type: 'long', aliases: ['timestampMs', 'time'] },
  { name: 'principal', type: OPTIONAL_STRING, default: '' },
  { name: 'remoteUser', type: OPTIONAL_STRING, default: '', aliases: ['remote_user'] },
  { name: 'sourceIp', type: OPTIONAL_STRING, default: '', aliases: ['source_ip', 'clientIp'] },
  { name: 'userAgent', type: OPTIONAL_STRING, default: '', aliases: ['user_agent'] },
  { name: 'method', type: OPTIONAL_STRING, default: '' },
  { name: 'host', type: OPTIONAL_STRING, default: '', aliases: ['authority'] },
  { name: 'target', type: 'string', aliases: ['path'] },
  { name: 'status', type: 'int', default: 0 },
  { name: 'bytesIn', type: 'long', default: 0, aliases: ['bytes_in'] },
  { name: 'bytesOut', type: 'long', default: 0, aliases: ['bytes_out'] },
  { name: 'durationMs', type: 'double', default: 0, aliases: ['duration_ms'] },
  { name: 'headers', type: { type: 'map', values: 'string' }, default: {} },
  { name: 'mtlsIdentity', type: OPTIONAL_STRING, default: '', aliases: ['mtls_identity'] },
];

interface ReaderRecord {
  requestId: string | null;
  timestamp: number;
  principal: string | null;
  remoteUser: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  method: string | null;
  host: string | null;
  target: string;
  status: number;
  bytesIn: number;
  bytesOut: number;
  durationMs: number;
  headers: Record<string, string>;
  mtlsIdentity: string | null;
}

interface WriterSchema {
  writer: avro.Type;
  reader: avro.Type;
  resolver: ReturnType<avro.Type['createResolver']>;
}

/** Reads a writer schema and prepares its resolution to the reader schema. */
function loadWriterSchema(file: string): WriterSchema {
  let writer: avro.Type;
  try {
    writer = avro.Type.forSchema(JSON.parse(readFileSync(file, 'utf8')) as avro.Schema);
  } catch (cause) {
    throw new ConfigError(
      `Avro schema ${file} cannot be read; check the path and that it is valid Avro`,
      { cause },
    );
  }
  checkWriterSchema(writer, file);
  // Record names must match for resolution; the reader takes the writer's name.
  const reader = avro.Type.forSchema({
    type: 'record',
    name: writer.name ?? 'AccessLog',
    fields: READER_FIELDS,
  } as avro.Schema);
  try {
    return { writer, reader, resolver: reader.createResolver(writer) };
  } catch (cause) {
    throw new ConfigError(
      `Avro schema ${file} does not resolve to the reader schema of docs/formats.md; it needs timestamp (long) and target or path (string), and the cause names the field that does not resolve`,
      { cause },
    );
  }
}

/** Schemas named `<id>.avsc` in a folder, for the Confluent wire format. */
function loadSchemaFolder(dir: string): Map<number, WriterSchema> {
  const schemas = new Map<number, WriterSchema>();
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch (cause) {
    throw new ConfigError(`avro.schemaDir ${dir} cannot be read; check the path`, { cause });
  }
  for (const file of files) {
    const match = /^([0-9]{1,10})\.avsc$/.exec(file);
    if (match?.[1] !== undefined) schemas.set(Number(match[1]), loadWriterSchema(join(dir, file)));
  }
  return schemas;
}

function decodeWith(schema: WriterSchema, value: Buffer, start: number): RawRequest {
  const end = new AvroBoundsChecker(value, start).check(schema.writer);
  if (end !== value.length) {
    throw new RecordParseError(
      'avro_invalid',
      `Avro record has ${value.length - end} bytes after its end`,
    );
  }
  let record: ReaderRecord;
  try {
    record = schema.reader.decode(value, start, schema.resolver).value as ReaderRecord;
  } catch (cause) {
    throw new RecordParseError('avro_invalid', 'Avro record does not decode with its schema', {
      cause,
    });
  }
  return toRawRequest(record);
}

const MAX_TIMESTAMP_MS = Date.UTC(9999, 11, 31);

function toRawRequest(record: ReaderRecord): RawRequest {
  if (record.timestamp < 0 || record.timestamp > MAX_TIMESTAMP_MS) {
    throw new RecordParseError(
      'bad_timestamp',
      `Avro timestamp ${record.timestamp} is not milliseconds since 1970`,
      {
        field: 'timestamp',
      },
    );
  }
  if (record.status !== 0 && (record.status < 100 || record.status > 999)) {
    throw new RecordParseError(
      'wrong_type',
      `Avro status ${record.status} is not an HTTP status code`,
      {
        field: 'status',
      },
    );
  }

  const raw = emptyRawRequest();
  raw.document = record;
  raw.requestId = record.requestId ?? '';
  raw.timestampMs = record.timestamp;
  raw.nativePrincipal = record.principal ?? '';
  raw.remoteUser = record.remoteUser ?? '';
  raw.sourceIp = hostOfAddress(record.sourceIp ?? '');
  raw.userAgent = record.userAgent ?? '';
  raw.method = record.method ?? '';
  raw.host = hostOfAddress(record.host ?? '');
  raw.target = record.target;

  raw.status = record.status;
  raw.bytesIn = Math.max(0, record.bytesIn);
  raw.bytesOut = Math.max(0, record.bytesOut);
  raw.durationMs = Number.isFinite(record.durationMs) ? Math.max(0, record.durationMs) : 0;
  raw.mtlsIdentity = record.mtlsIdentity ?? '';
  for (const [name, value] of Object.entries(record.headers))
    raw.headers[name.toLowerCase()] = value;
  return raw;
}

/**
 * Creates the Avro decoder of a source: plain binary in one writer schema, or the Confluent wire
 * format (byte 0, then the schema id as a 4-byte big-endian integer, then the binary). The
 * Confluent schema of id N is read from `<schemaDir>/N.avsc` when the parser is created.
 */
export function createAvroDecoder(source: SourceConfig): (value: Buffer) => RawRequest {
  const settings = source.avro;
  if (settings?.encoding === 'plain' && settings.writerSchemaFile !== undefined) {
    const schema = loadWriterSchema(settings.writerSchemaFile);
    return (value) => decodeWith(schema, value, 0);
  }
  if (settings?.encoding === 'confluent' && settings.schemaDir !== undefined) {
    const schemas = loadSchemaFolder(settings.schemaDir);
    return (value) => decodeConfluent(schemas, value);
  }
  throw new ConfigError(`ingest source ${source.topic}: format avro needs avro settings`);
}

function decodeConfluent(schemas: Map<number, WriterSchema>, value: Buffer): RawRequest {
  if (value.length < 5)
    throw new RecordParseError(
      'avro_truncated',
      'Confluent Avro record is shorter than its 5-byte header',
    );
  if (value[0] !== 0)
    throw new RecordParseError(
      'avro_invalid',
      `Confluent Avro magic byte is ${value[0]}, expected 0`,
    );
  const schemaId = value.readUInt32BE(1);
  const schema = schemas.get(schemaId);
  if (schema === undefined) {
    throw new RecordParseError(
      'avro_unknown_schema',
      `Avro schema id ${schemaId} has no file ${schemaId}.avsc in avro.schemaDir`,
    );
  }
  return decodeWith(schema, value, 5);
}
