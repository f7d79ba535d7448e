/** The part of a Kafka message that batching needs. */
export interface SizedMessage {
  value: Buffer | null;
}

/**
 * Splits the messages of one fetched partition batch into consecutive chunks of at most
 * `maxRows` messages and at most `maxBytes` value bytes, each written by one insert. A single
 * message larger than `maxBytes` gets a chunk of its own, so no message is ever held back.
 */
export function splitIntoChunks<T extends SizedMessage>(
  messages: readonly T[],
  maxRows: number,
  maxBytes: number,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;

  for (const message of messages) {
    const bytes = message.value?.length ?? 0;
    const full = current.length >= maxRows || currentBytes + bytes > maxBytes;
    if (full && current.length > 0) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(message);
    currentBytes += bytes;
  }

  if (current.length > 0) chunks.push(current);
  return chunks;
}
