// Tests of src/synth/plan-layout.ts over many seeds: tumours inside tissue, pens clear of tumours,
// everything on the slide, normal slides without tumour, and determinism.
import { expect, test } from 'vitest';
import { pointInPolygon } from '../../src/geometry/index.js';
import { planLayout } from '../../src/synth/index.js';

const base = { width: 8192, height: 6144, mppX: 0.5, hasTumour: true, hasPenMarks: true };
const seeds = Array.from({ length: 25 }, (_, k) => k + 1);

test.each(seeds)('seed %d: 2–5 tissue pieces, tumours inside tissue, pens clear of tumours', (seed) => {
  const layout = planLayout({ ...base, seed });
  expect(layout.tissue.length).toBeGreaterThanOrEqual(2);
  expect(layout.tissue.length).toBeLessThanOrEqual(5);
  expect(layout.tumours.length).toBeGreaterThanOrEqual(1);
  for (const tumour of layout.tumours) {
    expect(tumour.rings[0].every(([x, y]) => layout.tissue.some((t) => pointInPolygon(t, x, y)))).toBe(true);
    for (const pen of layout.pens) expect(pen.outline.rings[0].some(([x, y]) => pointInPolygon(tumour, x, y))).toBe(false);
  }
  const all = [...layout.tissue, ...layout.pens.map((p) => p.outline)].flatMap((p) => p.rings.flat());
  expect(all.every(([x, y]) => x >= 0 && y >= 0 && x <= base.width && y <= base.height)).toBe(true);
});

test('a normal slide has tissue but no tumour; no pen marks when asked', () => {
  const layout = planLayout({ ...base, seed: 3, hasTumour: false, hasPenMarks: false });
  expect(layout.tumours).toEqual([]);
  expect(layout.pens).toEqual([]);
  expect(layout.tissue.length).toBeGreaterThan(0);
});

test('the same seed gives the same layout and another seed a different one', () => {
  expect(planLayout({ ...base, seed: 9 })).toEqual(planLayout({ ...base, seed: 9 }));
  expect(planLayout({ ...base, seed: 9 })).not.toEqual(planLayout({ ...base, seed: 10 }));
});

test('across seeds every pen colour appears', () => {
  const colours = new Set(seeds.flatMap((seed) => planLayout({ ...base, seed }).pens.map((p) => p.colour)));
  expect([...colours].sort()).toEqual(['black', 'blue', 'green']);
});
