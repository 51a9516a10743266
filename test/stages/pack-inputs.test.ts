// pack checks its inputs instead of trusting them: a slide changed or missing since planning fails the
// shards that need it (SLIDE_CHANGED), a damaged JPEG tile fails the shards that read it (TILE_CORRUPT) on
// the band path and the per-tile path alike; every other shard is still packed, identically. Built CLI.
import { copyFile, mkdir, open, readFile, rename, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PlanFile } from '../../src/plan/index.js';
import { openSlide } from '../../src/slide/index.js';
import { readTiffStructure } from '../../src/slide/tiff/tiff-structure.js';
import { openPatchSource } from '../../src/stages/pack/patch-source.js';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { middleTile } from '../fixtures/middle-tile.js';

interface ShardResult {
  shard: string;
  status: string;
  checksum?: string;
  error?: { code: string; message: string; hint?: string };
}

let tmp: { dir: string; cleanup: () => Promise<void> };
let cohortDir: string;
let slideFiles: string[];

const readPlan = async (run: string): Promise<PlanFile> => JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));

async function planRun(slides: string, run: string, perShard: number): Promise<PlanFile> {
  const r = await cli(['plan', slides, '--out', run, '--patches-per-shard', String(perShard), '-q']);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return readPlan(run);
}

async function pack(run: string): Promise<{ exitCode: number | undefined; shards: ShardResult[] }> {
  const r = await cli(['pack', run, '--json']);
  return { exitCode: r.exitCode, shards: parseJson(r).shards };
}

beforeAll(async () => {
  tmp = await makeTempDir('pack-inputs');
  cohortDir = join(tmp.dir, 'cohort');
  const cohort = await makeCohort(cohortDir, 2, 3000, 2500, 41);
  slideFiles = cohort.manifest.slides.map((s: { file: string }) => join(cohortDir, s.file));
}, 120_000);
afterAll(() => tmp?.cleanup());

describe('pack: a slide changed since planning', () => {
  // Old code: pack read whatever file was at the path now and exited 0 with patches of the wrong slide.
  test.each([
    ['replaced by another file', 'changed since planning (size'],
    ['rewritten with the same size (only the mtime differs)', 'changed since planning (size'],
    ['deleted', 'slide missing since planning'],
  ])(
    'a slide %s fails the shards that need it with SLIDE_CHANGED; the other shards complete; exit 1',
    async (how, expected) => {
      const dir = join(tmp.dir, `changed-${how.split(' ')[0]}`);
      await mkdir(dir, { recursive: true });
      const [a, b] = [join(dir, 'a.tif'), join(dir, 'b.tif')];
      await copyFile(slideFiles[0], a);
      await copyFile(slideFiles[1], b);
      const run = join(dir, 'run');
      const plan = await planRun(dir, run, 10);
      const victim = plan.slides.find((s) => s.path === b);
      expect(victim?.status).toBe('planned');
      if (how.startsWith('replaced')) await copyFile(slideFiles[0], b);
      else if (how.startsWith('rewritten')) await utimes(b, new Date(), new Date(Date.now() + 5000));
      else await rename(b, `${b}.moved`);
      const usesVictim = new Set(plan.shards.list.filter((s) => s.segments.some((g) => g.slideId === victim?.id)).map((s) => s.id));
      expect(usesVictim.size).toBeGreaterThan(0);
      expect(usesVictim.size).toBeLessThan(plan.shards.list.length);

      const r = await pack(run);
      expect(r.exitCode).toBe(1);
      for (const s of r.shards) {
        if (!usesVictim.has(s.shard)) {
          expect(s.status, s.shard).toBe('done');
          continue;
        }
        expect(s.status, s.shard).toBe('failed');
        expect(s.error?.code).toBe('SLIDE_CHANGED');
        expect(s.error?.message).toContain(`${b}: ${expected}`);
        expect(s.error?.hint).toContain('wsi-hpc plan');
        const marker = JSON.parse(await readFile(join(run, 'markers', 'pack', `${s.shard}.json`), 'utf8'));
        expect(marker).toMatchObject({ status: 'failed', error: { code: 'SLIDE_CHANGED', message: expect.stringContaining(b) } });
      }
      if (how.startsWith('rewritten')) {
        const st = await stat(b);
        expect(r.shards.find((s) => s.status === 'failed')?.error?.message).toContain(
          `mtime ${new Date(victim?.mtimeMs ?? 0).toISOString()} -> ${new Date(Math.trunc(st.mtimeMs)).toISOString()}`,
        );
      }
    },
    120_000,
  );
});

