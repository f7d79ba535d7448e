import { RecordParseError } from './record-error.ts';
import { findUnsafeCharacter } from '../normalize/stored-text.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Decodes a record as UTF-8 after checking its size, and removes one trailing line break (records
 * produced from files by `kcat` or read offline often keep it). Invalid UTF-8 is rejected, never
 * replaced, so a stored value is always what the proxy wrote.
 */
export function decodeRecord(value: Buffer, maxLineBytes: number): string {
  if (value.length > maxLineBytes) {
    throw new RecordParseError(
      'line_too_long',
      `record has ${value.length} bytes, more than maxLineBytes ${maxLineBytes}`,
    );
  }

  let text: string;
  try {
    text = utf8.decode(value);
  } catch (cause) {
    throw new RecordParseError('invalid_utf8', 'record is not valid UTF-8', { cause });
  }

  if (text.endsWith('\r\n')) text = text.slice(0, -2);
  else if (text.endsWith('\n')) text = text.slice(0, -1);
  if (text.trim() === '') throw new RecordParseError('empty', 'record is empty');
  return text;
}

/**
 * Rejects a text-format line that contains a control character, CR and LF in the middle
 * included. NGINX and Apache escape such bytes as `\xHH`, so a raw one means a forged or broken
 * line.
 */
export function checkTextLine(text: string): void {
  const unsafe = findUnsafeCharacter(text);
  if (unsafe < 0) return;
  const code = text.charCodeAt(unsafe).toString(16).padStart(4, '0');
  throw new RecordParseError(
    'control_character',
    `line contains control character U+${code} at index ${unsafe}; such records are rejected`,
  );
}
