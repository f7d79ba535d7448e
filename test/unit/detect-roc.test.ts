import { describe, expect, it } from 'vitest';
import { recallAtFalsePositiveRate, rocAuc } from '../../detect/roc.ts';

describe('rocAuc', () => {
  it('perfect separation', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [false, false, true, true])).toBe(1);
  });

  it('reversed separation', () => {
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [false, false, true, true])).toBe(0);
  });

  it('ties count one half', () => {
    expect(rocAuc([0.5, 0.5], [false, true])).toBe(0.5);
  });

  it('mixed ranks', () => {
    // Positives 0.4 and 0.9 against negatives 0.1, 0.5, 0.6: pairs won 1 + 3 of 6.
    expect(rocAuc([0.1, 0.4, 0.5, 0.6, 0.9], [false, true, false, false, true])).toBeCloseTo(
      4 / 6,
      12,
    );
  });

  it('undefined for one class', () => {
    expect(rocAuc([0.1, 0.2], [true, true])).toBeUndefined();
  });
});

describe('recallAtFalsePositiveRate', () => {
  const negatives = Array.from({ length: 20 }, (_, i) => i / 100);
  const positives = [0.185, 0.19, 0.5, 0.7];
  const scores = [...negatives, ...positives];
  const labels = [...negatives.map(() => false), ...positives.map(() => true)];

  it('allows five percent of negatives above', () => {
    // 5% of 20 negatives is one: the threshold is the second highest negative, 0.18.
    expect(recallAtFalsePositiveRate(scores, labels, 0.05)).toBe(1);
  });

  it('zero false positives', () => {
    // The threshold is the highest negative, 0.19; a positive equal to it does not count.
    expect(recallAtFalsePositiveRate(scores, labels, 0)).toBe(0.5);
  });

  it('undefined without positives', () => {
    expect(recallAtFalsePositiveRate([0.1], [false], 0.05)).toBeUndefined();
  });
});
