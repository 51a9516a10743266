// Content checksums of shards (issue 15): new markers record xxh64; runs packed with xxh128 markers
// still pass infer's check and `pack --verify`; a flipped pixel is caught with either algorithm; an
// unknown algorithm is repacked by --verify. Pixels read independently with h5py; built CLI.
import { execFileSync } from 'node:child_process';
import { copyFile, cp, open, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createXXHash64, createXXHash128 } from 'hash-wasm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WsiHpcError } from '../../src/errors.js';
import { ShardReader, ShardWriter } from '../../src/hdf5/index.js';
import { verifyWrittenShard } from '../../src/stages/pack/pack-shard.js';
import { cli, makeCohort, makeTempDir, parseJson, SYSTEM_PYTHON } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let base: string;
let model: string;
let n = 0;

beforeAll(async () => {
  tmp = await makeTempDir('pack-checksum');
  const slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 3000, 2500, 7);
  base = join(tmp.dir, 'base');
  expect((await cli(['plan', slides, '--out', base, '--patches-per-shard', '30', '-q'])).exitCode).toBe(0);
  const r = await cli(['pack', base, '--json']);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  model = await writeTinyModel(tmp.dir);
}, 180_000);
afterAll(() => tmp?.cleanup());

async function copyRun(): Promise<string> {
  const run = join(tmp.dir, `run-${n++}`);
  await cp(base, run, { recursive: true });
  return run;
}

/** The /patches bytes of a shard, in order, as h5py reads them. */
function h5pyPixels(file: string): Buffer {
  return execFileSync(
    SYSTEM_PYTHON,
    ['-c', `import h5py, sys; sys.stdout.buffer.write(h5py.File(sys.argv[1], 'r')['patches'][()].tobytes())`, file],
    { maxBuffer: 512 * 2 ** 20 },
  );
}

/** File offset of chunk 0 of /patches (h5py). */
function firstChunkOffset(file: string): number {
  const script = `import h5py, sys; print(h5py.File(sys.argv[1], 'r')['patches'].id.get_chunk_info(0).byte_offset)`;
  return Number(execFileSync(SYSTEM_PYTHON, ['-c', script, file], { encoding: 'utf8' }).trim());
}

async function flipByte(file: string, at: number): Promise<void> {
  const fh = await open(file, 'r+');
  const b = Buffer.alloc(1);
  await fh.read(b, 0, 1, at);
  b[0] ^= 0xff;
  await fh.write(b, 0, 1, at);
  await fh.close();
}

async function xxh(algorithm: 'xxh64' | 'xxh128', data: Uint8Array): Promise<string> {
  const h = algorithm === 'xxh64' ? await createXXHash64() : await createXXHash128();
  h.init();
  h.update(data);
  return h.digest('hex');
}

const packMarkers = async (run: string) => (await readdir(join(run, 'markers', 'pack'))).filter((f) => f.endsWith('.json')).sort();
const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8'));

/** Rewrites every pack marker as an older run would have it: the xxh128 of the pixels (or another algorithm's name). */
async function rewriteMarkers(run: string, algorithm: string): Promise<void> {
  for (const name of await packMarkers(run)) {
    const path = join(run, 'markers', 'pack', name);
    const m = await readJson(path);
    const pixels = h5pyPixels(join(run, m.result.file));
    m.result.checksum = await xxh('xxh128', pixels);
    m.result.checksumAlgorithm = algorithm;
    await writeFile(path, JSON.stringify(m));
  }
}

/** Every pack marker of `run` records xxh64 and the xxh64 of the pixels h5py reads. */
async function expectXxh64Markers(run: string): Promise<void> {
  for (const name of await packMarkers(run)) {
    const m = await readJson(join(run, 'markers', 'pack', name));
    expect(m.result.checksumAlgorithm).toBe('xxh64');
    expect(m.result.checksum).toBe(await xxh('xxh64', h5pyPixels(join(run, m.result.file))));
  }
}

const statuses = (r: Awaited<ReturnType<typeof cli>>) => parseJson(r).shards.map((s: { status: string }) => s.status);