/** Overwrite `bytes` at `offset` of `file`, keeping its size and mtime (damage nobody noticed). */
async function patchInPlace(file: string, offset: number, bytes: Uint8Array): Promise<void> {
  const before = await stat(file);
  const fh = await open(file, 'r+');
  await fh.write(bytes, 0, bytes.length, offset);
  await fh.close();
  await utimes(file, before.atime, before.mtime);
}

/** File offset of TileByteCounts[tile] of IFD `ifd` in a classic little-endian TIFF (LONG counts). */
async function tileByteCountAt(file: string, ifd: number, tile: number): Promise<number> {
  const buf = await readFile(file);
  expect(buf.toString('latin1', 0, 2)).toBe('II');
  expect(buf.readUInt16LE(2)).toBe(42);
  let at = buf.readUInt32LE(4);
  for (let i = 0; i < ifd; i++) at = buf.readUInt32LE(at + 2 + 12 * buf.readUInt16LE(at));
  for (let e = 0; e < buf.readUInt16LE(at); e++) {
    const entry = at + 2 + 12 * e;
    if (buf.readUInt16LE(entry) !== 325) continue;
    expect(buf.readUInt16LE(entry + 2)).toBe(4);
    return buf.readUInt32LE(entry + 8) + 4 * tile;
  }
  throw new Error(`no TileByteCounts in IFD ${ifd}`);
}

/** Fraction of pixels of `rgb` that are exactly (128, 128, 128): libjpeg's fill for data it could not decode. */
function greyFraction(rgb: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < rgb.length; i += 3) if (rgb[i] === 128 && rgb[i + 1] === 128 && rgb[i + 2] === 128) n++;
  return n / (rgb.length / 3);
}

