import { EastwatchError, type ErrorContext } from '../../core/errors.ts';

/** Machine-readable reasons a record is rejected, stable for dead-letter headers and metrics. */
export type RecordRejectReason =
  | 'invalid_utf8'
  | 'line_too_long'
  | 'field_too_long'
  | 'control_character'
  | 'empty'
  | 'no_match'
  | 'bad_json'
  | 'wrong_type'
  | 'missing_field'
  | 'bad_timestamp'
  | 'unknown_format'
  | 'avro_truncated'
  | 'avro_invalid'
  | 'avro_unknown_schema';

/**
 * A record that cannot become an access event. Never retriable: the same bytes fail the same way,
 * so the record belongs in the dead-letter topic. `field` names the offending field when one does.
 */
export class RecordParseError extends EastwatchError {
  readonly reason: RecordRejectReason;
  readonly field: string | undefined;

  constructor(
    reason: RecordRejectReason,
    message: string,
    options: { field?: string; cause?: unknown; context?: ErrorContext } = {},
  ) {
    super('RECORD_INVALID', message, {
      retriable: false,
      cause: options.cause,
      context: { reason, field: options.field, ...options.context },
    });
    this.reason = reason;
    this.field = options.field;
  }
}

/** Raises a rejection of a field whose JSON value has the wrong type. */
export function wrongType(field: string, expected: string, value: unknown): RecordParseError {
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return new RecordParseError('wrong_type', `field ${field} must be ${expected}, got ${actual}`, {
    field,
  });
}
