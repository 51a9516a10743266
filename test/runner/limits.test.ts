// Absurd requests are caught before they cost hours: --threads beyond the cores is capped, a batch
// that cannot fit in memory is refused, a tissue mask over the pixel limit fails with a hint, and
// plan warns (submit refuses without --force) about shards beyond the free space and --stride 1.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PLAUSIBLE_PLAN, planConcerns } from '../../src/plan/index.js';
import { ACTIVATION_FACTOR, checkBatchMemory } from '../../src/runner/batch-memory.js';
import { chooseThreads } from '../../src/runner/device.js';
import { MAX_MASK_PIXELS } from '../../src/tissue/thumbnail.js';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';
import { makeDir, mountTmpfs, unmountAll } from '../fixtures/tmpfs.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;
let model: string;
let run: string;

beforeAll(async () => {
  tmp = await makeTempDir('limits');
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 1, 4000, 3000, 21);
  model = await writeTinyModel(await makeDir(join(tmp.dir, 'models')));
  run = join(tmp.dir, 'run');
  expect((await cli(['plan', slides, '--out', run, '-q'])).exitCode).toBe(0);
  expect((await cli(['pack', run, '-q'])).exitCode).toBe(0);
}, 120_000);

afterAll(async () => {
  unmountAll();
  await tmp?.cleanup();
});

const cores = availableParallelism();
const submitArgs = (dir: string) => ['submit', dir, '--model', model, '--max-array-size', '1000', '--max-job-count', '10000', '--dry-run'];

