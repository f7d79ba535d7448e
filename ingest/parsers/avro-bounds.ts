import type avro from 'avsc';
import { ConfigError } from '../../core/errors.ts';
import { RecordParseError } from './record-error.ts';

/**
 * A bounds check that walks Avro binary data against its writer schema before avsc decodes it.
 * avsc 5.7 trusts the block counts of arrays and maps: a ten-byte record that claims 2^50 items
 * keeps its read loop busy long after the buffer ends. This walk reads every length and count,
 * rejects one that cannot fit in the bytes left, and so runs in time linear in the record's size.
 * It also finds truncation, which avsc reports only after the full read.
 */
export class AvroBoundsChecker {
  readonly #buffer: Buffer;
  #pos: number;

  constructor(buffer: Buffer, start: number) {
    this.#buffer = buffer;
    this.#pos = start;
  }

  /** Walks one value of `type` and returns the position after it. */
  check(type: avro.Type): number {
    this.#skip(type);
    return this.#pos;
  }

  #skip(type: avro.Type): void {
    const name = type.typeName;
    if (name.startsWith('logical')) return this.#skip(underlyingOf(type));
    if (name.startsWith('union')) return this.#skipUnion(type as avro.types.UnwrappedUnionType);
    switch (name) {
      case 'null':
        return;
      case 'boolean':
        return this.#advance(1);
      case 'int':
      case 'long':
      case 'enum':
        this.#readVarint();
        return;
      case 'float':
        return this.#advance(4);
      case 'double':
        return this.#advance(8);
      case 'fixed':
        return this.#advance((type as avro.types.FixedType).size);
      case 'string':
      case 'bytes':
        return this.#advance(this.#readLength());
      case 'record':
      case 'error':
        return this.#skipRecord(type as avro.types.RecordType);
      case 'array':
        return this.#skipBlocks([(type as avro.types.ArrayType).itemsType]);
      case 'map':
        return this.#skipBlocks([STRING, valuesOf(type)]);
      default:
        throw new RecordParseError('avro_invalid', `Avro type ${name} is not supported`);
    }
  }

  #skipRecord(type: avro.types.RecordType): void {
    for (const field of type.fields) this.#skip(field.type);
  }

  #skipUnion(type: avro.types.UnwrappedUnionType): void {
    const branch = this.#readVarint();
    const branchType = type.types[branch];
    if (branchType === undefined) {
      throw new RecordParseError('avro_invalid', `Avro union branch ${branch} does not exist`);
    }
    this.#skip(branchType);
  }

  /** Arrays and maps: blocks of `count` items, a negative count followed by the block's size. */
  #skipBlocks(itemTypes: avro.Type[]): void {
    for (;;) {
      let count = this.#readVarint();
      if (count === 0) return;
      if (count < 0) {
        count = -count;
        this.#readLength();
      }
      // Every item takes at least one byte (schemas whose items take none are rejected when they
      // are loaded), so a count above the bytes left is a corrupt or hostile record.
      if (count > this.#buffer.length - this.#pos) throw truncated();
      for (let i = 0; i < count; i += 1) {
        for (const itemType of itemTypes) this.#skip(itemType);
      }
    }
  }

  #readLength(): number {
    const length = this.#readVarint();
    if (length < 0) throw new RecordParseError('avro_invalid', 'Avro length is negative');
    return length;
  }

  /** A zig-zag varint of at most 10 bytes, as Avro encodes int and long. */
  #readVarint(): number {
    let result = 0;
    let factor = 1;
    for (let i = 0; i < 10; i += 1) {
      const byte = this.#buffer[this.#pos];
      if (byte === undefined) throw truncated();
      this.#pos += 1;
      result += (byte & 0x7f) * factor;
      if ((byte & 0x80) === 0) return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
      factor *= 128;
    }
    throw new RecordParseError('avro_invalid', 'Avro varint is longer than 10 bytes');
  }

  #advance(bytes: number): void {
    if (this.#pos + bytes > this.#buffer.length) throw truncated();
    this.#pos += bytes;
  }
}

const STRING = { typeName: 'string' } as avro.Type;

function truncated(): RecordParseError {
  return new RecordParseError(
    'avro_truncated',
    'Avro record is truncated: it ends before the end of its writer schema',
  );
}

/** Smallest encoded size of a value of `type`, in bytes; 0 only for null and what contains only null. */
function minimumSize(type: avro.Type, seen = new Set<avro.Type>()): number {
  const name = type.typeName;
  if (name === 'null') return 0;
  if (name === 'fixed') return (type as avro.types.FixedType).size;
  if (name.startsWith('logical')) return minimumSize(underlyingOf(type), seen);
  if (name !== 'record' && name !== 'error') return 1;
  if (seen.has(type)) return 1;
  seen.add(type);
  const fields = (type as avro.types.RecordType).fields;
  return fields.reduce((total, field) => total + minimumSize(field.type, seen), 0);
}

function underlyingOf(type: avro.Type): avro.Type {
  return (type as avro.types.LogicalType).underlyingType;
}

function valuesOf(type: avro.Type): avro.Type {
  return (type as avro.types.MapType).valuesType as avro.Type;
}

/** Returns the types directly inside `type`: record fields, array items, map values, union branches. */
function childTypes(type: avro.Type): avro.Type[] {
  const name = type.typeName;
  if (name === 'record' || name === 'error') {
    return (type as avro.types.RecordType).fields.map((field) => field.type);
  }
  if (name === 'array') return [(type as avro.types.ArrayType).itemsType];
  if (name === 'map') return [valuesOf(type)];
  if (name.startsWith('union')) return (type as avro.types.UnwrappedUnionType).types;
  if (name.startsWith('logical')) return [underlyingOf(type)];
  return [];
}

/**
 * Rejects a writer schema with an array whose items can encode in zero bytes: a record of such a
 * schema could claim any number of items without a byte to show for them. Map entries always
 * hold a key of at least one byte.
 */
export function checkWriterSchema(
  type: avro.Type,
  file: string,
  seen = new Set<avro.Type>(),
): void {
  if (seen.has(type)) return;
  seen.add(type);
  if (type.typeName === 'array' && minimumSize((type as avro.types.ArrayType).itemsType) === 0) {
    throw new ConfigError(`Avro schema ${file}: arrays of null or empty records are not supported`);
  }
  for (const child of childTypes(type)) checkWriterSchema(child, file, seen);
}
