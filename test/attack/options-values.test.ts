// Hostile option values on every stage command: each is refused with exit 2 and a message naming the
// flag the user typed (not the library's field name), before anything is read or written; or, where the
// value is legal but selects nothing, the result says so.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, hashTree, makeCohort, makeTempDir, pathExists } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;
let run: string;
let model: string;

beforeAll(async () => {
  tmp = await makeTempDir('options-values');
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 3000, 2400, 31);
  model = await writeTinyModel(tmp.dir);
  run = join(tmp.dir, 'run');
  const planned = await cli(['plan', slides, '--out', run, '--patches-per-shard', '40', '-q']);
  expect(planned.exitCode, String(planned.stderr)).toBe(0);
}, 120_000);
afterAll(() => tmp?.cleanup());

const exists = pathExists;

/** Exit 2, the message on stderr, no stack trace (cli() checks) and no warning printed before it. */
function expectRefused(r: { exitCode?: number; stderr: unknown }, message: string) {
  expect(r.exitCode, String(r.stderr)).toBe(2);
  expect(String(r.stderr)).toContain(`error: ${message}`);
  expect(String(r.stderr)).not.toContain('warning:');
  expect(String(r.stderr)).not.toContain('internal error');
}

describe('plan', () => {
  test.each([
    [['--patch-size', '0'], 'Expected `--patch-size` to be a positive integer, received `0` (number)'],
    [['--stride', '0'], 'Expected `--stride` to be a positive integer, received `0` (number)'],
    // Was: a "stride under 1/8 of the patch" warning first, then the error under the name `stridePx`.
    [['--stride', '1.5'], 'Expected `--stride` to be a positive integer, received `1.5` (number)'],
    [['--mpp', '-1'], 'Expected `--mpp` to be a positive number, received `-1` (number)'],
    [['--level', '1.5'], 'Expected `--level` to be a non-negative integer, received `1.5` (number)'],
    [['--level', '0', '--mpp', '0.5'], 'Give either `--level` or `--mpp`, not both'],
    [['--min-tissue', '2'], 'Expected `--min-tissue` to be a number between 0 and 1, received `2` (number)'],
    [['--max-grid-patches', '0'], 'Expected `--max-grid-patches` to be a positive integer, received `0` (number)'],
    [['--slide-mpp', '0'], 'Expected `--slide-mpp` to be a positive number, received `0` (number)'],
    [['--mask-mpp', '1e12'], 'Expected `--mask-mpp` to be a number between 2 and 64, received `1000000000000` (number)'],
    [['--min-region-um2', '-1'], 'Expected `--min-region-um2` to be a number between 0 and 1000000000000'],
    [['--max-hole-um2', '-1'], 'Expected `--max-hole-um2` to be a number between 0 and 1000000000000'],
    [['--mask-mode', 'x'], 'Expected `--mask-mode` to be one of "restrict", "replace", received "x"'],
    [['--patches-per-shard', '1.5'], 'Expected `--patches-per-shard` to be a positive integer, received `1.5` (number)'],
    [['--patches-per-shard', '10', '--shard-size', '1GB'], 'Give either `--shard-size` or `--patches-per-shard`, not both'],
    [['--shards-per-task', '0'], 'Expected `--shards-per-task` to be a positive integer, received `0` (number)'],
    [['--compression', 'gzip:12'], 'Expected `--compression` to be none, gzip or gzip:LEVEL with LEVEL 1-9, received `gzip:12`'],
    [['--chunk-patches', '0'], 'Expected `--chunk-patches` to be a positive integer, received `0` (number)'],
    [['--concurrency', '1.5'], 'Expected `--concurrency` to be a positive integer, received `1.5` (number)'],
    // Was: exit 0, every slide planned without its mask.
    [['--masks', 'NO-SUCH-FOLDER'], 'Expected `--masks` to be a folder of masks, received `NO-SUCH-FOLDER` (no such folder)'],
  ])('%j is refused before the run folder exists', async (args, message) => {
    const out = join(tmp.dir, `plan-${args.join('_').replace(/\W+/g, '-')}`);
    const r = await cli(['plan', slides, '--out', out, ...args]);
    expectRefused(r, message);
    expect(await exists(out)).toBe(false);
  });

  // Was: exit 0, the groups ignored (they select polygons of --masks files only).
  test.each([
    [['--tumour-groups', '_0'], '`--tumour-groups` applies to `--masks`'],
    [['--exclude-groups', '_5'], '`--exclude-groups` applies to `--masks`'],
  ])('%j without --masks is refused', async (args, message) => {
    const out = join(tmp.dir, `plan-groups-${args[1]}`);
    const r = await cli(['plan', slides, '--out', out, ...args]);
    expectRefused(r, message);
    expect(String(r.stderr)).toContain(`hint: Add --masks DIR, or leave out ${args[0]}`);
    expect(await exists(out)).toBe(false);
  });

  test('--masks naming a file, not a folder, is refused', async () => {
    const out = join(tmp.dir, 'plan-masks-file');
    const r = await cli(['plan', slides, '--out', out, '--masks', model]);
    expectRefused(r, `Expected \`--masks\` to be a folder of masks, received \`${model}\` (not a folder)`);
    expect(await exists(out)).toBe(false);
  });

  test('a patch larger than the slide (--mpp 1e12) plans 0 patches and says why for each slide', async () => {
    const out = join(tmp.dir, 'plan-huge-mpp');
    const r = await cli(['plan', slides, '--out', out, '--mpp', '1e12', '-q']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const lines = String(r.stderr)
      .split('\n')
      .filter((l) => l.includes('0 patches planned: a patch covers'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/more than the 3000x2400 slide; lower --mpp or --patch-size$/);
  });

  test('--min-tissue 1 with large patches plans 0 patches and names the threshold', async () => {
    const out = join(tmp.dir, 'plan-no-tissue');
    const r = await cli(['plan', slides, '--out', out, '--min-tissue', '1', '--patch-size', '1024', '-q']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stderr)).toMatch(/0 patches planned: no patch has enough tissue; check --min-tissue/);
  });
});

describe('pack, infer and merge leave the run as it was', () => {
  test.each([
    [['pack', '--read-concurrency', '0'], 'Expected `--read-concurrency` to be a positive integer, received `0` (number)'],
    [['pack', '--batch-patches', '-3'], 'Expected `--batch-patches` to be a positive integer, received `-3` (number)'],
    [['infer', '--batch-size', '0'], 'Expected `--batch-size` to be a positive integer, received `0` (number)'],
    [['infer', '--threads', '1.5'], 'Expected `--threads` to be a positive integer, received `1.5` (number)'],
    [['infer', '--device', 'tpu'], 'Expected `--device` to be one of "auto", "cpu", "cuda", received "tpu"'],
    [['merge', '--top-k', '0'], 'Expected `--top-k` to be a positive integer, received `0` (number)'],
    [['merge', '--threshold', '1.5'], 'Expected `--threshold` to be a number between 0 and 1, received `1.5` (number)'],
  ])('%j', async ([command, ...args], message) => {
    const before = await hashTree(run);
    const r = await cli([command, run, ...(command === 'infer' ? ['--model', model] : []), ...args]);
    expectRefused(r, message);
    expect(await hashTree(run)).toEqual(before);
  });
});

describe('synth: a dry run refuses what the real run refuses', () => {
  test.each([
    [['--quality', '0', '--dry-run'], 'Expected `--quality` to be an integer from 1 to 100, received `0` (number)'],
    [['--width', '1e12', '--dry-run'], 'Expected `--width` to be an integer from 64 to 1000000, received `1000000000000` (number)'],
    [['--tile-size', '4096', '--dry-run'], 'Expected `--tile-size` to be an integer from 64 to 2048, received `4096` (number)'],
    [['--mpp', '0', '--dry-run'], 'Expected `--mpp` to be a number from 0.05 to 20 microns per pixel, received `0` (number)'],
    [['--concurrency', '0', '--dry-run'], 'Expected `--concurrency` to be an integer from 1 to 64, received `0` (number)'],
    [['--slides', '1.5'], 'Expected `--slides` to be an integer from 1 to 10000, received `1.5` (number)'],
  ])('%j', async (args, message) => {
    const out = join(tmp.dir, `synth-${args.join('_').replace(/\W+/g, '-')}`);
    const r = await cli(['synth', out, ...args]);
    expectRefused(r, message);
    expect(await exists(out)).toBe(false);
  });
});

describe('study', () => {
  test.each([
    // Was: configuration stride-1.5 started, then `stridePx` refused by plan.
    [['--vary', 'stride=1.5'], 'Expected positive integers for `--vary stride`, received `1.5`'],
    [['--vary', 'batch=2.5'], 'Expected positive integers for `--vary batch`, received `2.5`'],
    // Was: the second --vary stride silently replaced the first.
    [['--vary', 'stride=256', '--vary', 'stride=128'], '`--vary stride` was given twice; give its values once as `--vary stride=V1,V2`'],
    // Was: the empty item dropped without a word.
    [['--vary', 'stride=256,,128'], 'Expected `--vary stride` values without empty items, received `256,,128`'],
    // Was: two configurations named stride-256 sharing one folder.
    [['--vary', 'stride=256,256.0'], '`--vary stride` lists `256` twice, received `256,256.0`'],
    [['--sample', '0'], 'Expected `--sample` to be a positive integer, received `0` (number)'],
    [['--cohort-slides', '1.5'], 'Expected `--cohort-slides` to be a positive integer, received `1.5` (number)'],
    [['--cores', '0'], 'Expected `--cores` to be a positive integer, received `0` (number)'],
  ])('%j is refused before any configuration runs', async (args, message) => {
    const out = join(tmp.dir, `study-${args.join('_').replace(/\W+/g, '-')}`);
    const r = await cli(['study', slides, '--annotations', join(slides, 'annotations'), '--model', model, '--out', out, ...args]);
    expectRefused(r, message);
    expect(String(r.stderr)).not.toContain('configuration');
    expect(await exists(out)).toBe(false);
  });

  // Was: the study folder created and the first configuration planned before evaluate refused the folder.
  test('a missing --annotations folder is refused before the first configuration', async () => {
    const out = join(tmp.dir, 'study-no-annotations');
    const missing = join(tmp.dir, 'no-annotations');
    const r = await cli(['study', slides, '--annotations', missing, '--model', model, '--out', out]);
    expectRefused(r, `Expected \`--annotations\` to be a folder of annotations, received \`${missing}\``);
    expect(String(r.stderr)).not.toContain('configuration');
    expect(await exists(out)).toBe(false);
  });

  // Was: a row of 0 patches, cost 0.0 core-hours and exit 0 without a word: the "cheapest" configuration.
  test('a configuration that plans 0 patches (--vary mpp=1e12) is named in a warning', async () => {
    const out = join(tmp.dir, 'study-zero');
    const r = await cli([
      'study',
      slides,
      '--annotations',
      join(slides, 'annotations'),
      '--model',
      model,
      '--out',
      out,
      '--vary',
      'mpp=1e12',
      '-q',
    ]);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stderr)).toContain('warning: study: mpp-1e12 planned 0 patches on the sample: it has no accuracy');
  });

  test('two models with the same file name are refused (they would share a configuration folder)', async () => {
    const other = join(tmp.dir, 'other');
    await mkdir(other, { recursive: true });
    const twin = await writeTinyModel(other);
    const out = join(tmp.dir, 'study-twins');
    const r = await cli([
      'study',
      slides,
      '--annotations',
      join(slides, 'annotations'),
      '--model',
      model,
      '--out',
      out,
      '--vary',
      `model=${model},${twin}`,
    ]);
    expectRefused(r, 'Two `--vary` configurations are both named `model-tiny-nchw-224`; give models distinct file names');
    expect(await exists(out)).toBe(false);
  });
});

