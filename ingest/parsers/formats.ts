import { ConfigError } from '../../core/errors.ts';
import type { LogFormat, SourceConfig } from '../source-config.ts';
import { parseCombined } from './combined.ts';
import { checkTextLine, decodeRecord } from './decode.ts';
import type { RawRequest } from './raw-request.ts';

/** A parsed record with the format it was parsed as (the event's `proxy` field). */
export interface DecodedRecord {
  raw: RawRequest;
  proxy: string;
}

export type FormatDecoder = (value: Buffer) => DecodedRecord;

type TextParser = (text: string) => RawRequest;

/** Text formats: each line is checked for control characters before it is parsed. */
function textParsers(source: SourceConfig): Partial<Record<LogFormat, TextParser>> {
  const zone = source.timeZone;
  return {
    nginx: (text) => parseCombined(text, zone),
    apache: (text) => parseCombined(text, zone),
  };
}

/** Builds the decoder of a source's format, reading any schema files it names. */
export function createFormatDecoder(source: SourceConfig): FormatDecoder {
  const format = source.format;
  const text = textParsers(source)[format];
  if (text !== undefined) {
    return (value) => {
      const line = decodeRecord(value, source.maxLineBytes);
      checkTextLine(line);
      return { raw: text(line), proxy: format };
    };
  }
  throw new ConfigError(`ingest source ${source.topic}: format ${format} is not supported`);
}
