import { describe, expect, it } from 'vitest';
import { createBackoff } from '../../ingest/consumer/backoff.ts';
import { splitIntoChunks } from '../../ingest/consumer/chunks.ts';
import { computeLag } from '../../ingest/consumer/lag.ts';

function messages(sizes: number[]): { value: Buffer | null; id: number }[] {
  return sizes.map((size, id) => ({ value: size < 0 ? null : Buffer.alloc(size), id }));
}

function ids(chunks: { id: number }[][]): number[][] {
  return chunks.map((chunk) => chunk.map((m) => m.id));
}

describe('splitIntoChunks', () => {
  it('bounds chunks by rows', () => {
    expect(ids(splitIntoChunks(messages([1, 1, 1, 1, 1]), 2, 1000))).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('bounds chunks by bytes', () => {
    expect(ids(splitIntoChunks(messages([4, 4, 4, 1]), 100, 8))).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('gives an oversized message its own chunk', () => {
    expect(ids(splitIntoChunks(messages([2, 50, 2]), 100, 10))).toEqual([[0], [1], [2]]);
  });

  it('counts null values as empty', () => {
    expect(ids(splitIntoChunks(messages([-1, -1, 5]), 100, 5))).toEqual([[0, 1, 2]]);
  });

  it('returns nothing for no messages', () => {
    expect(splitIntoChunks([], 10, 10)).toEqual([]);
  });
});

describe('createBackoff', () => {
  it('doubles up to the cap at maximum jitter', () => {
    const backoff = createBackoff(100, 1000, () => 1);
    const delays = Array.from({ length: 6 }, () => backoff.nextDelayMs());
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoff.attempts).toBe(6);
  });

  it('waits at least half the ceiling', () => {
    const backoff = createBackoff(100, 1000, () => 0);
    expect([backoff.nextDelayMs(), backoff.nextDelayMs(), backoff.nextDelayMs()]).toEqual([
      50, 100, 200,
    ]);
  });

  it('starts over after reset', () => {
    const backoff = createBackoff(100, 1000, () => 1);
    backoff.nextDelayMs();
    backoff.nextDelayMs();
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.nextDelayMs()).toBe(100);
  });

  it('stays finite after many attempts', () => {
    const backoff = createBackoff(100, 30_000, () => 1);
    for (let i = 0; i < 2000; i++) backoff.nextDelayMs();
    expect(backoff.nextDelayMs()).toBe(30_000);
  });
});

describe('computeLag', () => {
  const ends = [
    { partition: 0, low: '0', high: '10' },
    { partition: 1, low: '5', high: '8' },
    { partition: 2, low: '3', high: '3' },
  ];

  it('subtracts the committed offset', () => {
    const lag = computeLag(
      't',
      ends,
      new Map([
        [0, '4'],
        [1, '8'],
        [2, '3'],
      ]),
    );
    expect(lag).toEqual([
      { topic: 't', partition: 0, lag: 6 },
      { topic: 't', partition: 1, lag: 0 },
      { topic: 't', partition: 2, lag: 0 },
    ]);
  });

  it('counts from the low watermark without a commit', () => {
    const lag = computeLag('t', ends, new Map([[0, '-1']]));
    expect(lag.map((p) => p.lag)).toEqual([10, 3, 0]);
  });

  it('never reports a negative lag', () => {
    const lag = computeLag('t', [{ partition: 0, low: '0', high: '5' }], new Map([[0, '9']]));
    expect(lag[0]!.lag).toBe(0);
  });
});
