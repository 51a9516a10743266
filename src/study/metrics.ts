// Accuracy metrics, pure: ROC AUC by the Mann-Whitney statistic (ties count one half).

/** AUC of `scores` for binary `labels` (1 = positive); NaN when a class is absent. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const items: Array<[number, number]> = [];
  for (let i = 0; i < scores.length; i++) if (Number.isFinite(scores[i])) items.push([scores[i], labels[i] ? 1 : 0]);
  const pos = items.filter((x) => x[1] === 1).length;
  const neg = items.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  items.sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  for (let i = 0; i < items.length; ) {
    let j = i;
    while (j < items.length && items[j][0] === items[i][0]) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (items[k][1] === 1) rankSum += avgRank;
    i = j;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
