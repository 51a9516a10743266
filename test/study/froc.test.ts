// Tests of src/study/froc.ts against FROC values computed by hand, step by step as the official
// CAMELYON16 Evaluation_FROC.py (compute_FP_TP_Probs, computeFROC) and np.interp compute them.
// Probabilities are dyadic fractions, exact in float32 as the heatmaps store them.
import { describe, expect, test } from 'vitest';
import { computeFroc, type EvaluationMask, froc, interp, slideFrocData } from '../../src/study/index.js';

// An evaluation mask written by hand: one row of labels, `downsample` level-0 px per mask pixel.
function mask(labels: number[], itc: number[], downsample = 10): EvaluationMask {
  const count = Math.max(0, ...labels);
  return {
    width: labels.length,
    height: 1,
    downsample,
    umPerPixel: 1,
    labels: Int32Array.from(labels),
    count,
    itc: new Set(itc),
    majorAxisPx: [],
  };
}

describe('compute_FP_TP_Probs', () => {
  test('one hit per lesion (its max), ITC hits ignored, off-lesion and off-mask detections are false positives', () => {
    // Mask pixels (10 level-0 px each): [lesion 1 | none | lesion 2 | ITC 3].
    const d = slideFrocData(
      [
        { x: 5, y: 5, probability: 0.875 }, // column 0: lesion 1
        { x: 8, y: 2, probability: 0.625 }, // column 0: lesion 1 again, lower: not a second hit, not an FP
        { x: 15, y: 5, probability: 0.75 }, // column 1: no lesion -> FP
        { x: 35, y: 5, probability: 0.9375 }, // column 3: ITC -> neither
        { x: 100, y: 5, probability: 0.375 }, // off the mask -> FP
      ],
      mask([1, 0, 2, 3], [3]),
    );
    // TP_probs has one entry per label, 0 for the missed lesion 2 and the ITC 3; 3 labels - 1 ITC = 2 lesions.
    expect(d).toEqual({ fpProbs: [0.75, 0.375], tpProbs: [0.875, 0, 0], lesions: 2, onItc: 1 });
  });

  test('on a normal slide every detection is a false positive, whatever the mask would say', () => {
    expect(slideFrocData([{ x: 5, y: 5, probability: 0.5 }], null)).toEqual({ fpProbs: [0.5], tpProbs: [], lesions: 0, onItc: 0 });
  });
});

