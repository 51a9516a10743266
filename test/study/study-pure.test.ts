import { describe, expect, test } from 'vitest';
import { expandConfigs, extrapolate, paretoFrontier, parseVary, renderFrontierSvg } from '../../src/study/index.js';

describe('study configurations', () => {
  test('--vary values expand into the cartesian product with stable names', () => {
    const c = expandConfigs(parseVary(['stride=224,112', 'mpp=0.5,1']));
    expect(c.map((x) => x.name)).toEqual(['stride-224_mpp-0.5', 'stride-224_mpp-1', 'stride-112_mpp-0.5', 'stride-112_mpp-1']);
    expect(c[3]).toMatchObject({ stride: 112, mpp: 1, batch: null });
  });
  test.each([
    ['speed=1,2', 'Unknown study variable `speed`; valid variables are stride, mpp, batch, threads, model, method'],
    ['stride=0,224', 'Expected positive integers for `--vary stride`, received `0,224`'],
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
