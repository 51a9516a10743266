import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildHeatmap, encodeNpyFloat32, slideScores } from '../../src/heatmap/index.js';

describe('buildHeatmap', () => {
  test('non-overlapping patches fill one cell each; cells without patches are NaN', () => {
    const h = buildHeatmap({
      width: 300,
      height: 200,
      coords: Int32Array.from([0, 0, 100, 0, 200, 100]),
      probabilities: Float32Array.from([0.1, 0.5, 0.9]),
      footprintLevel0: 100,
      strideLevel0: 100,
    });
    expect([h.width, h.height]).toEqual([3, 2]);
    expect(Array.from(h.values)).toEqual([expect.closeTo(0.1), 0.5, NaN, NaN, NaN, expect.closeTo(0.9)]);
  });

  test('overlapping patches (stride half the patch) are averaged per cell', () => {
    // Two patches of 100 px at x = 0 and 50: cells of 50 px; the middle cell is covered by both.
    const h = buildHeatmap({
      width: 150,
      height: 100,
      coords: Int32Array.from([0, 0, 50, 0]),
      probabilities: Float32Array.from([0.2, 0.8]),
      footprintLevel0: 100,
      strideLevel0: 50,
    });
    expect([h.width, h.height]).toEqual([3, 2]);
    expect(Array.from(h.values.subarray(0, 3))).toEqual([expect.closeTo(0.2), expect.closeTo(0.5), expect.closeTo(0.8)]);
  });

  test('unpredicted patches (NaN) are left out', () => {
    const h = buildHeatmap({
      width: 100,
      height: 100,
      coords: Int32Array.from([0, 0]),
      probabilities: Float32Array.from([NaN]),
      footprintLevel0: 100,
      strideLevel0: 100,
    });
    expect(Number.isNaN(h.values[0])).toBe(true);
  });
});

describe('slideScores', () => {
  test('max, top-k mean, mean and positive fraction', () => {
    const s = slideScores(Float32Array.from([0.1, 0.9, 0.7, NaN, 0.3]), 2, 0.5);
    expect(s).toMatchObject({
      patches: 4,
      max: expect.closeTo(0.9),
      topKMean: expect.closeTo(0.8),
      mean: expect.closeTo(0.5),
      positiveFraction: 0.5,
    });
  });
  test('no patches gives NaN scores, not zeros', () => {
    expect(Number.isNaN(slideScores(new Float32Array(0), 10, 0.5).max)).toBe(true);
  });
});

test('heatmap .npy files load in numpy with shape, dtype and NaN intact', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsi-hpc-npy-'));
  try {
    const file = join(dir, 'h.npy');
    writeFileSync(file, encodeNpyFloat32(Float32Array.from([0.25, NaN, 1, 0, 0.5, 0.75]), [2, 3]));
    const out = execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        'import numpy as np,sys,json; a=np.load(sys.argv[1]); print(json.dumps([list(a.shape), str(a.dtype), [None if np.isnan(x) else float(x) for x in a.ravel()]]))',
        file,
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toEqual([[2, 3], 'float32', [0.25, null, 1, 0, 0.5, 0.75]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
