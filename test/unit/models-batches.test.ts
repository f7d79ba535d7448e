import { describe, expect, it } from 'vitest';
import { splitBatches } from '../../models/trainer.ts';

const counts = [
  { principal: 'a', events: 5 },
  { principal: 'b', events: 5 },
  { principal: 'c', events: 30 },
  { principal: 'd', events: 1 },
  { principal: 'e', events: 1 },
];

describe('splitBatches', () => {
  it('closes a batch at the event limit', () => {
    expect(splitBatches(counts, 100, 10)).toEqual([['a', 'b'], ['c'], ['d', 'e']]);
  });

  it('closes a batch at the principal limit', () => {
    expect(splitBatches(counts, 2, 1000)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('keeps everything in one batch under both limits', () => {
    expect(splitBatches(counts, 100, 1000)).toEqual([['a', 'b', 'c', 'd', 'e']]);
  });

  it('returns no batches for no principals', () => {
    expect(splitBatches([], 10, 10)).toEqual([]);
  });
});
