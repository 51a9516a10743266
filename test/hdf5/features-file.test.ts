// Features in predictions files: float16 (bits equal to numpy's float32 -> float16 rounding) and
// float32, read back by h5py (dtype, shape, values) and by readPredictions (as stored).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { predictionsChecksum, readPredictions, toFloat16, writePredictions } from '../../src/hdf5/index.js';
import { SYSTEM_PYTHON, makeTempDir } from '../fixtures/index.js';

const ORACLE = `
import h5py, json, sys, numpy as np
def f16(a):
    with np.errstate(over='ignore'):
        return a.astype('<f2')
with h5py.File(sys.argv[1], 'r') as f:
    x = f['features']
    src = np.array(json.loads(sys.argv[2]), dtype='<f4')
    print(json.dumps({'dtype': str(x.dtype), 'shape': list(x.shape), 'keys': sorted(f.keys()),
      'bits': x[:].view('<u2').ravel().tolist() if x.dtype == np.float16 else None,
      'numpyBits': f16(src).view('<u2').ravel().tolist(),
      'values': np.nan_to_num(x[:].astype('<f8'), posinf=1e300, neginf=-1e300).ravel().tolist(), 'slideIndex': f['slide_index'][:].tolist(),
      'attrs': {k: (v.item() if hasattr(v, 'item') else v) for k, v in f.attrs.items()}}))
`;

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('features-file');
});
afterAll(() => tmp?.cleanup());

// Values over the float16 range: normal, subnormal, ties, overflow to infinity, underflow to negative zero.
const VALUES = [1, -2, 0.5, 65504, 70000, -70000, 1e-5, 6e-8, 3e-8, 0.1, 1 / 3, -1e-30, 2049, 2051, 1.00048828125, 123.456, -1e-3, 7];

function read(file: string) {
  return JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', ORACLE, file, JSON.stringify(VALUES)], { encoding: 'utf8' }));
}

describe('features datasets', () => {
  test('float16: h5py reads float16 [N, D] whose bits equal numpy rounding; readPredictions returns the stored bits', async () => {
    const file = join(tmp.dir, 'f16.h5');
    const data = toFloat16(Float32Array.from(VALUES));
    await writePredictions(file, {
      probabilities: new Float32Array(0),
      classes: 0,
      features: { data, dim: 6, dtype: 'float16' },
      slideIndex: Int32Array.from([0, 0, 1]),
      gridIndex: Int32Array.from([0, 1, 0]),
      slideIds: ['a', 'b'],
      attrs: { model_name: 'feat', count: 3 },
    });
    const r = read(file);
    expect(r).toMatchObject({
      dtype: 'float16',
      shape: [3, 6],
      keys: ['features', 'grid_index', 'slide_index', 'slides'],
      slideIndex: [0, 0, 1],
    });
    expect(r.bits).toEqual(r.numpyBits);
    expect(r.attrs).toMatchObject({ model_name: 'feat', count: 3, layout_version: 1 });
    const back = await readPredictions(file);
    expect(back.features?.dtype).toBe('float16');
    expect(back.features?.dim).toBe(6);
    expect(Array.from(back.features?.data ?? [])).toEqual(r.bits);
    expect(predictionsChecksum(back)).toBe(
      predictionsChecksum({ probabilities: new Float32Array(0), features: { data, dim: 6, dtype: 'float16' } }),
    );
  });

  test('float32: h5py reads float32 [N, D] with the exact values', async () => {
    const file = join(tmp.dir, 'f32.h5');
    const data = Float32Array.from(VALUES);
    await writePredictions(file, {
      probabilities: new Float32Array(0),
      classes: 0,
      features: { data, dim: 9, dtype: 'float32' },
      slideIndex: Int32Array.from([0, 0]),
      gridIndex: Int32Array.from([0, 1]),
      slideIds: ['a'],
      attrs: {},
    });
    const r = read(file);
    expect(r).toMatchObject({ dtype: 'float32', shape: [2, 9] });
    expect(r.values).toEqual(Array.from(data));
    const back = await readPredictions(file);
    expect(back.features).toMatchObject({ dim: 9, dtype: 'float32' });
    expect(Array.from(back.features?.data ?? [])).toEqual(Array.from(data));
  });

  test('float16 with an odd feature size is refused with a hint to use float32', async () => {
    await expect(
      writePredictions(join(tmp.dir, 'odd.h5'), {
        probabilities: new Float32Array(0),
        classes: 0,
        features: { data: toFloat16(new Float32Array(3)), dim: 3, dtype: 'float16' },
        slideIndex: Int32Array.from([0]),
        gridIndex: Int32Array.from([0]),
        slideIds: ['a'],
        attrs: {},
      }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION', hint: expect.stringContaining('--features-dtype float32') });
  });
});
