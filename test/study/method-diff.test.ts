// The dense-vs-sliding comparison of a study on hand-made arrays: which configuration is a dense one's
// twin, max and mean |Δp| over the positions both methods predicted, and the slides left out (a grid
// planned differently, a slide only one run has), each said in a warning; `--vary method` parsing.
import { describe, expect, test } from 'vitest';
import { compareMethods, expandConfigs, parseVary, slidingTwin, type SlideProbabilities } from '../../src/study/index.js';

const slide = (id: string, probabilities: number[], gridSha256 = `sha-${id}`): SlideProbabilities => ({
  id,
  gridSha256,
  probabilities: Float32Array.from(probabilities),
});

describe('compareMethods', () => {
  test('max and mean |Δp| over every position of every slide, hand-computed', () => {
    const dense = [slide('a', [0.5, 0.25, 1]), slide('b', [0, 0.75])];
    const sliding = [slide('a', [0.5, 0.5, 0.875]), slide('b', [0.0625, 0.75])];
    // |Δp|: a → 0, 0.25, 0.125; b → 0.0625, 0: max 0.25, mean 0.4375 / 5.
    expect(compareMethods(dense, sliding)).toEqual({ maxAbsDiff: 0.25, meanAbsDiff: 0.4375 / 5, positions: 5, slides: 2, warnings: [] });
  });

  test('positions neither run predicted are not positions; one predicted by one method only is left out and said', () => {
    const dense = [slide('a', [0.5, Number.NaN, 0.25, Number.NaN])];
    const sliding = [slide('a', [0.25, Number.NaN, Number.NaN, 0.5])];
    expect(compareMethods(dense, sliding)).toEqual({
      maxAbsDiff: 0.25,
      meanAbsDiff: 0.25,
      positions: 1,
      slides: 1,
      warnings: ['a: 2 position(s) predicted by one method only, left out'],
    });
  });

  test('a slide whose grids differ (sha256) is skipped with a warning, not compared position by position', () => {
    const dense = [slide('a', [0, 0], 'aaaaaaaaaaaaaaaa'), slide('b', [0.5])];
    const sliding = [slide('a', [1, 1], 'bbbbbbbbbbbbbbbb'), slide('b', [0.5])];
    const diff = compareMethods(dense, sliding);
    expect(diff).toMatchObject({ maxAbsDiff: 0, meanAbsDiff: 0, positions: 1, slides: 1 });
    expect(diff.warnings).toEqual(['a: the two runs planned different grids (sha256 aaaaaaaaaaaa vs bbbbbbbbbbbb)']);
  });

  test('nothing comparable gives null differences (not 0), and slides in one run only are named', () => {
    const diff = compareMethods([slide('a', [0.5], 'x')], [slide('a', [0.5], 'y'), slide('c', [0.1])]);
    expect(diff.maxAbsDiff).toBeNull();
    expect(diff.meanAbsDiff).toBeNull();
    expect(diff.positions).toBe(0);
    expect(diff.warnings).toEqual(['a: the two runs planned different grids (sha256 x vs y)', 'c: not in the dense run']);
    expect(compareMethods([slide('d', [0.5])], []).warnings).toEqual(['d: not in the sliding run']);
  });
});

describe('slidingTwin', () => {
  const runs = (vary: string[], ran: Record<string, 'sliding' | 'dense'>) =>
    expandConfigs(parseVary(vary)).map((cfg) => ({ cfg, method: ran[cfg.name] ?? (cfg.method === 'dense' ? 'dense' : 'sliding') }));

  test('the twin is the configuration identical except method=sliding', () => {
    const r = runs(['stride=64,32', 'method=sliding,dense'], {});
    expect(r.map((x) => x.cfg.name)).toEqual([
      'stride-64_method-sliding',
      'stride-64_method-dense',
      'stride-32_method-sliding',
      'stride-32_method-dense',
    ]);
    expect(slidingTwin(r[1], r)?.cfg.name).toBe('stride-64_method-sliding');
    expect(slidingTwin(r[3], r)?.cfg.name).toBe('stride-32_method-sliding');
  });

  test('auto that ran dense is paired with sliding; without a sliding configuration there is no twin', () => {
    const r = runs(['method=auto,sliding'], { 'method-auto': 'dense' });
    expect(slidingTwin(r[0], r)?.cfg.name).toBe('method-sliding');
    const alone = runs(['stride=64,32', 'method=dense'], {});
    expect(slidingTwin(alone[0], alone)).toBeNull();
    // A different batch is not "identical except method".
    const batches = runs(['batch=8,16', 'method=dense,sliding'], {});
    expect(slidingTwin(batches[0], batches)?.cfg.name).toBe('batch-8_method-sliding');
  });
});

describe('--vary method', () => {
  test('values are sliding, dense, auto, named as given', () => {
    const c = expandConfigs(parseVary(['method=sliding,dense,auto']));
    expect(c.map((x) => [x.name, x.method])).toEqual([
      ['method-sliding', 'sliding'],
      ['method-dense', 'dense'],
      ['method-auto', 'auto'],
    ]);
    expect(expandConfigs(parseVary(['stride=64']))[0].method).toBeNull();
  });
  test.each([
    ['method=fast', 'Expected `--vary method` values among sliding, dense, auto, received `fast`'],
    ['method=dense,dense', '`--vary method` lists `dense` twice, received `dense,dense`'],
  ])('%s is refused', (spec, message) => expect(() => parseVary([spec])).toThrowError(message));
});
