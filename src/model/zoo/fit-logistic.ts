// Logistic regression by full-batch gradient descent on standardized features, with the
// standardization folded back into raw-feature weights; plus ROC AUC and accuracy. Pure.
import type { LinearHead } from './demo-features.js';

export interface FitLogisticOptions {
  /** Gradient steps. @default 2000 */
  steps?: number;
  /** Step size on standardized features. @default 0.5 */
  learningRate?: number;
  /** L2 penalty on the weights (not the bias). @default 0.001 */
  l2?: number;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Fit P(y=1 | x) = sigmoid(w·x + b) to rows `x` (each of equal length) and 0/1 labels `y`. */
export function fitLogistic(x: readonly number[][], y: readonly number[], options: FitLogisticOptions = {}): LinearHead {
  const steps = options.steps ?? 2000;
  const lr = options.learningRate ?? 0.5;
  const l2 = options.l2 ?? 0.001;
  const n = x.length;
  const d = x[0].length;
  const mu = Array.from({ length: d }, (_, j) => x.reduce((s, row) => s + row[j], 0) / n);
  const sd = mu.map((m, j) => Math.sqrt(x.reduce((s, row) => s + (row[j] - m) ** 2, 0) / n) || 1);
  const z = x.map((row) => row.map((v, j) => (v - mu[j]) / sd[j]));
  const w = new Array<number>(d).fill(0);
  let b = 0;
  for (let step = 0; step < steps; step++) {
    const gw = w.map((wj) => l2 * wj);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      let dot = b;
      for (let j = 0; j < d; j++) dot += w[j] * z[i][j];
      const err = (sigmoid(dot) - y[i]) / n;
      for (let j = 0; j < d; j++) gw[j] += err * z[i][j];
      gb += err;
    }
    for (let j = 0; j < d; j++) w[j] -= lr * gw[j];
    b -= lr * gb;
  }
  const weights = w.map((wj, j) => wj / sd[j]);
  return { weights, bias: b - weights.reduce((s, wj, j) => s + wj * mu[j], 0) };
}

/** Tumour logit of each row under `head`. */
export function scoreLinear(head: LinearHead, x: readonly number[][]): number[] {
  return x.map((row) => row.reduce((s, v, j) => s + v * head.weights[j], head.bias));
}

// The one ROC AUC of the project lives with the study metrics.
export { rocAuc } from '../../study/metrics.js';

/** Fraction of rows whose logit sign (> 0 means tumour) matches the label. */
export function accuracy(logits: readonly number[], labels: readonly number[]): number {
  return logits.filter((z, i) => (z > 0 ? 1 : 0) === labels[i]).length / logits.length;
}
