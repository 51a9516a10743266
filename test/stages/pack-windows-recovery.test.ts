// Window shards on a pyramid level with a non-integer downsample (crops still equal the patch layout),
// gzip, and their crash safety: bytes flipped inside /windows are caught by `pack --verify`, a truncated
// shard by the next `pack`; both are repacked to the same pixels. Built CLI, h5py oracle.
import { execFileSync } from 'node:child_process';
import { mkdir, open, readFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PlanFile } from '../../src/plan/index.js';
import { synthSlide } from '../../src/synth/index.js';
import { cli, makeTempDir, oracle, parseJson, SYSTEM_PYTHON } from '../fixtures/index.js';

const py = (script: string, args: string[]): string => execFileSync(SYSTEM_PYTHON, ['-c', script, ...args], { encoding: 'utf8' });
const readPlan = async (run: string): Promise<PlanFile> => JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));
const shardFiles = (run: string, plan: PlanFile) => plan.shards.list.map((s) => join(run, 'shards', `${s.id}.h5`));

async function planAndPack(slide: string, run: string, args: string[]): Promise<PlanFile> {
  const p = await cli(['plan', slide, '--out', run, '-q', ...args]);
  expect(p.exitCode, String(p.stderr)).toBe(0);
  const r = await cli(['pack', run, '--json']);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return readPlan(run);
}

let tmp: { dir: string; cleanup: () => Promise<void> };
let slide: string;
let common: string[];

beforeAll(async () => {
  tmp = await makeTempDir('pack-windows-recovery');
  // 8001 x 6001 at 0.125 µm/px: level 1 (2001 x 1501, downsample 3.99825) is read unresampled at 0.5 µm/px.
  slide = join(tmp.dir, 'slides', 'odd.tif');
  await synthSlide({ path: slide, width: 8001, height: 6001, mppX: 0.125, seed: 5, hasPenMarks: false });
  // A user mask keeping the lower-right block, where rounding of level coordinates has accumulated most.
  const masks = join(tmp.dir, 'masks');
  await mkdir(masks, { recursive: true });
  const px = Buffer.alloc(100 * 75 * 3);
  for (let y = 40; y < 75; y++) px.fill(255, (y * 100 + 55) * 3, (y * 100 + 100) * 3);
  await sharp(px, { raw: { width: 100, height: 75, channels: 3 } })
    .png()
    .toFile(join(masks, 'odd.png'));
  common = ['--stride', '16', '--masks', masks, '--mask-mode', 'replace'];
}, 120_000);
afterAll(() => tmp?.cleanup());

describe('window shards on a level with a non-integer downsample', () => {
  test('every crop equals the patch layout byte for byte (level 1, downsample 3.998, strideLevel0 63.97)', async () => {
    const wRun = join(tmp.dir, 'odd-windows');
    const pRun = join(tmp.dir, 'odd-patches');
    const w = await planAndPack(slide, wRun, [...common, '--window-positions', '14']);
    const p = await planAndPack(slide, pRun, [...common, '--layout', 'patches']);
    const g = w.slides[0].grid;
    expect(g).toMatchObject({ level: 1, isResampled: false, readSizePx: 224 });
    expect(Number.isInteger(g?.downsample)).toBe(false);
    expect(Number.isInteger(g?.strideLevel0)).toBe(false);
    const c = JSON.parse(
      oracle('window_vs_patches.py', [JSON.stringify({ window: shardFiles(wRun, w)[0], patches: shardFiles(pRun, p) })]),
    );
    expect(c.compared).toBe(p.totals.patches);
    expect(c.compared).toBeGreaterThan(1000);
    expect(c.equal).toBe(c.compared);
    expect(c).toMatchObject({ maskMatches: true, offsetsOnLattice: true, slidesMatch: true });
  }, 240_000);
  test('gzip window shards hold the same window pixels (same checksum) in fewer bytes', async () => {
    const raw = await cli(['pack', join(tmp.dir, 'odd-windows'), '--json', '--verify']);
    const gzRun = join(tmp.dir, 'odd-gzip');
    await planAndPack(slide, gzRun, [...common, '--window-positions', '14', '--compression', 'gzip:6']);
    const rawMarker = JSON.parse(await readFile(join(tmp.dir, 'odd-windows', 'markers', 'pack', 'shard-00000.json'), 'utf8'));
    const gzMarker = JSON.parse(await readFile(join(gzRun, 'markers', 'pack', 'shard-00000.json'), 'utf8'));
    expect(parseJson(raw).shards[0].status).toBe('skipped');
    expect(gzMarker.result.checksum).toBe(rawMarker.result.checksum);
    expect(gzMarker.result.fileBytes).toBeLessThan(rawMarker.result.fileBytes);
    expect(
      py(`import h5py, sys; print(h5py.File(sys.argv[1], 'r')['windows'].compression)`, [join(gzRun, 'shards', 'shard-00000.h5')]).trim(),
    ).toBe('gzip');
  }, 120_000);
});

/** File offset of chunk `i` of /windows (one window per chunk), from h5py. */
function windowChunkOffset(file: string, i: number): { offset: number; size: number } {
  return JSON.parse(
    py(
      `import h5py, sys, json
c = h5py.File(sys.argv[1], 'r')['windows'].id.get_chunk_info(int(sys.argv[2]))
print(json.dumps({'offset': c.byte_offset, 'size': c.size}))`,
      [file, String(i)],
    ),
  );
}

describe('crash safety of window shards', () => {
  test('bytes flipped inside /windows: `pack --verify` repacks the shard (a size-only check cannot see it)', async () => {
    const run = join(tmp.dir, 'corrupt');
    const plan = await planAndPack(slide, run, [...common, '--window-positions', '14']);
    const file = shardFiles(run, plan)[0];
    const marker = JSON.parse(await readFile(join(run, 'markers', 'pack', 'shard-00000.json'), 'utf8'));
    const chunk = windowChunkOffset(file, 5);
    expect(chunk.size).toBe(432 * 432 * 3);
    const fh = await open(file, 'r+');
    const buf = Buffer.alloc(64);
    await fh.read(buf, 0, 64, chunk.offset + 100_000);
    for (let i = 0; i < 64; i++) buf[i] ^= 0xff;
    await fh.write(buf, 0, 64, chunk.offset + 100_000);
    await fh.close();
    const plain = parseJson(await cli(['pack', run, '--json']));
    expect(plain.shards[0].status).toBe('skipped');
    const verified = await cli(['pack', run, '--json', '--verify']);
    expect(verified.exitCode).toBe(0);
    const v = parseJson(verified);
    expect(v.shards[0].status).toBe('done');
    expect(v.shards[0].checksum).toBe(marker.result.checksum);
    // The repacked shard verifies and is skipped from now on.
    expect(parseJson(await cli(['pack', run, '--json', '--verify'])).shards[0].status).toBe('skipped');
  }, 120_000);

  test('a truncated window shard is repacked by the next `pack`, to the same pixels', async () => {
    const run = join(tmp.dir, 'truncated');
    const plan = await planAndPack(slide, run, [...common, '--window-positions', '14']);
    const file = shardFiles(run, plan)[0];
    const marker = JSON.parse(await readFile(join(run, 'markers', 'pack', 'shard-00000.json'), 'utf8'));
    await truncate(file, Math.floor(marker.result.fileBytes / 2));
    const r = await cli(['pack', run, '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(parseJson(r).shards[0]).toMatchObject({ status: 'done', checksum: marker.result.checksum });
    expect((await stat(file)).size).toBe(marker.result.fileBytes);
  }, 120_000);
});
