// Slide-level scores from patch probabilities: max, mean of the top k, mean, and the fraction
// of patches at or above a threshold. Pure.

export interface SlideScores {
  patches: number;
  max: number;
  topKMean: number;
  mean: number;
  positiveFraction: number;
}

export function slideScores(probabilities: Float32Array, topK: number, threshold: number): SlideScores {
  const v = Array.from(probabilities)
    .filter(Number.isFinite)
    .sort((a, b) => b - a);
  if (v.length === 0) return { patches: 0, max: Number.NaN, topKMean: Number.NaN, mean: Number.NaN, positiveFraction: Number.NaN };
  const k = Math.min(topK, v.length);
  const sum = (a: number[]) => a.reduce((s, x) => s + x, 0);
  return {
    patches: v.length,
    max: v[0],
    topKMean: sum(v.slice(0, k)) / k,
    mean: sum(v) / v.length,
    positiveFraction: v.filter((x) => x >= threshold).length / v.length,
  };
}