describe('shard content checksums', () => {
  test('new pack markers record xxh64 of the pixels h5py reads', async () => {
    const names = await packMarkers(base);
    expect(names.length).toBeGreaterThan(1);
    await expectXxh64Markers(base);
  }, 60_000);

  test('a run packed with xxh128 markers passes `pack --verify` (skipped) and infer; a flipped pixel is SHARD_CORRUPT', async () => {
    const run = await copyRun();
    await rewriteMarkers(run, 'xxh128');
    const v = await cli(['pack', run, '--json', '--verify']);
    expect(v.exitCode, String(v.stderr)).toBe(0);
    expect(statuses(v).every((s: string) => s === 'skipped')).toBe(true);
    const shard = join(run, 'shards', 'shard-00001.h5');
    await flipByte(shard, firstChunkOffset(shard) + 5000);
    const r = await cli(['infer', run, '--model', model, '--json']);
    expect(r.exitCode).toBe(1);
    const shards = parseJson(r).shards;
    const failed = shards.filter((s: { status: string }) => s.status === 'failed');
    expect(failed.map((s: { shard: string }) => s.shard)).toEqual(['shard-00001']);
    expect(failed[0].error.code).toBe('SHARD_CORRUPT');
    expect(failed[0].error.message).toContain(`${shard}: patch pixels differ from those pack wrote (checksum mismatch)`);
    // Every other shard (intact, xxh128 marker) was checked and inferred.
    expect(shards.filter((s: { status: string }) => s.status === 'done').length).toBe(shards.length - 1);
  }, 180_000);

  test('with an xxh64 marker, a flipped pixel fails infer with SHARD_CORRUPT', async () => {
    const run = await copyRun();
    const shard = join(run, 'shards', 'shard-00000.h5');
    await flipByte(shard, firstChunkOffset(shard) + 7777);
    const r = await cli(['infer', run, '--model', model, '--json']);
    expect(r.exitCode).toBe(1);
    const failed = parseJson(r).shards.filter((s: { status: string }) => s.status === 'failed');
    expect(failed.map((s: { shard: string }) => s.shard)).toEqual(['shard-00000']);
    expect(failed[0].error.code).toBe('SHARD_CORRUPT');
  }, 180_000);

  test('`pack --verify` repacks a shard whose pixels changed after its marker, to the original checksum', async () => {
    const run = await copyRun();
    const shard = join(run, 'shards', 'shard-00000.h5');
    const before = await readJson(join(run, 'markers', 'pack', 'shard-00000.json'));
    await flipByte(shard, firstChunkOffset(shard) + 12345);
    expect(await xxh('xxh64', h5pyPixels(shard))).not.toBe(before.result.checksum);
    expect(statuses(await cli(['pack', run, '--json']))[0]).toBe('skipped');
    const v = await cli(['pack', run, '--json', '--verify']);
    expect(v.exitCode, String(v.stderr)).toBe(0);
    const s = parseJson(v).shards;
    expect(s[0]).toMatchObject({ shard: 'shard-00000', status: 'done', checksum: before.result.checksum });
    expect(s.slice(1).every((x: { status: string }) => x.status === 'skipped')).toBe(true);
    expect(await xxh('xxh64', h5pyPixels(shard))).toBe(before.result.checksum);
  }, 180_000);

  test('`pack --verify` repacks shards whose marker names an unknown checksum algorithm; markers then record xxh64', async () => {
    const run = await copyRun();
    await rewriteMarkers(run, 'sha3-512');
    const v = await cli(['pack', run, '--json', '--verify']);
    expect(v.exitCode, String(v.stderr)).toBe(0);
    expect(statuses(v).every((s: string) => s === 'done')).toBe(true);
    await expectXxh64Markers(run);
  }, 180_000);
});