describe('computeFROC and the score', () => {
  test('three slides (one normal): curve and score as the script computes them', () => {
    const r = froc([
      {
        // Slide A as above: TP [0.875, 0, 0], FP [0.75, 0.375], 2 lesions.
        mask: mask([1, 0, 2, 3], [3]),
        detections: [
          { x: 5, y: 5, probability: 0.875 },
          { x: 8, y: 2, probability: 0.625 },
          { x: 15, y: 5, probability: 0.75 },
          { x: 35, y: 5, probability: 0.9375 },
          { x: 100, y: 5, probability: 0.375 },
        ],
      },
      // Slide B, normal: FP [0.8125, 0.25].
      {
        mask: null,
        detections: [
          { x: 1, y: 1, probability: 0.8125 },
          { x: 50, y: 1, probability: 0.25 },
        ],
      },
      // Slide C: one lesion spanning both pixels, hit at 0.5: TP [0.5], 1 lesion.
      { mask: mask([1, 1], []), detections: [{ x: 5, y: 5, probability: 0.5 }] },
    ]);
    // FPs [0.75, 0.375, 0.8125, 0.25], TPs [0.875, 0, 0, 0.5]; 3 lesions, 3 slides.
    // all_probs = [0, 0.25, 0.375, 0.5, 0.75, 0.8125, 0.875]; thresholds all_probs[1:]:
    //   0.25:   FP>= 4 -> 4/3, TP>= 2 -> 2/3
    //   0.375:  FP 3 -> 1,     TP 2 -> 2/3
    //   0.5:    FP 2 -> 2/3,   TP 2 -> 2/3
    //   0.75:   FP 2 -> 2/3,   TP 1 -> 1/3
    //   0.8125: FP 1 -> 1/3,   TP 1 -> 1/3
    //   0.875:  FP 0 -> 0,     TP 1 -> 1/3
    //   then the appended (0, 0).
    expect(r.curve.map((c) => c.fpPerSlide)).toEqual([4 / 3, 1, 2 / 3, 2 / 3, 1 / 3, 0, 0]);
    expect(r.curve.map((c) => c.sensitivity)).toEqual([2 / 3, 2 / 3, 2 / 3, 1 / 3, 1 / 3, 1 / 3, 0]);
    // np.interp on the reversed curve: xp [0, 0, 1/3, 2/3, 2/3, 1, 4/3], fp [0, 1/3, 1/3, 1/3, 2/3, 2/3, 2/3]:
    //   0.25 -> between (0, 1/3) and (1/3, 1/3): 1/3;  0.5 -> between (1/3, 1/3) and (2/3, 1/3): 1/3
    //   1 -> xp[5] = 1 exactly: 2/3;  2, 4, 8 -> past the end: 2/3.   Score (2 x 1/3 + 4 x 2/3) / 6 = 5/9.
    expect(r.sensitivities).toEqual([1 / 3, 1 / 3, 2 / 3, 2 / 3, 2 / 3, 2 / 3]);
    expect(r.score).toBeCloseTo(5 / 9, 12);
    expect([r.lesions, r.slides, r.detections, r.falsePositives]).toEqual([3, 3, 8, 4]);
  });

  test('sensitivity is interpolated linearly from the (0, 0) point', () => {
    const r = froc([
      // Lesion hit at 0.75; an FP at 0.25 on the same slide.
      {
        mask: mask([1], []),
        detections: [
          { x: 1, y: 1, probability: 0.75 },
          { x: 50, y: 1, probability: 0.25 },
        ],
      },
      // A normal slide with an FP at 0.75.
      { mask: null, detections: [{ x: 1, y: 1, probability: 0.75 }] },
    ]);
    // all_probs = [0.25, 0.75]; threshold 0.75: FP 1 of 2 slides -> 0.5, TP 1/1 -> 1; then (0, 0).
    // Reversed: xp [0, 0.5], fp [0, 1]: 0.25 -> 0.5 (half way); 0.5 and beyond -> 1. Score 5.5 / 6.
    expect(r.curve.map((c) => [c.fpPerSlide, c.sensitivity])).toEqual([
      [0.5, 1],
      [0, 0],
    ]);
    expect(r.sensitivities).toEqual([0.5, 1, 1, 1, 1, 1]);
    expect(r.score).toBeCloseTo(5.5 / 6, 12);
  });

  test('the lowest probability is never a threshold (all_probs[1:]): one shared probability scores 0', () => {
    // TP 0.75 and FP 0.75 share the only probability, so the curve is just the appended (0, 0).
    const r = froc([
      { mask: mask([1], []), detections: [{ x: 1, y: 1, probability: 0.75 }] },
      { mask: null, detections: [{ x: 1, y: 1, probability: 0.75 }] },
    ]);
    expect(r.curve.map((c) => [c.fpPerSlide, c.sensitivity])).toEqual([[0, 0]]);
    expect(r.score).toBe(0);
  });

  test('a cohort without lesions has no score (NaN), not 0', () => {
    const r = froc([{ mask: null, detections: [{ x: 1, y: 1, probability: 0.5 }] }]);
    expect(r.score).toBeNaN();
    expect(r.lesions).toBe(0);
  });

  test('computeFROC averages false positives over every slide passed, detections or not', () => {
    const curve = computeFroc([
      { fpProbs: [0.5, 0.75], tpProbs: [0.25], lesions: 1, onItc: 0 },
      { fpProbs: [], tpProbs: [], lesions: 0, onItc: 0 },
      { fpProbs: [], tpProbs: [], lesions: 0, onItc: 0 },
      { fpProbs: [], tpProbs: [], lesions: 0, onItc: 0 },
    ]);
    // Thresholds 0.5 and 0.75 (0.25 dropped): FP 2/4 and 1/4; the lesion at 0.25 is below both.
    expect(curve.map((c) => [c.fpPerSlide, c.sensitivity])).toEqual([
      [0.5, 0],
      [0.25, 0],
      [0, 0],
    ]);
  });
});

describe('np.interp', () => {
  test.each([
    [-1, 0], // before the first point: fp[0]
    [0.5, 0.25], // linear between (0, 0) and (1, 0.5)
    [1, 1], // equal xp repeated: the last one wins
    [2, 1], // between (1, 1) and (3, 1)
    [5, 1], // past the end: fp[-1]
  ])('interp(%d) = %d on xp [0, 1, 1, 3], fp [0, 0.5, 1, 1]', (x, y) => expect(interp(x, [0, 1, 1, 3], [0, 0.5, 1, 1])).toBe(y));
});
