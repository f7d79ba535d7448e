import avro from 'avsc';
import { EastwatchError } from '../core/errors.ts';

/**
 * The canonical access event, the one shape every proxy format is normalised to. This Avro schema
 * is the single source of truth: the TypeScript type below is derived from it, runtime validation
 * runs through avsc, and `schemas/access-event.avsc` is this object written out for other tools.
 */
export const accessEventAvroSchema = {
  type: 'record',
  name: 'AccessEvent',
  namespace: 'dev.eastwatch',
  doc: 'One API call seen by a proxy or gateway, normalised by eastwatch.',
  fields: [
    {
      name: 'id',
      type: 'string',
      doc: 'Proxy request id, else a hash of topic, partition, offset.',
    },
    {
      name: 'timestamp',
      type: { type: 'long', logicalType: 'timestamp-millis' },
      doc: 'Request start, UTC, milliseconds since the Unix epoch.',
    },
    {
      name: 'principal',
      type: 'string',
      doc: 'Service account or client identity; empty if none.',
    },
    {
      name: 'credential',
      type: 'string',
      doc: 'Keyed hash of the credential used; empty if none.',
    },
    { name: 'sourceIp', type: 'string', doc: 'Client address as the proxy saw it.' },
    { name: 'userAgent', type: 'string', doc: 'User-Agent header; empty if none.' },
    { name: 'method', type: 'string', doc: 'HTTP method, upper case, or the API action verb.' },
    { name: 'host', type: 'string', doc: 'Destination host (Host or :authority), lower case.' },
    { name: 'path', type: 'string', doc: 'Request path without the query string.' },
    { name: 'route', type: 'string', doc: 'Templated endpoint, for example /issue/{id}.' },
    { name: 'status', type: 'int', doc: 'Response status code; 0 if unknown.' },
    { name: 'bytesIn', type: 'long', doc: 'Request bytes.' },
    { name: 'bytesOut', type: 'long', doc: 'Response bytes.' },
    { name: 'durationMs', type: 'double', doc: 'Request duration in milliseconds.' },
    { name: 'proxy', type: 'string', doc: 'Log format the event was parsed from.' },
    { name: 'topic', type: 'string', doc: 'Kafka topic the record came from; empty offline.' },
    { name: 'partition', type: 'int', doc: 'Kafka partition; -1 offline.' },
    { name: 'offset', type: 'long', doc: 'Kafka offset; the line number offline.' },
  ],
} as const;

type AvroPrimitive = {
  string: string;
  int: number;
  long: number;
  double: number;
  boolean: boolean;
};

type FieldType<T> = T extends keyof AvroPrimitive
  ? AvroPrimitive[T]
  : T extends { type: infer Inner }
    ? FieldType<Inner>
    : never;

type RecordOf<Fields extends readonly { name: string; type: unknown }[]> = {
  -readonly [F in Fields[number] as F['name']]: FieldType<F['type']>;
};

/** The canonical access event, derived from {@link accessEventAvroSchema}. */
export type AccessEvent = RecordOf<typeof accessEventAvroSchema.fields>;

/** The field names of {@link AccessEvent}, in schema order. */
export const ACCESS_EVENT_FIELDS = accessEventAvroSchema.fields.map(
  (f) => f.name,
) as readonly (keyof AccessEvent)[];

class TimestampMillisType extends avro.types.LogicalType {
  override _fromValue(value: unknown): unknown {
    return value;
  }
  override _toValue(value: unknown): unknown {
    return value;
  }
  override _resolve(type: avro.Type): unknown {
    if (avro.Type.isType(type, 'long', 'logical:timestamp-millis')) {
      return (value: unknown) => value;
    }
    return undefined;
  }
}

/**
 * The avsc type of the canonical event. `timestamp-millis` stays a number of milliseconds in
 * JavaScript rather than becoming a Date, so events compare and serialise as plain data.
 */
export const accessEventType: avro.Type = avro.Type.forSchema(
  accessEventAvroSchema as unknown as avro.Schema,
  { logicalTypes: { 'timestamp-millis': TimestampMillisType } },
);

/** Raised when a value is not a valid canonical event. Not retriable: the input is wrong. */
export class InvalidEventError extends EastwatchError {
  constructor(
    message: string,
    readonly fields: string[],
  ) {
    super('EVENT_INVALID', message, { retriable: false });
  }
}

/** Returns the names of the fields of `value` that do not match the schema; empty when valid. */
export function invalidEventFields(value: unknown): string[] {
  const paths: string[] = [];
  accessEventType.isValid(value, {
    errorHook: (path) => {
      paths.push(path.join('.') || '(record)');
    },
  });
  return paths;
}

/** Checks that `value` is a canonical event and returns it typed. */
export function validateAccessEvent(value: unknown): AccessEvent {
  const fields = invalidEventFields(value);
  if (fields.length > 0) {
    throw new InvalidEventError(
      `access event has invalid fields: ${fields.join(', ')}; see schemas/access-event.avsc`,
      fields,
    );
  }
  return value as AccessEvent;
}
