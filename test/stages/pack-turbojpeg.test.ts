// pack's JPEG route: TurboJPEG worker threads decode the tiles (the shards say so), with libturbojpeg hidden
// pack warns and libvips writes the very same shards; bit errors inside a tile's entropy data, which leave
// its markers intact, fail the tile (libjpeg's warning) instead of packing garbage; --threads is checked.
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkTurboJpeg } from '../../src/doctor/checks-imaging.js';
import type { PlanFile } from '../../src/plan/index.js';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { middleTile } from '../fixtures/middle-tile.js';

interface ShardResult {
  shard: string;
  status: string;
  checksum?: string;
  decoder?: string;
  error?: { code: string; message: string; hint?: string };
}

let tmp: { dir: string; cleanup: () => Promise<void> };
let cohortDir: string;
let slideFiles: string[];
const HIDDEN = { WSI_HPC_TURBOJPEG: '/nonexistent/libturbojpeg.so.0' };

const readPlan = async (run: string): Promise<PlanFile> => JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));

async function planRun(slides: string, run: string, perShard = 16): Promise<PlanFile> {
  const r = await cli(['plan', slides, '--out', run, '--patches-per-shard', String(perShard), '-q']);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return readPlan(run);
}

async function pack(run: string, env: Record<string, string> = {}, extra: string[] = []) {
  const r = await cli(['pack', run, '--json', ...extra], { env });
  return { exitCode: r.exitCode, stderr: String(r.stderr), shards: parseJson(r).shards as ShardResult[] };
}

beforeAll(async () => {
  tmp = await makeTempDir('pack-turbojpeg');
  cohortDir = join(tmp.dir, 'cohort');
  const cohort = await makeCohort(cohortDir, 2, 3000, 2500, 43);
  slideFiles = cohort.manifest.slides.map((s: { file: string }) => join(cohortDir, s.file));
}, 120_000);
afterAll(() => tmp?.cleanup());

describe('pack: the TurboJPEG route', () => {
  test('decodes with TurboJPEG workers; with libturbojpeg hidden it warns once and libvips writes identical shards', async () => {
    const fast = join(tmp.dir, 'run-turbojpeg');
    await planRun(cohortDir, fast);
    const a = await pack(fast, {}, ['--threads', '2']);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(a.shards.length).toBeGreaterThan(1);
    for (const s of a.shards) expect(s, s.shard).toMatchObject({ status: 'done', decoder: 'turbojpeg' });
    const marker = JSON.parse(await readFile(join(fast, 'markers', 'pack', `${a.shards[0].shard}.json`), 'utf8'));
    expect(marker.result.decoder).toBe('turbojpeg');

    const slow = join(tmp.dir, 'run-libvips');
    await planRun(cohortDir, slow);
    const b = await pack(slow, HIDDEN);
    expect(b.exitCode, b.stderr).toBe(0);
    // One warning naming the library, the cost and the fix.
    expect(b.stderr.match(/warning: /g)?.length).toBe(1);
    expect(b.stderr).toContain('libturbojpeg.so.0');
    expect(b.stderr).toContain('twice the CPU-seconds');
    expect(b.stderr).toContain('apt install libturbojpeg0');
    expect(b.shards.map((s) => [s.shard, s.decoder, s.checksum])).toEqual(a.shards.map((s) => [s.shard, 'libvips', s.checksum]));
  }, 240_000);

  test('bit errors inside a tile’s entropy data (markers intact) fail the shards reading it with TILE_CORRUPT', async () => {
    const dir = join(tmp.dir, 'bit-errors');
    await mkdir(dir, { recursive: true });
    const slide = join(dir, 'flipped.tif');
    await copyFile(slideFiles[0], slide);
    const run = join(dir, 'run');
    const plan = await planRun(dir, run, 4);
    const { ifd, index, column, row, level, hit } = await middleTile(run, plan, slide);
    expect(hit.size).toBeGreaterThan(0);
    expect(hit.size).toBeLessThan(plan.shards.list.length);
    // Flip bits in the middle of the scan without making or breaking a marker (no 0xFF in or out).
    const bytes = await readFile(slide);
    const start = ifd.tileOffsets[index] + Math.floor(ifd.tileByteCounts[index] / 3);
    let flipped = 0;
    for (let at = start; flipped < 48; at += 7) {
      const v = bytes[at] ^ 0x5a;
      if (bytes[at] === 0xff || bytes[at - 1] === 0xff || v === 0xff) continue;
      bytes[at] = v;
      flipped++;
    }
    await writeFile(slide, bytes);
    // Plan again (plan reads a low level, not this tile; the grid is the same): the plan records the new file.
    const damaged = join(dir, 'run-damaged');
    expect((await planRun(dir, damaged, 4)).shards.list.map((sh) => sh.segments)).toEqual(plan.shards.list.map((sh) => sh.segments));
    const r = await pack(damaged);
    expect(r.exitCode).toBe(1);
    const failed = r.shards.filter((s) => s.status === 'failed');
    expect(new Set(failed.map((s) => s.shard))).toEqual(hit);
    for (const s of failed) {
      expect(s.error?.code, s.shard).toBe('TILE_CORRUPT');
      expect(s.error?.message).toContain(`${slide}: level ${level} (IFD ${ifd.index}) tile ${index} at column ${column}, row ${row}`);
      expect(s.error?.hint).toContain('damaged');
      // libjpeg's own warning (e.g. "Corrupt JPEG data: 74 extraneous bytes before marker 0xd9"), made fatal.
      expect(s.error?.message).toMatch(/damaged JPEG data: Corrupt JPEG data|damaged JPEG data: .*(Huffman|marker)/i);
    }
  }, 240_000);

  test('--threads must be a positive integer (exit 2, before any work)', async () => {
    const run = join(tmp.dir, 'run-threads');
    await planRun(cohortDir, run);
    const r = await cli(['pack', run, '--threads', '0', '--json']);
    expect(r.exitCode).toBe(2);
    expect(parseJson(r).error.message).toContain('--threads');
    expect(await readdir(join(run, 'shards')).catch(() => [])).toEqual([]);
  });
});

describe('doctor: TurboJPEG', () => {
  test('ok when libturbojpeg loads, a warning naming the fix when it does not', async () => {
    expect(await checkTurboJpeg(process.env)).toMatchObject({ id: 'turbojpeg', status: 'ok', data: { source: 'libturbojpeg.so.0' } });
    const hidden = await checkTurboJpeg({ ...process.env, ...HIDDEN });
    expect(hidden).toMatchObject({ id: 'turbojpeg', status: 'warn' });
    expect(hidden.finding).toContain('/nonexistent/libturbojpeg.so.0');
    expect(hidden.fix).toContain('apt install libturbojpeg0');
  });
});
