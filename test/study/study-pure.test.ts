import { describe, expect, test } from 'vitest';
import {
  expandConfigs,
  extrapolate,
  froc,
  heatmapDetections,
  paretoFrontier,
  parseVary,
  renderFrontierSvg,
} from '../../src/study/index.js';

const square = (x: number, y: number, s: number) => ({
  rings: [
    [
      [x, y],
      [x + s, y],
      [x + s, y + s],
      [x, y + s],
      [x, y],
    ] as [number, number][],
  ],
});

describe('froc (CAMELYON16)', () => {
  test('perfect detections with no false positives score 1', () => {
    const r = froc([
      {
        lesions: [square(0, 0, 100), square(500, 500, 100)],
        detections: [
          { x: 50, y: 50, probability: 0.9 },
          { x: 550, y: 550, probability: 0.8 },
        ],
      },
    ]);
    expect(r.score).toBe(1);
    expect(r.lesions).toBe(2);
  });

  test('a lesion found only after more than 8 false positives per slide does not count', () => {
    const fps = Array.from({ length: 9 }, (_, i) => ({ x: 2000 + i * 10, y: 2000, probability: 0.9 }));
    const r = froc([{ lesions: [square(0, 0, 100)], detections: [...fps, { x: 50, y: 50, probability: 0.5 }] }]);
    expect(r.sensitivities).toEqual([0, 0, 0, 0, 0, 0]);
    expect(r.score).toBe(0);
  });

  test('two detections in one lesion count it once; FPs are averaged over slides including normal ones', () => {
    const r = froc([
      {
        lesions: [square(0, 0, 100)],
        detections: [
          { x: 10, y: 10, probability: 0.9 },
          { x: 20, y: 20, probability: 0.8 },
        ],
      },
      { lesions: [], detections: [{ x: 10, y: 10, probability: 0.95 }] },
    ]);
    // The normal slide's FP comes first: 0.5 FP per slide before the lesion is found.
    expect(r.curve[0]).toEqual({ threshold: 0.95, fpPerSlide: 0.5, sensitivity: 0 });
    expect(r.sensitivities).toEqual([0, 1, 1, 1, 1, 1]);
  });

  test('no lesions in the cohort is NaN, not a score', () => {
    expect(froc([{ lesions: [], detections: [] }]).score).toBeNaN();
  });

  test('heatmap detections are 3x3 local maxima above the floor, at cell centres', () => {
    const v = Float32Array.from([0.1, 0.2, 0.1, 0.2, 0.9, 0.2, 0.05, 0.2, 0.3]);
    expect(heatmapDetections(v, 3, 3, 100, 0.15)).toEqual([{ x: 150, y: 150, probability: expect.closeTo(0.9) }]);
  });
});

describe('study configurations', () => {
  test('--vary values expand into the cartesian product with stable names', () => {
    const c = expandConfigs(parseVary(['stride=224,112', 'mpp=0.5,1']));
    expect(c.map((x) => x.name)).toEqual(['stride-224_mpp-0.5', 'stride-224_mpp-1', 'stride-112_mpp-0.5', 'stride-112_mpp-1']);
    expect(c[3]).toMatchObject({ stride: 112, mpp: 1, batch: null });
  });
  test.each([
    ['speed=1,2', 'Unknown study variable `speed`; valid variables are stride, mpp, batch, threads, model'],
    ['stride=0,224', 'Expected positive numbers for `stride`, received `0,224`'],
    ['stride', 'Expected `--vary NAME=V1,V2,...`, received `stride`'],
  ])('%s is refused', (spec, message) => expect(() => parseVary([spec])).toThrowError(message));
});

test('extrapolation: core-hours scale with the cohort, wall hours with the cores, floored by one slide', () => {
  expect(extrapolate(3600, 600, { cohortSlides: 399, cores: 4000 })).toEqual({
    coreHours: 399,
    wallHours: Math.max(399 / 4000, 600 / 3600),
    wallHoursFloor: 600 / 3600,
  });
  expect(extrapolate(36, 10, { cohortSlides: 100, cores: 1 }).wallHours).toBeCloseTo(1);
});

test('the frontier keeps only non-dominated configurations and the SVG names every point', () => {
  const pts = [
    { label: 'a', cost: 1, accuracy: 0.8 },
    { label: 'b', cost: 10, accuracy: 0.9 },
    { label: 'c', cost: 20, accuracy: 0.85 },
    { label: 'd<x>', cost: 100, accuracy: 0.95 },
  ];
  expect(paretoFrontier(pts).map((p) => p.label)).toEqual(['a', 'b', 'd<x>']);
  const svg = renderFrontierSvg(pts, 'title', 'AUC');
  expect(svg).toContain('<polyline');
  expect(svg).toContain('d&lt;x&gt;');
  expect((svg.match(/<circle/g) ?? []).length).toBe(4);
});
