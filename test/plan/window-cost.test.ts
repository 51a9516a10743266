// The cost projection of window plans (pure): core-hours per method from the measured rates, dense
// runs per window from the stride and the network's total stride, and plan's printed projection.
import { describe, expect, test } from 'vitest';
import { formatPlanCost, planCost } from '../../src/cli/plan-cost.js';
import { DEFAULT_RATES, WINDOW_RATES, estimateWindowCost, type PlanFile } from '../../src/plan/index.js';

describe('estimateWindowCost', () => {
  test('dense runs per window follow shift-and-stitch: (S/gcd(s,S))² below S, one at multiples of S', () => {
    const at = (stridePx: number) => estimateWindowCost({ positions: 1, windows: 1, sidePx: 1024, stridePx }).denseRunsPerWindow;
    expect(at(16)).toBe(4);
    expect(at(8)).toBe(16);
    expect(at(32)).toBe(1);
    expect(at(224)).toBe(1);
    expect(at(48)).toBe(4); // gcd(48, 32) = 16: two runs per axis
    expect(at(56)).toBe(16); // gcd(56, 32) = 8
  });

  test('core-hours from the rates: pack by window megapixels, sliding by positions, dense by megapixels x runs', () => {
    const w = estimateWindowCost({ positions: 90_000, windows: 100, sidePx: 1000, stridePx: 16 });
    // 100 windows of 1 Mpx = 100 Mpx.
    expect(w.packCoreHours).toBeCloseTo(100 / WINDOW_RATES.packMpxPerCoreSecond / 3600, 12);
    expect(w.slidingCoreHours).toBeCloseTo(90_000 / DEFAULT_RATES.inferPerCoreSecond / 3600, 12);
    expect(w.denseCoreHours).toBeCloseTo((100 * 4) / WINDOW_RATES.denseMpxPerCoreSecond / 3600, 12);
  });
});

const plan = (windows: PlanFile['params']['windows'], totals: Partial<PlanFile['totals']>) =>
  ({
    params: { grid: { stridePx: 16, patchSizePx: 224 }, windows },
    totals: { slides: 2, planned: 2, failed: 0, patches: 50_000, shards: 1, bytes: 0, ...totals },
    tasks: { pack: [{ task: 0, shards: [0] }] },
  }) as unknown as PlanFile;

describe('planCost', () => {
  test('a patch plan has sliding only; a window plan both methods, scaled to the published cohort when printed', () => {
    expect(planCost(plan(null, {})).inferCoreHours.dense).toBeNull();
    expect(formatPlanCost(plan(null, {}))).not.toMatch(/published/);
    const win = plan({ positions: 51, sidePx: 1024, source: 'auto' }, { windows: 200 });
    const c = planCost(win);
    expect(c.layout).toBe('windows');
    expect(c.totalCoreHours.dense).toBeLessThan(c.totalCoreHours.sliding);
    const text = formatPlanCost(win);
    // Two slides planned: the 399-slide projection is 399/2 times the plan's figure.
    const perCohort = ((c.totalCoreHours.dense as number) / 2) * 399;
    expect(text).toContain(`399 slides like these: dense ${perCohort.toFixed(1)} core-hours`);
    expect(text).toContain('published stride-16 CAMELYON16: 157,000 core-hours, 45 h on 4,000 cores');
  });
});
