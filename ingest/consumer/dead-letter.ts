import kafkajs, { type IHeaders, type KafkaMessage, type Producer } from 'kafkajs';
import { EastwatchError } from '../../core/errors.ts';

/** Header names of a dead-letter record. Values are UTF-8 strings. */
export const DEAD_LETTER_HEADERS = {
  code: 'eastwatch-error-code',
  reason: 'eastwatch-error-reason',
  message: 'eastwatch-error-message',
  topic: 'eastwatch-original-topic',
  partition: 'eastwatch-original-partition',
  offset: 'eastwatch-original-offset',
  timestamp: 'eastwatch-original-timestamp',
} as const;

/** Maximum length of the error message copied into a header, in characters. */
const MAX_MESSAGE_CHARS = 512;

/** A record that could not be parsed, with the verdict of the parser. */
export interface RejectedRecord {
  message: KafkaMessage;
  code: string;
  reason: string;
  errorMessage: string;
}

/** Raised when the dead-letter topic did not acknowledge a record. */
export class DeadLetterError extends EastwatchError {
  constructor(
    topic: string,
    partition: number,
    firstOffset: string,
    count: number,
    cause: unknown,
  ) {
    const retriable = isRetriableProduceFailure(cause);
    super(
      'INGEST_DEAD_LETTER_FAILED',
      `producing ${count} records of ${topic}[${partition}] from offset ${firstOffset} to the ` +
        `dead-letter topic failed; ` +
        (retriable
          ? 'the consumer retries it'
          : 'check that the broker accepts records of this size on the dead-letter topic'),
      { retriable, cause, context: { topic, partition, offset: firstOffset } },
    );
  }
}

/**
 * Returns false only when the broker rejected the records for good (an invalid topic name, a
 * record too large). kafkajs marks a failure that outlived its own retries as not retriable, so
 * the verdict comes from the failure it gave up on.
 */
export function isRetriableProduceFailure(error: unknown): boolean {
  // kafkajs is CommonJS, and its error classes are not visible as named ES module exports.
  const last = error instanceof kafkajs.KafkaJSNumberOfRetriesExceeded ? error.cause : error;
  return (last as { retriable?: unknown } | null | undefined)?.retriable !== false;
}

/** Builds the dead-letter copy: original key, value and headers, plus the error headers. */
export function deadLetterMessage(
  topic: string,
  partition: number,
  rejected: RejectedRecord,
): { key: Buffer | null; value: Buffer | null; headers: IHeaders } {
  const { message } = rejected;
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!name.startsWith('eastwatch-') && value !== undefined) headers[name] = value;
  }

  headers[DEAD_LETTER_HEADERS.code] = rejected.code;
  headers[DEAD_LETTER_HEADERS.reason] = rejected.reason;
  headers[DEAD_LETTER_HEADERS.message] = rejected.errorMessage.slice(0, MAX_MESSAGE_CHARS);
  headers[DEAD_LETTER_HEADERS.topic] = topic;
  headers[DEAD_LETTER_HEADERS.partition] = String(partition);
  headers[DEAD_LETTER_HEADERS.offset] = message.offset;
  headers[DEAD_LETTER_HEADERS.timestamp] = message.timestamp;

  return { key: message.key, value: message.value, headers };
}

/** Sends rejected records to `<topic><suffix>` and waits for every in-sync replica. */
export class DeadLetterProducer {
  readonly #producer: Producer;
  readonly #suffix: string;

  constructor(producer: Producer, suffix: string) {
    this.#producer = producer;
    this.#suffix = suffix;
  }

  topicFor(topic: string): string {
    return `${topic}${this.#suffix}`;
  }

  async send(topic: string, partition: number, records: readonly RejectedRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.#producer.send({
        topic: this.topicFor(topic),
        acks: -1,
        messages: records.map((r) => deadLetterMessage(topic, partition, r)),
      });
    } catch (cause) {
      throw new DeadLetterError(
        topic,
        partition,
        records[0]!.message.offset,
        records.length,
        cause,
      );
    }
  }
}