describe('reading a shard back for verification', () => {
  test('scanPixels hands over every patch in order in batches that do not divide the count (= h5py bytes)', async () => {
    const file = join(base, 'shards', 'shard-00000.h5');
    const reader = await ShardReader.open(file);
    const parts: Buffer[] = [];
    try {
      // 7 patches per batch: views into h5wasm's heap, copied here only to compare.
      await reader.scanPixels((v) => parts.push(Buffer.from(v)), 7 * 224 * 224 * 3);
    } finally {
      reader.close();
    }
    expect(parts.length).toBe(Math.ceil(reader.units / 7));
    expect(Buffer.concat(parts).equals(h5pyPixels(file))).toBe(true);
  }, 60_000);

  async function rejection(p: Promise<unknown>): Promise<WsiHpcError> {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WsiHpcError);
    return err as WsiHpcError;
  }

  test('verifyWrittenShard: intact passes; a flipped pixel and a truncated file are SHARD_WRITE_FAILED naming the shard', async () => {
    const marker = await readJson(join(base, 'markers', 'pack', 'shard-00000.json'));
    const expected = { patches: marker.result.patches, checksum: marker.result.checksum };
    const file = join(tmp.dir, 'verify', 'shard-00000.h5');
    const written = join(base, 'shards', 'shard-00000.h5');
    const tmpFile = join(tmp.dir, `.tmp-verify-${n++}.h5`);
    await copyFile(written, tmpFile);
    await expect(verifyWrittenShard(tmpFile, file, expected)).resolves.toBeUndefined();

    await flipByte(tmpFile, firstChunkOffset(tmpFile) + 4242);
    const flipped = await rejection(verifyWrittenShard(tmpFile, file, expected));
    expect(flipped.code).toBe('SHARD_WRITE_FAILED');
    expect(flipped.message).toBe(
      `${file}: verification failed after writing (${expected.patches}/${expected.patches} patches, checksum mismatch)`,
    );
    expect(flipped.file).toBe(file);

    await copyFile(written, tmpFile);
    await truncate(tmpFile, Math.floor((await stat(tmpFile)).size / 2));
    const cut = await rejection(verifyWrittenShard(tmpFile, file, expected));
    expect(cut.code).toBe('SHARD_WRITE_FAILED');
    expect(cut.file).toBe(file);
    expect(cut.message.startsWith(`${file}: verification failed after writing (`)).toBe(true);
    expect(cut.message).toContain(tmpFile);
    expect(cut.message).toMatch(/truncated or damaged/);
    expect(cut.message).not.toMatch(/HDF5-DIAG|RuntimeError|wasm|\n/);
  }, 60_000);

  test('a damaged gzip chunk is SHARD_CORRUPT naming the file and the rows, for verification and infer (HDF5 returns a status, it does not throw)', async () => {
    const path = join(tmp.dir, 'damaged-gzip.h5');
    const count = 40;
    const bytes = 224 * 224 * 3;
    const w = await ShardWriter.create({
      path,
      coords: new Int32Array(2 * count),
      slideIndex: new Int32Array(count),
      gridIndex: new Int32Array(count),
      chunkPatches: 8,
      compression: { codec: 'gzip', level: 4 },
      meta: {
        shardId: 'shard-00000',
        planHash: 'p',
        patchSizePx: 224,
        stridePx: 224,
        slides: [{ id: 's', name: 's.tif', level: 0, downsample: 1, mpp: 0.5, readSizePx: 224 }],
      },
    });
    const pixels = new Uint8Array(count * bytes);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7) % 251;
    w.writeBatch(pixels);
    w.close();
    const script = `import h5py, sys; print(h5py.File(sys.argv[1], 'r')['patches'].id.get_chunk_info(2).byte_offset)`;
    const chunk2 = Number(execFileSync(SYSTEM_PYTHON, ['-c', script, path], { encoding: 'utf8' }).trim());
    const fh = await open(path, 'r+');
    await fh.write(Buffer.alloc(200, 0x55), 0, 200, chunk2 + 10);
    await fh.close();
    const reader = await ShardReader.open(path);
    let batches = 0;
    try {
      const err = await rejection(reader.scanPixels(() => void batches++, 8 * bytes));
      expect(err.code).toBe('SHARD_CORRUPT');
      expect(err.message).toBe(`${path}: HDF5 cannot read /patches [16, 24) (truncated or damaged?)`);
    } finally {
      reader.close();
    }
    expect(batches).toBe(2);
    // Infer's reader too: the damaged rows fail, the intact ones read exactly what was written.
    const again = await ShardReader.open(path);
    try {
      expect(() => again.readPatches(12, 8)).toThrow(
        expect.objectContaining({ code: 'SHARD_CORRUPT', message: `${path}: HDF5 cannot read /patches [12, 20) (truncated or damaged?)` }),
      );
      const intact = again.readPatches(32, 100);
      expect(intact.count).toBe(8);
      expect(Buffer.compare(Buffer.from(intact.pixels), Buffer.from(pixels.subarray(32 * bytes)))).toBe(0);
    } finally {
      again.close();
    }
    const v = await rejection(verifyWrittenShard(path, join(tmp.dir, 'shard-00000.h5'), { patches: count, checksum: 'x' }));
    expect(v.code).toBe('SHARD_WRITE_FAILED');
    expect(v.message).toContain(`(${path}: HDF5 cannot read /patches [0, 40) (truncated or damaged?))`);
  }, 60_000);
});
