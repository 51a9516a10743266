// Lesion-level FROC exactly as the official CAMELYON16 Evaluation_FROC.py computes it:
// compute_FP_TP_Probs per slide, computeFROC over the cohort, and the challenge score (mean
// sensitivity at 1/4, 1/2, 1, 2, 4, 8 false positives per slide by np.interp). Pure; see docs/EVALUATION.md.
import type { EvaluationMask } from './evaluation-mask.js';

export const FROC_FP_RATES = Object.freeze([0.25, 0.5, 1, 2, 4, 8]);

/** A detected lesion: (x, y) in level-0 pixels and its probability. */
export interface Detection {
  x: number;
  y: number;
  probability: number;
}

/** One slide: its detections and its evaluation mask, or null for a normal slide (no tumour). */
export interface SlideTruth {
  detections: Detection[];
  mask: EvaluationMask | null;
}

/** compute_FP_TP_Probs of one slide. */
export interface SlideFrocData {
  /** Probabilities of detections on no lesion (every detection of a normal slide). */
  fpProbs: number[];
  /** Per label (index label - 1): the highest probability of a detection on it, 0 when missed or ITC. */
  tpProbs: number[];
  /** Lesions to find: labels minus ITC labels. */
  lesions: number;
  /** Detections ignored because they fall on an isolated tumour cell region. */
  onItc: number;
}

export interface FrocResult {
  /** Mean of `sensitivities`; NaN when the cohort has no lesion to find. */
  score: number;
  /** Sensitivity at each of FROC_FP_RATES. */
  sensitivities: number[];
  lesions: number;
  slides: number;
  detections: number;
  falsePositives: number;
  /** computeFROC's curve: average false positives per slide and sensitivity, per threshold. */
  curve: Array<{ threshold: number; fpPerSlide: number; sensitivity: number }>;
}

/** compute_FP_TP_Probs: classify each detection as a false positive, a hit (max per lesion) or on an ITC. */
export function slideFrocData(detections: readonly Detection[], mask: EvaluationMask | null): SlideFrocData {
  if (mask === null) return { fpProbs: detections.map((d) => Math.fround(d.probability)), tpProbs: [], lesions: 0, onItc: 0 };
  const tpProbs = new Array<number>(mask.count).fill(0);
  const fpProbs: number[] = [];
  let onItc = 0;
  for (const d of detections) {
    const p = Math.fround(d.probability);
    // evaluation_mask[Y / 2^level, X / 2^level]; a point off the mask is on no lesion.
    const col = Math.floor(d.x / mask.downsample);
    const row = Math.floor(d.y / mask.downsample);
    const hit = col >= 0 && row >= 0 && col < mask.width && row < mask.height ? mask.labels[row * mask.width + col] : 0;
    if (hit === 0) fpProbs.push(p);
    else if (mask.itc.has(hit)) onItc++;
    else if (p > tpProbs[hit - 1]) tpProbs[hit - 1] = p;
  }
  return { fpProbs, tpProbs, lesions: mask.count - mask.itc.size, onItc };
}

/** computeFROC: thresholds are the distinct probabilities except the lowest, then a final (0, 0) point. */
export function computeFroc(slides: readonly SlideFrocData[]): FrocResult['curve'] {
  const fps = slides.flatMap((s) => s.fpProbs);
  const tps = slides.flatMap((s) => s.tpProbs);
  const lesions = slides.reduce((n, s) => n + s.lesions, 0);
  const all = [...new Set([...fps, ...tps])].sort((a, b) => a - b);
  const curve: FrocResult['curve'] = [];
  for (const threshold of all.slice(1)) {
    curve.push({
      threshold,
      fpPerSlide: fps.filter((p) => p >= threshold).length / slides.length,
      sensitivity: tps.filter((p) => p >= threshold).length / lesions,
    });
  }
  curve.push({ threshold: Number.POSITIVE_INFINITY, fpPerSlide: 0, sensitivity: 0 / lesions });
  return curve;
}

/** np.interp(x, xp, fp) for increasing xp (repeats allowed: the last of equal xp wins), clamped at both ends. */
export function interp(x: number, xp: readonly number[], fp: readonly number[]): number {
  const n = xp.length;
  if (x < xp[0]) return fp[0];
  if (x > xp[n - 1]) return fp[n - 1];
  let j = 0;
  while (j + 1 < n && xp[j + 1] <= x) j++;
  if (j === n - 1 || xp[j] === x) return fp[j];
  return ((fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j])) * (x - xp[j]) + fp[j];
}

/** The challenge score: np.interp(FROC_FP_RATES, fps[::-1], sens[::-1]) and its mean. */
export function frocScore(curve: FrocResult['curve']): { score: number; sensitivities: number[] } {
  const reversed = [...curve].reverse();
  const xp = reversed.map((c) => c.fpPerSlide);
  const fp = reversed.map((c) => c.sensitivity);
  const sensitivities = FROC_FP_RATES.map((rate) => interp(rate, xp, fp));
  return { score: sensitivities.reduce((a, b) => a + b, 0) / sensitivities.length, sensitivities };
}

/** FROC of a cohort: every slide counts in the false positives per slide, normal slides included. */
export function froc(slides: readonly SlideTruth[]): FrocResult {
  const data = slides.map((s) => slideFrocData(s.detections, s.mask));
  const lesions = data.reduce((n, s) => n + s.lesions, 0);
  const curve = computeFroc(data);
  const { score, sensitivities } =
    lesions > 0 ? frocScore(curve) : { score: Number.NaN, sensitivities: FROC_FP_RATES.map(() => Number.NaN) };
  return {
    score,
    sensitivities,
    lesions,
    slides: slides.length,
    detections: slides.reduce((n, s) => n + s.detections.length, 0),
    falsePositives: data.reduce((n, s) => n + s.fpProbs.length, 0),
    curve,
  };
}
