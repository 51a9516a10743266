// Tests of src/study/evaluation-mask.ts and slide-truth.ts: the CAMELYON16 evaluation mask (exact
// distance transform, 37.5 µm radius, holes filled, 8-connected labels, ITC under 275 µm) checked
// against brute force and values derived by hand.
import { describe, expect, test } from 'vitest';
import { ANNOTATION_GROUP_DEFAULTS, parseAnnotationText } from '../../src/geometry/index.js';
import { computeEvaluationMask, evaluationMaskForSlide, froc, squaredDistanceToTumour } from '../../src/study/index.js';
import { fillHoles, label8 } from '../../src/study/evaluation-mask.js';

describe('evaluation mask steps', () => {
  test('the squared distance transform equals brute force on a random raster', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const [w, h] = [23, 17];
    const tumour = Uint8Array.from({ length: w * h }, () => (random() < 0.04 ? 1 : 0));
    const d2 = squaredDistanceToTumour(tumour, w, h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let best = Number.POSITIVE_INFINITY;
        for (let j = 0; j < w * h; j++) if (tumour[j]) best = Math.min(best, ((j % w) - x) ** 2 + (Math.floor(j / w) - y) ** 2);
        expect(d2[y * w + x], `${x},${y}`).toBe(best);
      }
    }
  });

  test('a background pixel reached only diagonally is a hole (4-connected fill, as binary_fill_holes)', () => {
    const b = Uint8Array.from([0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    fillHoles(b, 4, 4);
    expect(b[1 * 4 + 1]).toBe(1);
    expect(b.reduce((a, v) => a + v, 0)).toBe(5);
  });

  test('labels are 8-connected and numbered in raster order', () => {
    // Row 0: 1 . . 1 ; row 1: . 1 . . -> the diagonal pair is one component, the right pixel another.
    expect(Array.from(label8(Uint8Array.from([1, 0, 0, 1, 0, 1, 0, 0]), 4, 2).labels)).toEqual([1, 0, 0, 2, 0, 1, 0, 0]);
  });

  test('one tumour pixel at 10 µm/px dilates to the 45-pixel disc d < 3.75 px, an ITC of major axis 4*sqrt(160/45)', () => {
    const [w, h] = [11, 11];
    const tumour = new Uint8Array(w * h);
    tumour[5 * w + 5] = 1;
    // Threshold = 75 / (10 * 2) = 3.75 px: offsets with dx² + dy² <= 13 (14.06 excluded nothing between):
    // per column |dx| = 0, 1, 2, 3: 7, 7, 7, 5 pixels -> 7 + 2*7 + 2*7 + 2*5 = 45.
    const m = computeEvaluationMask(tumour, w, h, 10, 1);
    expect(m.count).toBe(1);
    expect(m.labels.reduce((a, v) => a + v, 0)).toBe(45);
    // Variance along x = sum dx² / 45 = 2*(1*7 + 4*7 + 9*5)/45 = 160/45, the same along y, no covariance.
    expect(m.majorAxisPx[0]).toBeCloseTo(4 * Math.sqrt(160 / 45), 12);
    // ITC threshold 275 / 10 = 27.5 px > 7.54: an isolated tumour cell.
    expect([...m.itc]).toEqual([1]);
  });
});

// Slide 6400 x 3200 level-0 px at 0.25 µm/px; the mask is 1/32 (200 x 100 px of 8 µm): dilation
// radius 75 / (8 * 2) = 4.6875 px, ITC below 275 / 8 = 34.375 px.
const rect = (group: string, x0: number, y0: number, x1: number, y1: number) =>
  `<Annotation Name="${group}" Type="Polygon" PartOfGroup="${group}"><Coordinates><Coordinate Order="0" X="${x0}" Y="${y0}" /><Coordinate Order="1" X="${x1}" Y="${y0}" /><Coordinate Order="2" X="${x1}" Y="${y1}" /><Coordinate Order="3" X="${x0}" Y="${y1}" /></Coordinates></Annotation>`;
