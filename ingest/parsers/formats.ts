import { ConfigError } from '../../core/errors.ts';
import type { LogFormat, SourceConfig } from '../source-config.ts';
import { detectFormat, type DetectableFormat } from './auto.ts';
import { createAvroDecoder } from './avro.ts';
import { parseAlb } from './alb.ts';
import { parseCloudflare } from './cloudflare.ts';
import { parseCloudTrail } from './cloudtrail.ts';
import { parseCombined } from './combined.ts';
import { stripCriPrefix } from './container.ts';
import { checkTextLine, decodeRecord } from './decode.ts';
import { parseEnvoyText } from './envoy.ts';
import { parseEnvoyJson } from './envoy-json.ts';
import { parseMappedJson } from './generic-json.ts';
import { parseHaproxy } from './haproxy.ts';
import { parseK8sAudit } from './k8s-audit.ts';
import { parseNginxJson } from './nginx-json.ts';
import type { RawRequest } from './raw-request.ts';
import { RecordParseError } from './record-error.ts';
import { parseTraefik } from './traefik.ts';

/** A parsed record with the format it was parsed as (the event's `proxy` field). */
export interface DecodedRecord {
  raw: RawRequest;
  proxy: string;
}

export type FormatDecoder = (value: Buffer) => DecodedRecord;

interface TextFormat {
  parse: (text: string) => RawRequest;
  /**
   * Line formats reject every control character. JSON formats may hold whitespace between
   * tokens, and their decoded string values are checked when the event is built.
   */
  isLineFormat: boolean;
}

function textFormats(source: SourceConfig): Record<DetectableFormat, TextFormat> {
  const zone = source.timeZone;
  const line = (parse: (text: string) => RawRequest): TextFormat => ({ parse, isLineFormat: true });
  const json = (parse: (text: string) => RawRequest): TextFormat => ({
    parse,
    isLineFormat: false,
  });
  return {
    nginx: line((text) => parseCombined(text, zone)),
    apache: line((text) => parseCombined(text, zone)),
    envoy: line(parseEnvoyText),
    alb: line(parseAlb),
    haproxy: line((text) => parseHaproxy(text, zone)),
    traefik: {
      parse: (text) => parseTraefik(text, zone),
      isLineFormat: false,
    },
    'nginx-json': json((text) => parseNginxJson(text, zone)),
    'envoy-json': json(parseEnvoyJson),
    cloudtrail: json(parseCloudTrail),
    cloudflare: json(parseCloudflare),
    'k8s-audit': json(parseK8sAudit),
  };
}

function decodeText(value: Buffer, source: SourceConfig, format: TextFormat): RawRequest {
  const text = stripCriPrefix(decodeRecord(value, source.maxLineBytes));
  if (format.isLineFormat || !text.startsWith('{')) checkTextLine(text);
  return format.parse(text);
}

/** Builds the decoder of a source's format, reading any schema files it names. */
export function createFormatDecoder(source: SourceConfig): FormatDecoder {
  const format: LogFormat = source.format;
  if (format === 'avro') {
    const decode = createAvroDecoder(source);
    return (value) => {
      if (value.length > source.maxLineBytes) decodeRecord(value, source.maxLineBytes);
      return { raw: decode(value), proxy: 'avro' };
    };
  }
  if (format === 'json') {
    const mapping = source.fieldMapping;
    if (mapping === undefined)
      throw new ConfigError(`ingest source ${source.topic}: format json needs fieldMapping`);
    const mapped: TextFormat = {
      parse: (text) => parseMappedJson(text, mapping, source.timeZone),
      isLineFormat: false,
    };
    return (value) => ({ raw: decodeText(value, source, mapped), proxy: 'json' });
  }

  const formats = textFormats(source);
  if (format === 'auto') return (value) => decodeDetected(value, source, formats);
  const chosen = formats[format];
  return (value) => ({ raw: decodeText(value, source, chosen), proxy: format });
}

function decodeDetected(
  value: Buffer,
  source: SourceConfig,
  formats: Record<DetectableFormat, TextFormat>,
): DecodedRecord {
  const text = stripCriPrefix(decodeRecord(value, source.maxLineBytes));
  const detected = detectFormat(text);
  if (detected === undefined) {
    throw new RecordParseError('unknown_format', 'record matches none of the formats auto detects');
  }
  const format = formats[detected];
  if (format.isLineFormat || !text.startsWith('{')) checkTextLine(text);
  return { raw: format.parse(text), proxy: detected };
}
