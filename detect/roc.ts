/**
 * Separation of labelled scores: area under the ROC curve and recall at a fixed false-positive
 * rate. Higher scores mean more anomalous; `positive` marks the rows labelled anomalous.
 */

/**
 * Area under the ROC curve as the Mann-Whitney statistic: the probability that a random
 * positive scores above a random negative, ties counting one half. Returns undefined when
 * either class is empty.
 */
export function rocAuc(
  scores: readonly number[],
  positive: readonly boolean[],
): number | undefined {
  const order = scores.map((score, index) => ({ score, index })).sort((a, b) => a.score - b.score);
  const ranks = new Array<number>(scores.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.score === order[start]!.score) end += 1;
    // Tied scores share the average of the ranks they span (ranks count from 1).
    const rank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) ranks[order[i]!.index] = rank;
    start = end + 1;
  }

  let positives = 0;
  let rankSum = 0;
  positive.forEach((isPositive, index) => {
    if (!isPositive) return;
    positives += 1;
    rankSum += ranks[index]!;
  });
  const negatives = scores.length - positives;
  if (positives === 0 || negatives === 0) return undefined;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Recall at a false-positive rate: the threshold is the highest negative score that leaves at
 * most `falsePositiveRate` of the negatives strictly above it, and recall is the share of
 * positives strictly above the threshold. Returns undefined when either class is empty.
 */
export function recallAtFalsePositiveRate(
  scores: readonly number[],
  positive: readonly boolean[],
  falsePositiveRate: number,
): number | undefined {
  const negatives = scores.filter((_, i) => !positive[i]).sort((a, b) => b - a);
  const positives = scores.filter((_, i) => positive[i]);
  if (negatives.length === 0 || positives.length === 0) return undefined;

  const allowed = Math.floor(falsePositiveRate * negatives.length);
  const threshold = negatives[Math.min(allowed, negatives.length - 1)]!;
  return positives.filter((score) => score > threshold).length / positives.length;
}
