import { RecordParseError } from '../parsers/record-error.ts';

/**
 * Returns true for characters that must not reach a stored field. These are the C0 controls
 * (CR, LF, tab and the ESC of ANSI sequences among them), DEL, the C1 controls, and the Unicode
 * bidirectional overrides that make text display in another order than it is stored.
 */
export function isUnsafeCodeUnit(code: number): boolean {
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  return (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

/** Index of the first unsafe character in `text`, or -1. */
export function findUnsafeCharacter(text: string): number {
  for (let i = 0; i < text.length; i += 1) {
    if (isUnsafeCodeUnit(text.charCodeAt(i))) return i;
  }
  return -1;
}

/**
 * Rejects a stored field that contains an unsafe character or is longer than `maxChars`. Records are
 * rejected rather than cleaned, so the dead-letter topic keeps the evidence of an injection
 * attempt and no stored value differs silently from what the proxy logged.
 */
export function checkStoredField(field: string, value: string, maxChars: number): void {
  if (value.length > maxChars) {
    throw new RecordParseError(
      'field_too_long',
      `field ${field} has ${value.length} characters, more than maxFieldChars ${maxChars}`,
      { field },
    );
  }
  const unsafe = findUnsafeCharacter(value);
  if (unsafe >= 0) {
    const code = value.charCodeAt(unsafe).toString(16).padStart(4, '0');
    throw new RecordParseError(
      'control_character',
      `field ${field} contains control character U+${code} at index ${unsafe}; such records are rejected`,
      { field },
    );
  }
}
