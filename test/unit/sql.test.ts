import { describe, expect, it } from 'vitest';
import { ident, joinSql, raw, sql, sqlLiteral, SqlValueError } from '../../clickhouse/sql.ts';

describe('sqlLiteral', () => {
  it('quotes plain strings', () => {
    expect(sqlLiteral('chat-bot')).toBe("'chat-bot'");
  });

  it('escapes quote and backslash', () => {
    expect(sqlLiteral("it's a \\ path")).toBe("'it\\'s a \\\\ path'");
  });

  it('hex-escapes control characters', () => {
    expect(sqlLiteral('a\nb\r\0\x1b[31m\x7f')).toBe("'a\\x0Ab\\x0D\\x00\\x1B[31m\\x7F'");
  });

  it('keeps non-ASCII text as UTF-8', () => {
    expect(sqlLiteral('Zürich 東京 🚀')).toBe("'Zürich 東京 🚀'");
  });

  it('rejects a lone surrogate', () => {
    expect(() => sqlLiteral('bad\ud800')).toThrow(SqlValueError);
  });

  it('writes raw bytes with hex escapes', () => {
    expect(sqlLiteral(Buffer.from([0x41, 0xff, 0x27, 0x5c, 0x00]))).toBe("'A\\xFF\\x27\\x5C\\x00'");
  });

  it('brackets negative numbers', () => {
    expect(sqlLiteral(-5)).toBe('(-5)');
    expect(sqlLiteral(-5n)).toBe('(-5)');
    expect(sqlLiteral(1.5)).toBe('1.5');
  });

  it('rejects non-finite numbers', () => {
    expect(() => sqlLiteral(Number.NaN)).toThrow(/NaN has no SQL literal/);
    expect(() => sqlLiteral(Number.POSITIVE_INFINITY)).toThrow(SqlValueError);
  });

  it('writes booleans, null and arrays', () => {
    expect(sqlLiteral(true)).toBe('1');
    expect(sqlLiteral(false)).toBe('0');
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(['a', 1, ["b'"]])).toBe("['a', 1, ['b\\'']]");
  });
});

describe('ident', () => {
  it('backquotes valid identifiers', () => {
    expect(sqlLiteral(ident('access_events'))).toBe('`access_events`');
  });

  it('rejects identifiers with other characters', () => {
    expect(() => ident('events; DROP TABLE x')).toThrow(/identifier .* is invalid/);
    expect(() => ident('1abc')).toThrow(SqlValueError);
    expect(() => ident('')).toThrow(SqlValueError);
  });
});

describe('sql tag', () => {
  it('escapes every interpolated value', () => {
    const principal = "x' OR 1=1 --";
    const statement = sql`SELECT count() FROM ${ident('t')} WHERE principal = ${principal} AND n > ${-1}`;
    expect(statement.text).toBe(
      "SELECT count() FROM `t` WHERE principal = 'x\\' OR 1=1 --' AND n > (-1)",
    );
  });

  it('nests fragments and joins lists', () => {
    const where = sql`status = ${401}`;
    const columns = joinSql([ident('a'), ident('b')]);
    expect(sql`SELECT ${columns} FROM t WHERE ${where} ${raw('LIMIT 1')}`.text).toBe(
      'SELECT `a`, `b` FROM t WHERE status = 401 LIMIT 1',
    );
  });
});
