import { RecordParseError } from './record-error.ts';

/**
 * A cursor over one log line for space-separated formats. Every method moves forward only, so a
 * line is read in time linear in its length whatever it contains; there are no regexes here.
 */
export class LineScanner {
  readonly #text: string;
  #pos = 0;

  constructor(text: string) {
    this.#text = text;
  }

  get done(): boolean {
    return this.#pos >= this.#text.length;
  }

  /** Returns the next character without consuming it, or '' at the end. */
  peek(): string {
    return this.#text.charAt(this.#pos);
  }

  skipSpaces(): void {
    while (this.#text.charCodeAt(this.#pos) === 0x20) this.#pos += 1;
  }

  /** Reads up to the next space or the end, then skips the spaces after it. */
  word(): string {
    const start = this.#pos;
    while (this.#pos < this.#text.length && this.#text.charCodeAt(this.#pos) !== 0x20) {
      this.#pos += 1;
    }
    const value = this.#text.slice(start, this.#pos);
    this.skipSpaces();
    return value;
  }

  /** Reads a word and fails the record with `no_match` when it is missing. */
  requiredWord(field: string): string {
    const value = this.word();
    if (value === '') throw noMatch(field);
    return value;
  }

  /**
   * Reads a double-quoted string, undoing `\"` and `\\` escapes (Apache and NGINX write others,
   * such as `\x1b`, as plain text, which is kept). Fails with `no_match` when no quote opens it,
   * or none closes it unless `allowUnterminated` lets the string run to the end of the line.
   */
  quoted(field: string, allowUnterminated = false): string {
    if (this.peek() !== '"') throw noMatch(field);
    this.#pos += 1;
    let value = '';
    let chunkStart = this.#pos;
    for (;;) {
      const code = this.#text.charCodeAt(this.#pos);
      if (Number.isNaN(code)) {
        if (!allowUnterminated) throw noMatch(field);
        break;
      }
      if (code === 0x22) break;
      if (code === 0x5c) {
        const next = this.#text.charAt(this.#pos + 1);
        if (next === '"' || next === '\\') {
          value += this.#text.slice(chunkStart, this.#pos) + next;
          this.#pos += 2;
          chunkStart = this.#pos;
          continue;
        }
      }
      this.#pos += 1;
    }
    value += this.#text.slice(chunkStart, this.#pos);
    this.#pos += 1;
    this.skipSpaces();
    return value;
  }

  /** Reads `[...]` (or another pair) and returns what is inside; fails with `no_match` if absent. */
  bracketed(field: string, open = '[', close = ']'): string {
    if (this.peek() !== open) throw noMatch(field);
    const end = this.#text.indexOf(close, this.#pos + 1);
    if (end < 0) throw noMatch(field);
    const value = this.#text.slice(this.#pos + 1, end);
    this.#pos = end + 1;
    this.skipSpaces();
    return value;
  }

  /** Reads a quoted string when one starts here, else a word. */
  quotedOrWord(field: string, allowUnterminated = false): string {
    return this.peek() === '"' ? this.quoted(field, allowUnterminated) : this.word();
  }

  /** Returns the rest of the line without consuming it. */
  rest(): string {
    return this.#text.slice(this.#pos);
  }
}

export function noMatch(field: string): RecordParseError {
  return new RecordParseError('no_match', `line does not match the format at field ${field}`, {
    field,
  });
}
