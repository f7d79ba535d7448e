import type { Admin } from 'kafkajs';

/** Records between a partition's committed offset and its end. */
export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

interface PartitionEnds {
  partition: number;
  low: string;
  high: string;
}

/**
 * Computes the lag of each partition. A partition without a committed offset (`-1`) counts from
 * its low watermark, the first record still on the broker.
 */
export function computeLag(
  topic: string,
  ends: readonly PartitionEnds[],
  committed: ReadonlyMap<number, string>,
): PartitionLag[] {
  return ends.map(({ partition, low, high }) => {
    const offset = committed.get(partition) ?? '-1';
    const from = BigInt(offset) < 0n ? BigInt(low) : BigInt(offset);
    const lag = BigInt(high) - from;
    return { topic, partition, lag: Number(lag > 0n ? lag : 0n) };
  });
}

/** Asks the broker for the end of each partition and the group's committed offsets. */
export async function measureLag(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<PartitionLag[]> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  const result: PartitionLag[] = [];

  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    const offsets = committed.find((c) => c.topic === topic)?.partitions ?? [];
    const byPartition = new Map(offsets.map((p) => [p.partition, p.offset]));
    result.push(...computeLag(topic, ends, byPartition));
  }
  return result;
}
