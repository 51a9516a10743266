import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ShardReader, ShardWriter, type ShardCompression } from '../../src/hdf5/index.js';

const dir = mkdtempSync(join(tmpdir(), 'wsi-hpc-h5-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PY = '/usr/bin/python3';

const P = 16;
const N = 37;
function patchPixels(i: number): Uint8Array {
  const a = new Uint8Array(P * P * 3);
  for (let k = 0; k < a.length; k++) a[k] = (i * 31 + k * 7) & 255;
  return a;
}

/** SHA-256 of all N patches in shard order, as h5py's `p[:].tobytes()` lays them out (C order, N x P x P x 3). */
function expectedPatchesSha256(): string {
  const h = createHash('sha256');
  for (let i = 0; i < N; i++) h.update(patchPixels(i));
  return h.digest('hex');
}

async function writeShard(name: string, compression: ShardCompression, batch: number): Promise<string> {
  const path = join(dir, name);
  const coords = Int32Array.from({ length: 2 * N }, (_, k) => (k % 2 ? 1000 + k : 100_000 + k));
  const w = await ShardWriter.create({
    path,
    coords,
    slideIndex: Int32Array.from({ length: N }, (_, i) => (i < 20 ? 0 : 1)),
    gridIndex: Int32Array.from({ length: N }, (_, i) => (i < 20 ? i : i - 20)),
    chunkPatches: 8,
    compression,
    meta: {
      shardId: 'shard-00003',
      planHash: 'abc123',
      patchSizePx: P,
      stridePx: P,
      slides: [
        { id: 'a-1', name: "a b'$(x).svs", level: 0, downsample: 1, mpp: 0.5, readSizePx: P },
        { id: 'b-2', name: 'b.tif', level: 1, downsample: 4.0001, mpp: Number.NaN, readSizePx: 32 },
      ],
    },
  });
  for (let s = 0; s < N; s += batch) {
    const k = Math.min(batch, N - s);
    const buf = new Uint8Array(k * P * P * 3);
    for (let j = 0; j < k; j++) buf.set(patchPixels(s + j), j * P * P * 3);
    w.writeBatch(buf);
  }
  w.close();
  return path;
}

describe('shard files', () => {
  test.each([
    ['raw', { codec: 'none' } as ShardCompression],
    ['gzip', { codec: 'gzip', level: 4 } as ShardCompression],
  ])('a %s shard written in batches reads back the same in h5py and in our reader', async (name, compression) => {
    const path = await writeShard(`${name}.h5`, compression, 10);
    const py = execFileSync(
      PY,
      [
        '-c',
        `
import h5py, json, sys, hashlib
f = h5py.File(sys.argv[1], 'r')
p = f['patches']
print(json.dumps({'shape': p.shape, 'chunks': p.chunks, 'compression': p.compression, 'dtype': str(p.dtype),
  'p5': p[5].reshape(-1)[:6].tolist(), 'sha': hashlib.sha256(p[:].tobytes()).hexdigest(),
  'coords': f['coords'][:2].tolist(), 'slide_index': f['slide_index'][18:22].tolist(),
  'names': [n.decode() for n in f['slides/name'][:]], 'ds': f['slides/downsample'][:].tolist(),
  'attrs': {k: (v.decode() if isinstance(v, bytes) else (v if isinstance(v, str) else int(v))) for k, v in f.attrs.items()}}))
`,
        path,
      ],
      { encoding: 'utf8' },
    );
    const got = JSON.parse(py);
    expect(got.shape).toEqual([N, P, P, 3]);
    expect(got.chunks).toEqual([8, P, P, 3]);
    expect(got.compression).toBe(compression.codec === 'gzip' ? 'gzip' : null);
    expect(got.dtype).toBe('uint8');
    expect(got.p5).toEqual(Array.from(patchPixels(5).subarray(0, 6)));
    expect(got.sha).toBe(expectedPatchesSha256());
    expect(got.coords).toEqual([
      [100_000, 1001],
      [100_002, 1003],
    ]);
    expect(got.slide_index).toEqual([0, 0, 1, 1]);
    expect(got.names).toEqual(["a b'$(x).svs", 'b.tif']);
    expect(got.ds).toEqual([1, 4.0001]);
    expect(got.attrs).toMatchObject({ layout_version: 1, shard_id: 'shard-00003', plan_hash: 'abc123', patch_size: P, count: N });
    const r = await ShardReader.open(path);
    expect(r.count).toBe(N);
    const b = r.readPatches(30, 10);
    expect(b.count).toBe(7);
    expect(Array.from(b.pixels.subarray(0, P * P * 3))).toEqual(Array.from(patchPixels(30)));
    const all = r.readPatches(0, N);
    expect(all.count).toBe(N);
    expect(
      createHash('sha256')
        .update(all.pixels.subarray(0, N * P * P * 3))
        .digest('hex'),
    ).toBe(expectedPatchesSha256());
    expect(r.readSlideIds()).toEqual(['a-1', 'b-2']);
    r.close();
    const dump = execFileSync('h5dump', ['-H', path], { encoding: 'utf8' });
    expect(dump).toContain(`DATASPACE  SIMPLE { ( ${N}, ${P}, ${P}, 3 ) / ( ${N}, ${P}, ${P}, 3 ) }`);
  });

  test('an LZF-compressed shard is refused, not read as zeros', async () => {
    const path = join(dir, 'lzf.h5');
    execFileSync(PY, [
      '-c',
      `
import h5py, numpy as np, sys
f = h5py.File(sys.argv[1], 'w')
f.create_dataset('patches', data=np.full((4, 8, 8, 3), 200, np.uint8), chunks=(2, 8, 8, 3), compression='lzf')
f.attrs['layout_version'] = 1
`,
      path,
    ]);
    await expect(ShardReader.open(path)).rejects.toMatchObject({
      code: 'SHARD_CORRUPT',
      message: expect.stringMatching(/lzf\.h5: \/patches uses HDF5 filter 32000.*cannot decode/),
    });
  });

  test('a file that is not HDF5 is SHARD_CORRUPT naming the file', async () => {
    const path = join(dir, 'garbage.h5');
    execFileSync('sh', ['-c', `head -c 5000 /dev/urandom > '${path}'`]);
    await expect(ShardReader.open(path)).rejects.toMatchObject({ code: 'SHARD_CORRUPT', message: expect.stringContaining('garbage.h5') });
  });
});