const xml = `<ASAP_Annotations><Annotations>
${rect('_0', 320, 320, 3520, 1600)}
${rect('_2', 1600, 0, 2240, 3200)}
${rect('_1', 4800, 2400, 4960, 2560)}
</Annotations></ASAP_Annotations>`;

describe('evaluation mask of a CAMELYON16 slide', () => {
  // `_0`: mask columns 10..109 (centres (i + 0.5) * 32 in [320, 3520)), rows 10..49.
  // `_2`: a full-height strip over columns 50..69 (160 µm), subtracted: two 40 x 40 px blocks remain,
  //       20 px apart; dilated by 4.6875 px they stay 12 px apart, so two lesions of about 48 px
  //       (major axis about 4 * sqrt(48² / 12) = 55 px > 34.375: not ITC).
  // `_1`: a 5 x 5 px square (40 µm): dilated to about 13 px, major axis about 15 px < 34.375: an ITC.
  const set = parseAnnotationText(xml, 'tumor_001.xml', ANNOTATION_GROUP_DEFAULTS);
  const m = evaluationMaskForSlide(set, 6400, 3200, 0.25);

  test('`_2` splits the `_0` tumour into two lesions; the small `_1` square is an ITC', () => {
    expect(m).not.toBeNull();
    if (!m) return;
    expect([m.width, m.height, m.downsample, m.umPerPixel]).toEqual([200, 100, 32, 8]);
    expect(m.count).toBe(3);
    expect([...m.itc]).toEqual([3]);
    // Left block label 1 (first in raster order), right block 2, the ITC 3; the strip between is 0.
    expect([m.labels[30 * 200 + 30], m.labels[30 * 200 + 60], m.labels[30 * 200 + 90], m.labels[77 * 200 + 152]]).toEqual([1, 0, 2, 3]);
    // The dilation reaches 4 px beyond the block (d = 4 < 4.6875), not 5.
    expect([m.labels[30 * 200 + 53], m.labels[30 * 200 + 54]]).toEqual([1, 0]);
  });

  test('the old reading (`_2` as tumour) would have made one lesion of the whole strip', () => {
    const all = parseAnnotationText(xml, 'tumor_001.xml', { tumour: ['_0', '_1', '_2'], exclude: [] });
    expect(evaluationMaskForSlide(all, 6400, 3200, 0.25)?.count).toBe(2);
  });

  test('FROC on this slide: a hit on each lesion, one on the ITC (ignored) and one in the `_2` strip (a false positive)', () => {
    if (!m) return;
    const r = froc([
      {
        mask: m,
        detections: [
          { x: 30 * 32, y: 30 * 32, probability: 0.75 },
          { x: 90 * 32, y: 30 * 32, probability: 0.5 },
          { x: 152 * 32, y: 77 * 32, probability: 0.875 },
          { x: 60 * 32, y: 30 * 32, probability: 0.625 },
        ],
      },
    ]);
    // FP [0.625], TP [0.75, 0.5, 0 (ITC)]; 2 lesions. all_probs [0, 0.5, 0.625, 0.75]:
    // 0.5: FP 1, TP 2/2; 0.625: FP 1, TP 1/2; 0.75: FP 0, TP 1/2; then (0, 0).
    // Reversed xp [0, 0, 1, 1], fp [0, 0.5, 0.5, 1]: 0.25, 0.5 -> 0.5; 1 and beyond -> 1. Score (2*0.5 + 4)/6.
    expect(r.sensitivities).toEqual([0.5, 0.5, 1, 1, 1, 1]);
    expect(r.score).toBeCloseTo(5 / 6, 12);
  });

  test('a slide without tumour polygons has no mask (normal)', () => {
    expect(evaluationMaskForSlide({ tumours: [], exclusions: [], unknownGroups: [] }, 6400, 3200, 0.25)).toBeNull();
  });
});
