// Lesion-level FROC as CAMELYON16 defines it: detections (x, y, probability) per slide against
// annotated lesions; a lesion is found when a detection at or above the threshold lies inside it,
// a detection inside no lesion is a false positive; the score is the mean sensitivity at 1/4, 1/2,
// 1, 2, 4 and 8 false positives per slide. Pure.
import { pointInPolygon, type Polygon } from '../geometry/index.js';

export const FROC_FP_RATES = Object.freeze([0.25, 0.5, 1, 2, 4, 8]);

export interface Detection {
  x: number;
  y: number;
  probability: number;
}

export interface SlideTruth {
  detections: Detection[];
  lesions: Polygon[];
}

export interface FrocResult {
  /** Mean sensitivity at FROC_FP_RATES; NaN when the cohort has no lesions. */
  score: number;
  sensitivities: number[];
  lesions: number;
  slides: number;
  /** The curve: average false positives per slide and sensitivity, per threshold. */
  curve: Array<{ threshold: number; fpPerSlide: number; sensitivity: number }>;
}

export function froc(slides: SlideTruth[]): FrocResult {
  const lesions = slides.reduce((n, s) => n + s.lesions.length, 0);
  // For each detection: which lesion (slide-unique key) it hits, or null for a false positive.
  const scored: Array<{ p: number; lesion: string | null }> = [];
  slides.forEach((s, si) => {
    for (const d of s.detections) {
      const hit = s.lesions.findIndex((l) => pointInPolygon(l, d.x, d.y));
      scored.push({ p: d.probability, lesion: hit >= 0 ? `${si}:${hit}` : null });
    }
  });
  scored.sort((a, b) => b.p - a.p);
  const curve: FrocResult['curve'] = [];
  const found = new Set<string>();
  let fp = 0;
  for (let i = 0; i < scored.length; i++) {
    if (scored[i].lesion) found.add(scored[i].lesion as string);
    else fp++;
    if (i + 1 < scored.length && scored[i + 1].p === scored[i].p) continue;
    curve.push({
      threshold: scored[i].p,
      fpPerSlide: fp / Math.max(1, slides.length),
      sensitivity: lesions ? found.size / lesions : Number.NaN,
    });
  }
  const sensitivities = FROC_FP_RATES.map((rate) => Math.max(0, ...curve.filter((c) => c.fpPerSlide <= rate).map((c) => c.sensitivity)));
  const score = lesions ? sensitivities.reduce((a, b) => a + b, 0) / sensitivities.length : Number.NaN;
  return { score, sensitivities, lesions, slides: slides.length, curve };
}

/** Detections from a heatmap: local maxima (3x3) at or above `floor`, at cell centres in level-0 pixels. */
export function heatmapDetections(values: Float32Array, width: number, height: number, cellLevel0: number, floor = 0.1): Detection[] {
  const out: Detection[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = values[y * width + x];
      if (!(v >= floor)) continue;
      let isMax = true;
      for (let dy = -1; dy <= 1 && isMax; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if ((dx || dy) && nx >= 0 && ny >= 0 && nx < width && ny < height && values[ny * width + nx] > v) {
            isMax = false;
            break;
          }
        }
      }
      if (isMax) out.push({ x: (x + 0.5) * cellLevel0, y: (y + 0.5) * cellLevel0, probability: v });
    }
  }
  return out;
}