describe('pack: a damaged JPEG tile', () => {
  test.each([
    ['truncated', 'ends without an EOI marker'],
    ['corrupt', 'unexpected marker'],
  ])(
    'a %s level-0 tile fails the shards that read it with TILE_CORRUPT naming the file and tile (old code: flat grey 128 patches, exit 0); other shards are identical',
    async (kind, reason) => {
      const dir = join(tmp.dir, `tile-${kind}`);
      await mkdir(dir, { recursive: true });
      const slide = join(dir, 'damaged.tif');
      await copyFile(slideFiles[0], slide);
      const intact = join(dir, 'run-intact');
      const plan = await planRun(dir, intact, 12);
      const good = await pack(intact);
      expect(good.exitCode).toBe(0);

      // Pick the tile under the middle patch of the grid, and the shards whose patches overlap it.
      const g = plan.slides[0].grid;
      if (!g) throw new Error('slide not planned');
      const { ifd: dirIfd, index, column, row, grid, touches, hit } = await middleTile(intact, plan, slide);
      const [tw, th] = [dirIfd.tileWidth, dirIfd.tileHeight];
      expect(hit.size).toBeGreaterThan(0);
      expect(hit.size).toBeLessThan(plan.shards.list.length);

      // Damage the tile in place; size and mtime stay those of the planned file.
      const offset = dirIfd.tileOffsets[index];
      const length = dirIfd.tileByteCounts[index];
      if (kind === 'truncated') {
        // The tile's TileByteCounts entry cut to 40 %: its JPEG stream stops mid-scan, without EOI.
        const at = await tileByteCountAt(slide, dirIfd.index, index);
        await patchInPlace(slide, at, new Uint8Array(new Uint32Array([Math.floor(length * 0.4)]).buffer));
      } else {
        const junk = new Uint8Array(Math.floor(length / 2)).map((_, i) => (i * 131 + 17) & 255);
        await patchInPlace(slide, offset + Math.floor(length / 4), junk);
      }
      // What the old band path got: libvips' tiffload decodes the damaged tile as grey 128 without an error.
      const old = await sharp(slide, { page: dirIfd.index, failOn: 'warning', limitInputPixels: false })
        .extract({ left: column * tw, top: row * th, width: tw, height: th })
        .raw()
        .toBuffer();
      expect(greyFraction(old)).toBeGreaterThan(0.3);

      const damaged = join(dir, 'run-damaged');
      await planRun(dir, damaged, 12);
      const r = await pack(damaged);
      expect(r.exitCode).toBe(1);
      const before = new Map(good.shards.map((s) => [s.shard, s.checksum]));
      for (const s of r.shards) {
        if (!hit.has(s.shard)) {
          expect(s.status, s.shard).toBe('done');
          expect(s.checksum, s.shard).toBe(before.get(s.shard));
          continue;
        }
        expect(s.status, s.shard).toBe('failed');
        expect(s.error?.code).toBe('TILE_CORRUPT');
        expect(s.error?.message).toContain(
          `${slide}: level ${g.level} (IFD ${dirIfd.index}) tile ${index} at column ${column}, row ${row}`,
        );
        expect(s.error?.message).toContain(reason);
        // Caught by the band path's own tile check (the per-tile reader's message says "cannot decode").
        expect(s.error?.message).not.toContain('cannot decode');
        expect(s.error?.hint).toContain('damaged');
      }

      // The per-tile path (pack's fallback when libvips cannot open the level, and plan's reads) fails alike.
      const reader = await openSlide(slide);
      await expect(reader.readRegion(g.level, column * tw, row * th, tw, th)).rejects.toMatchObject({
        code: 'TILE_CORRUPT',
        message: expect.stringContaining(`${slide}: level ${g.level} (IFD ${dirIfd.index}) tile ${index}`),
      });
      await reader.close();
      const source = await openPatchSource(await readPlan(damaged), damaged, (await readPlan(damaged)).slides[0]);
      const victim = Array.from({ length: grid.tissue.length }, (_, i) => i).find(touches) ?? -1;
      await expect(source.readPatch(victim)).rejects.toMatchObject({
        code: 'TILE_CORRUPT',
        message: expect.stringContaining('cannot decode jpeg tile'),
      });
      const spared = Array.from({ length: grid.tissue.length }, (_, i) => i).find((i) => !touches(i)) ?? -1;
      expect((await source.readPatch(spared)).length).toBe(g.patchSizePx * g.patchSizePx * 3);
      await source.close();
    },
    180_000,
  );
});

describe('plan shares the per-tile decoder', () => {
  test('a corrupt tile of the level plan reads for tissue fails the slide at plan time with TILE_CORRUPT (old code: planned over a grey hole)', async () => {
    const dir = join(tmp.dir, 'plan-tile');
    await mkdir(dir, { recursive: true });
    const slide = join(dir, 'damaged.tif');
    await copyFile(slideFiles[0], slide);
    const intact = await planRun(dir, join(dir, 'run-intact'), 12);
    const ps = intact.slides[0];
    const source = ps.tissue?.sourceLevel ?? -1;
    const level = ps.info?.levels[source];
    const tiff = await readTiffStructure(slide);
    const ifd = tiff.directories.find((d) => d.width === level?.width && d.height === level?.height && d.isTiled);
    await tiff.handle.close();
    if (!ifd) throw new Error(`IFD of level ${source} not found`);
    const index = Math.floor(ifd.tileOffsets.length / 2);
    const length = ifd.tileByteCounts[index];
    await patchInPlace(
      slide,
      ifd.tileOffsets[index] + Math.floor(length / 4),
      new Uint8Array(Math.floor(length / 2)).map((_, i) => (i * 131 + 17) & 255),
    );
    const run = join(dir, 'run-damaged');
    await cli(['plan', dir, '--out', run, '--patches-per-shard', '12', '-q']);
    const planned = (await readPlan(run)).slides[0];
    expect(planned.status).toBe('failed');
    expect(planned.error?.code).toBe('TILE_CORRUPT');
    expect(planned.error?.message).toContain(`${slide}: level ${source} (IFD ${ifd.index}) tile ${index}`);
  }, 120_000);
});
