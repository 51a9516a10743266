// plan counts each slide's patches from its tissue mask before laying the grid: `--stride 1` on a
// 20000 x 15000 slide fails that slide with GRID_TOO_LARGE in seconds (it took hours or ran out of
// memory), nothing else is lost, and --max-grid-patches is the explicit override.
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GRID_LIMITS } from '../../src/grid/index.js';
import type { PlanFile } from '../../src/plan/index.js';
import { synthSlide } from '../../src/synth/index.js';
import { BIN, ROOT, cli, makeTempDir, parseJson } from '../fixtures/index.js';

type SlideJson = {
  name: string;
  status: string;
  patches: number;
  isReused: boolean;
  error?: { code: string; message: string; hint?: string };
};

let tmp: { dir: string; cleanup: () => Promise<void> };
let big: string;
let both: string;

beforeAll(async () => {
  tmp = await makeTempDir('plan-limits');
  both = join(tmp.dir, 'both');
  big = join(both, 'big.tif');
  await synthSlide({ path: big, width: 20000, height: 15000, seed: 3 });
  await synthSlide({ path: join(both, 'small.svs'), width: 2400, height: 2000, seed: 5, flavour: 'aperio' });
}, 120_000);
afterAll(() => tmp?.cleanup());

describe('plan refuses an absurd grid before laying it', () => {
  test('--stride 1 on a 20000 x 15000 slide fails that slide with GRID_TOO_LARGE in seconds', async () => {
    const run = join(tmp.dir, 'stride1');
    const t0 = Date.now();
    // The old code laid all 292 M positions (hours, or out of memory): the timeout turns that hang into a failure.
    const r = await execa('node', [BIN, 'plan', big, '--out', run, '--stride', '1', '--json'], {
      reject: false,
      cwd: ROOT,
      timeout: 60_000,
      killSignal: 'SIGKILL',
    });
    const seconds = (Date.now() - t0) / 1000;
    expect(r.timedOut).toBe(false);
    expect(seconds).toBeLessThan(30);
    expect(r.exitCode, String(r.stderr)).toBe(1);
    expect(String(r.stderr)).not.toMatch(/^\s+at /m);
    const out = parseJson<{ totals: PlanFile['totals']; slides: SlideJson[] }>(r);
    expect(out.totals).toMatchObject({ slides: 1, planned: 0, failed: 1, patches: 0 });
    const error = out.slides[0].error;
    expect(error?.code).toBe('GRID_TOO_LARGE');
    const m =
      /^(.+): --stride 1 with 224 px patches would lay up to ([\d,]+) patches on this slide \(([\d,]+) positions, a ([\d,]+) MiB grid file\), over the limit of 20,000,000 patches per slide$/.exec(
        error?.message ?? '',
      );
    expect(m, error?.message).not.toBeNull();
    const [, file, patches, positions] = m as RegExpExecArray;
    expect(file).toBe(big);
    const count = Number(patches.replaceAll(',', ''));
    expect(count).toBeGreaterThan(GRID_LIMITS.maxPatchesPerSlide);
    expect(Number(positions.replaceAll(',', ''))).toBe(19777 * 14777);
    expect(error?.hint).toBe(`Raise --stride (the default is the patch size, 224), or pass --max-grid-patches ${count} to plan it anyway`);
    // The failure is recorded in plan.json (a rerun plans the slide again); none of its outputs was written.
    const plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')) as PlanFile;
    expect(plan.slides[0]).toMatchObject({ status: 'failed', error: { code: 'GRID_TOO_LARGE' } });
    for (const sub of ['grids', 'masks', 'qc', 'tissue', 'thumbnails']) {
      const entries = existsSync(join(run, sub)) ? await readdir(join(run, sub)) : [];
      expect(entries, sub).toEqual([]);
    }
  }, 90_000);

  test('--max-grid-patches fails only the slide over it, and raising it plans that slide while the other is reused', async () => {
    const run = join(tmp.dir, 'limited');
    const first = await cli(['plan', both, '--out', run, '--json', '--max-grid-patches', '300']);
    expect(first.exitCode, String(first.stderr)).toBe(1);
    const a = parseJson<{ slides: SlideJson[] }>(first).slides;
    const small = a.find((s) => s.name === 'small.svs');
    expect(small).toMatchObject({ status: 'planned' });
    expect(small?.patches).toBeGreaterThan(0);
    expect(a.find((s) => s.name === 'big.tif')?.error).toMatchObject({
      code: 'GRID_TOO_LARGE',
      message: expect.stringMatching(
        /big\.tif: --stride 224 with 224 px patches would lay up to [\d,]+ patches .* over the limit of 300 patches per slide$/,
      ),
    });
    const smallGrid = (JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')) as PlanFile).slides.find(
      (s) => s.name === 'small.svs',
    )?.grid;

    const second = await cli(['plan', both, '--out', run, '--json']);
    expect(second.exitCode, String(second.stderr)).toBe(0);
    const b = parseJson<{ slides: SlideJson[] }>(second).slides;
    expect(b.find((s) => s.name === 'big.tif')).toMatchObject({ status: 'planned', isReused: false });
    expect(b.find((s) => s.name === 'big.tif')?.patches).toBeGreaterThan(300);
    expect(b.find((s) => s.name === 'small.svs')).toMatchObject({ status: 'planned', isReused: true, patches: small?.patches });
    const plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')) as PlanFile;
    expect(plan.slides.find((s) => s.name === 'small.svs')?.grid?.sha256).toBe(smallGrid?.sha256);
  }, 120_000);

  test.each([['0'], ['2.5'], ['-3']])('--max-grid-patches %s is a usage error (exit 2) before anything is written', async (value) => {
    const run = join(tmp.dir, `bad-${value}`);
    const r = await cli(['plan', big, '--out', run, '--json', '--max-grid-patches', value]);
    expect(r.exitCode).toBe(2);
    expect(parseJson<{ error: { code: string; message: string } }>(r).error).toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('Expected `--max-grid-patches` to be a positive integer'),
    });
    expect(existsSync(run)).toBe(false);
  });
});
