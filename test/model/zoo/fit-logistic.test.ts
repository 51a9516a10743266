// Logistic regression, ROC AUC and accuracy on small hand-checkable tables.
import { describe, expect, test } from 'vitest';
import { accuracy, fitLogistic, rocAuc, scoreLinear } from '../../../src/model/zoo/index.js';

describe('rocAuc', () => {
  test.each([
    { name: 'perfect ranking', scores: [0.1, 0.2, 0.8, 0.9], labels: [0, 0, 1, 1], auc: 1 },
    { name: 'inverted ranking', scores: [0.9, 0.8, 0.2, 0.1], labels: [0, 0, 1, 1], auc: 0 },
    { name: 'all tied', scores: [0.5, 0.5, 0.5, 0.5], labels: [0, 1, 0, 1], auc: 0.5 },
    { name: 'one swapped pair of four', scores: [0.1, 0.6, 0.5, 0.9], labels: [0, 0, 1, 1], auc: 0.75 },
  ])('$name gives $auc', ({ scores, labels, auc }) => {
    expect(rocAuc(scores, labels)).toBeCloseTo(auc, 12);
  });

  test('is NaN when a class is absent', () => {
    expect(rocAuc([0.1, 0.2], [0, 0])).toBeNaN();
  });
});

describe('fitLogistic', () => {
  test('learns a threshold on raw (unstandardized) features and ignores a noise feature', () => {
    const x = Array.from({ length: 200 }, (_, i) => [1000 + i, Math.sin(i * 12.9898) * 5]);
    const y = x.map(([v]) => (v >= 1100 ? 1 : 0));
    const head = fitLogistic(x, y);
    expect(accuracy(scoreLinear(head, x), y)).toBeGreaterThan(0.97);
    expect(Math.abs(head.weights[0])).toBeGreaterThan(10 * Math.abs(head.weights[1]) * (5 / 58));
    expect(scoreLinear(head, [[1050, 0]])[0]).toBeLessThan(0);
    expect(scoreLinear(head, [[1150, 0]])[0]).toBeGreaterThan(0);
  });
});
