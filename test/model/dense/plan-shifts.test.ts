// Shift-and-stitch plans: every grid cell comes from exactly one run, at the right position, and
// the run count follows the stride's relation to the network's total stride.
import { describe, expect, test } from 'vitest';
import { planShifts } from '../../../src/model/dense/index.js';

describe('planShifts', () => {
  test.each([
    // window, stride, total stride, grid edge, runs
    [1024, 32, 32, 26, 1],
    [1024, 16, 32, 51, 4],
    [1024, 8, 32, 101, 16],
    [1024, 64, 32, 13, 1],
    [1024, 56, 32, 15, 16],
    [224, 16, 32, 1, 1],
    [300, 16, 32, 5, 4],
  ])(
    'a %i px window at stride %i with S=%i has a %i-cell grid edge from %i runs, each cell once, at its offset',
    (edge, s, S, cells, runs) => {
      const plan = planShifts(edge, edge, 224, s, S);
      expect([plan.gridWidth, plan.gridHeight]).toEqual([cells, cells]);
      expect(plan.xRuns.length * plan.yRuns.length).toBe(runs);
      const seen = plan.xRuns.flatMap((r) =>
        r.cells.map(([a, k]) => {
          expect(r.startPx + k * S).toBe(a * s);
          expect(r.startPx + r.lengthPx).toBeLessThanOrEqual(edge);
          expect((r.lengthPx - 224) % S).toBe(0);
          return a;
        }),
      );
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: cells }, (_, i) => i));
      expect(plan.slidingPixels).toBe(cells * cells * 224 * 224);
    },
  );

  test("dense runs feed far fewer pixels than one patch per cell at stride 16, and no fewer at stride 56 (lcm(56, 32) = 224: each run's cells tile it without overlap)", () => {
    const at16 = planShifts(1024, 1024, 224, 16, 32);
    expect(at16.slidingPixels / at16.densePixels).toBeGreaterThan(30);
    const at56 = planShifts(1024, 1024, 224, 56, 32);
    expect(at56.densePixels).toBe(at56.slidingPixels);
  });

  test.each([
    [[1024, 1024, 224, 0, 32], 'Expected `stridePx` to be a positive integer, received `0` (number)'],
    [[1024, 1024, 224, 16.5, 32], 'Expected `stridePx` to be a positive integer, received `16.5` (number)'],
    [[200, 1024, 224, 16, 32], 'Expected the window to be at least 224x224 px (one patch), received 200x1024'],
  ] as const)('rejects %j with a message naming the value', (args, message) => {
    expect(() => planShifts(...(args as unknown as [number, number, number, number, number]))).toThrow(message);
  });
});