describe('status, report and model inspect', () => {
  test.each([
    // Was: setTimeout overflows past 2^31-1 ms and fires at once: sacct polled in a busy loop.
    [['--watch', '--interval', '1e7'], 'Expected `--interval` to be at most 2147483 seconds (24 days), received `10000000`'],
    [['--watch', '--max-interval', '1e12'], 'Expected `--max-interval` to be at most 2147483 seconds (24 days), received `1000000000000`'],
  ])('status %j', async (args, message) => {
    const r = await cli(['status', run, ...args]);
    expectRefused(r, message);
  });

  test('report --out naming a folder is refused (was: EISDIR, "internal error: please report")', async () => {
    const r = await cli(['report', run, '--out', tmp.dir]);
    expectRefused(r, `Expected \`--out\` to be the path of an HTML file, received \`${tmp.dir}\`, a folder`);
    expect(String(r.stderr)).toContain(`hint: Give a file name, e.g. --out ${join(tmp.dir, 'report.html')}`);
    expect(await exists(join(run, 'report.html'))).toBe(false);
  });

  test('model inspect --card naming a missing card fails like infer (was: a warning and exit 0)', async () => {
    const missing = join(tmp.dir, 'no-such-card.json');
    const r = await cli(['model', 'inspect', model, '--card', missing]);
    expect(r.exitCode, String(r.stderr)).toBe(1);
    expect(String(r.stderr)).toContain(`error: ${missing}: no model card for ${model}`);
    const bad = join(tmp.dir, 'bad-card.json');
    await writeFile(bad, '{}');
    const b = await cli(['model', 'inspect', model, '--card', bad]);
    expect(b.exitCode, String(b.stderr)).toBe(1);
    expect(String(b.stderr)).toContain(`error: ${bad}: invalid model card`);
    // Without --card, a model with no card beside it is still inspected (with a note).
    expect((await cli(['model', 'inspect', model])).exitCode).toBe(0);
  });
});
