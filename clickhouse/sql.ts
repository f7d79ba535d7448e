import { EastwatchError } from '../core/errors.ts';

/**
 * The one place where values become ClickHouse SQL text. Debian's ClickHouse 18.16 has no query
 * parameters, so every value that reaches a statement goes through {@link sqlLiteral}, and
 * statements are built with the {@link sql} tag, which passes each interpolated value through it.
 */

/** A value that may appear in SQL text. Buffers are raw bytes and need not be valid UTF-8. */
export type SqlValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | Buffer
  | SqlIdentifier
  | SqlFragment
  | readonly SqlValue[];

/** Raised for a value that has no safe literal form (NaN, a lone surrogate, a bad identifier). */
export class SqlValueError extends EastwatchError {
  constructor(message: string) {
    super('SQL_VALUE_INVALID', message, { retriable: false });
  }
}

/** An identifier (table, column, database) written with backquotes. */
export class SqlIdentifier {
  constructor(readonly name: string) {}
}

/** SQL text that is already safe, built by {@link sql} or {@link raw}. */
export class SqlFragment {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const HEX = '0123456789ABCDEF';

function hexEscape(byte: number): string {
  return `\\x${HEX[byte >> 4]}${HEX[byte & 15]}`;
}

/**
 * Quotes a string as a ClickHouse string literal. Backslash and quote are escaped, and every ASCII
 * control character becomes `\xHH`, so the literal is one line and cannot end early. Text must be
 * well-formed UTF-16: a lone surrogate has no UTF-8 form and would not survive the round trip.
 */
function quoteString(value: string): string {
  if (!value.isWellFormed()) {
    throw new SqlValueError(
      'string contains a lone UTF-16 surrogate and cannot be sent as UTF-8; pass the raw bytes as a Buffer',
    );
  }
  let out = "'";
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x5c) out += '\\\\';
    else if (code === 0x27) out += "\\'";
    else if (code < 0x20 || code === 0x7f) out += hexEscape(code);
    else out += value[i];
  }
  return out + "'";
}

function quoteBytes(bytes: Buffer): string {
  let out = "'";
  for (const byte of bytes) {
    const printable = byte >= 0x20 && byte < 0x7f && byte !== 0x5c && byte !== 0x27;
    out += printable ? String.fromCharCode(byte) : hexEscape(byte);
  }
  return out + "'";
}

function quoteNumber(value: number): string {
  if (!Number.isFinite(value)) {
    throw new SqlValueError(`number ${value} has no SQL literal; pass a finite number`);
  }
  // Negative numbers are bracketed so that `a - ${x}` never turns into a comment marker (`--`).
  return value < 0 || Object.is(value, -0) ? `(${value})` : String(value);
}

/** Returns `value` as SQL text: a literal, a quoted identifier, an array, or a trusted fragment. */
export function sqlLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'number') return quoteNumber(value);
  if (typeof value === 'bigint') return value < 0n ? `(${value})` : value.toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (Buffer.isBuffer(value)) return quoteBytes(value);
  if (value instanceof SqlIdentifier) return quoteIdentifier(value.name);
  if (value instanceof SqlFragment) return value.text;
  if (Array.isArray(value)) return `[${value.map((v: SqlValue) => sqlLiteral(v)).join(', ')}]`;
  throw new SqlValueError(`unsupported SQL value of type ${typeof value}`);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new SqlValueError(
      `identifier ${JSON.stringify(name.slice(0, 64))} is invalid; use letters, digits and _ (at most 128)`,
    );
  }
  return `\`${name}\``;
}

/** Marks a table, column or database name for a statement built with {@link sql}. */
export function ident(name: string): SqlIdentifier {
  quoteIdentifier(name);
  return new SqlIdentifier(name);
}

/** Marks text as trusted SQL. Only for constant text written in this codebase, never for input. */
export function raw(text: string): SqlFragment {
  return new SqlFragment(text);
}

/**
 * Builds a statement from a template: every interpolated value goes through {@link sqlLiteral}.
 *
 *     sql`SELECT count() FROM ${ident(table)} WHERE principal = ${principal}`
 */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): SqlFragment {
  let text = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    text += sqlLiteral(values[i]!) + (strings[i + 1] ?? '');
  }
  return new SqlFragment(text);
}

/** Joins fragments with a separator, for IN lists and column lists. */
export function joinSql(parts: readonly SqlValue[], separator = ', '): SqlFragment {
  return new SqlFragment(parts.map((p) => sqlLiteral(p)).join(separator));
}