describe('--threads', () => {
  test.each([
    ['--threads within the cores is kept', 1, {}, 1, undefined],
    [
      '--threads 1,000,000 is capped to the cores',
      1_000_000,
      {},
      4,
      /--threads asks for 1000000 threads but this machine has 4 cores; using 4/,
    ],
    ['SLURM_CPUS_PER_TASK beyond the cores is capped', undefined, { SLURM_CPUS_PER_TASK: '64' }, 4, /SLURM_CPUS_PER_TASK asks for 64/],
  ])('%s', (_name, explicit, env, threads, warning) => {
    const choice = chooseThreads(explicit, env, 4);
    expect(choice.threads).toBe(threads);
    if (warning) expect(choice.warning).toMatch(warning);
    else expect(choice.warning).toBeUndefined();
  });

  test('infer --threads 1000000 runs with the cores of this machine and says so', async () => {
    const r = await cli(['infer', run, '--model', model, '--threads', '1000000', '--device', 'cpu', '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(parseJson(r).threads).toBe(cores);
    expect(String(r.stderr)).toContain(`warning: --threads asks for 1000000 threads but this machine has ${cores} cores; using ${cores}`);
  }, 60_000);
});

describe('--batch-size', () => {
  const GiB = 2 ** 30;

  test('a batch beyond the memory is refused with the figure and a batch that fits', () => {
    expect(() => checkBatchMemory(100_000, 224, { total: 16 * GiB, free: 8 * GiB })).toThrow(
      expect.objectContaining({
        code: 'RESOURCE_LIMIT',
        message: `--batch-size 100000 needs at least 448.6 GiB for its tensors (100000 x 224² x 3 x 4 bytes x ${ACTIVATION_FACTOR} = 448.6 GiB) but this machine has 16.0 GiB of memory`,
        hint: expect.stringMatching(/^Use --batch-size 1024 or less/),
      }),
    );
  });

  test('a batch beyond the free memory only warns; a small one passes', () => {
    expect(checkBatchMemory(2048, 224, { total: 16 * GiB, free: 4 * GiB }).warning).toMatch(/only 4.0 GiB of memory is free/);
    expect(checkBatchMemory(64, 224, { total: 16 * GiB, free: 4 * GiB }).warning).toBeUndefined();
  });

  test('infer --batch-size 100000000 exits 2 naming --batch-size before loading the model', async () => {
    const r = await cli(['infer', run, '--model', model, '--batch-size', '100000000']);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toMatch(/^error: --batch-size 100000000 needs at least [\d.]+ TiB for its tensors/m);
    expect(String(r.stderr)).not.toMatch(/^\s+at /m);
  }, 60_000);
});

describe('tissue mask pixel limit', () => {
  test('a --mask-mpp that would read a whole 60 M pixel level fails the slide with SLIDE_TOO_LARGE and a hint', async () => {
    const flat = join(tmp.dir, 'flat');
    await makeDir(flat);
    const slide = join(flat, 'pink.tif');
    execFileSync('sh', [
      '-c',
      `vips black "$1/b.v" 10000 6000 --bands 3 && vips linear "$1/b.v" "$1/p.v" "0 0 0" "230 160 200" --uchar && vips tiffsave "$1/p.v" "$2" --tile --pyramid --compression jpeg && rm "$1"/*.v`,
      'sh',
      flat,
      slide,
    ]);
    expect(10000 * 6000).toBeGreaterThan(MAX_MASK_PIXELS);
    const r = await cli(['plan', slide, '--out', join(tmp.dir, 'run-mask'), '--slide-mpp', '2', '--mask-mpp', '2', '--dry-run', '--json']);
    expect(r.exitCode).toBe(1);
    const [s] = parseJson(r).slides;
    expect(s.error.code).toBe('SLIDE_TOO_LARGE');
    expect(s.error.message).toContain('a tissue mask at --mask-mpp 2 would be 10000x6000 pixels, over the limit of 50 M pixels');
    expect(s.error.hint).toMatch(/^Raise --mask-mpp to 2.2 µm\/px or more/);
    // The default mask resolution plans the same slide.
    const ok = await cli(['plan', slide, '--out', join(tmp.dir, 'run-mask'), '--slide-mpp', '2', '--dry-run', '--json']);
    expect(ok.exitCode, String(ok.stderr)).toBe(0);
  }, 120_000);
});

describe('plan warns and submit refuses', () => {
  test.each([
    ['shards beyond the free space', { bytesToWrite: 3 * 2 ** 30, freeBytes: 2 ** 30 }, ['disk']],
    ['a stride of 1', { stridePx: 1 }, ['stride']],
    [
      'more than a million patches on a slide',
      { slides: [{ name: 'a.svs', patches: PLAUSIBLE_PLAN.maxPatchesPerSlide + 1 }] },
      ['patches'],
    ],
    ['an ordinary plan', {}, []],
    ['a stride of 28 (1/8 of 224) still passes', { stridePx: 28 }, []],
  ])('%s', (_name, override, kinds) => {
    const base = {
      patchSizePx: 224,
      stridePx: 224,
      slides: [{ name: 'a.svs', patches: 50_000 }],
      totalPatches: 50_000,
      bytesToWrite: 2 ** 30,
      isCompressed: false,
      freeBytes: 10 * 2 ** 30,
      runDir: '/runs/r1',
    };
    expect(planConcerns({ ...base, ...override }).map((c) => c.kind)).toEqual(kinds);
  });

  test('plan into a folder with too little space warns with the figures; submit refuses unless --force', async () => {
    const mnt = await makeDir(join(tmp.dir, 'small'));
    mountTmpfs(mnt, '2m');
    const small = join(mnt, 'run');
    const r = await cli(['plan', slides, '--out', small, '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const [warning] = parseJson(r).warnings;
    expect(warning).toMatch(new RegExp(`^the shards need [\\d.]+ GiB but only 0.0 GiB is free where ${small} lives$`));
    expect(String(r.stderr)).toContain(`warning: ${warning}; \`wsi-hpc submit\` refuses this plan without --force`);
    const refused = await cli(submitArgs(small));
    expect(refused.exitCode).toBe(2);
    expect(String(refused.stderr)).toContain(`error: Not submitting: ${warning}`);
    expect(String(refused.stderr)).toMatch(/^hint: .*pass --force/m);
    expect((await cli([...submitArgs(small), '--force'])).exitCode).toBe(0);
  }, 60_000);

  test('plan --stride 1 warns with the patch count and the stride; submit refuses it unless --force', async () => {
    const dense = join(tmp.dir, 'run-stride1');
    // A patch layout stores every patch: the patch count is the concern (window plans are judged by tissue area).
    const r = await cli(['plan', slides, '--out', dense, '--stride', '1', '--layout', 'patches', '--patches-per-shard', '1000000']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const stderr = String(r.stderr);
    expect(stderr).toMatch(
      /^warning: 1 slide\(s\) have more than 1,000,000 patches \(slide-001\.tif: [\d,]+\); [\d,]+ patches would take about \d+ core-hours/m,
    );
    expect(stderr).toContain('warning: --stride 1 is under 1/8 of the 224 px patch: each pixel lands in about 50176 patches');
    const refused = await cli(submitArgs(dense));
    expect(refused.exitCode).toBe(2);
    expect(String(refused.stderr)).toMatch(/^error: Not submitting: .*1 slide\(s\) have more than 1,000,000 patches/m);
    expect((await cli([...submitArgs(dense), '--force'])).exitCode).toBe(0);
  }, 120_000);
});
