// No option is accepted and ignored: `run --executor local` refuses SLURM-only options, `run --dry-run`
// runs nothing, `run --executor slurm` passes --threads to its infer tasks, `status --interval` must be
// positive, and `--dry-run` with `--test-only` is refused. Each refusal exits 2 and leaves the run as it was.
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SLURM_ONLY_OPTIONS } from '../../src/cli/commands/run.js';
import { STAGE_RESOURCE_FLAGS, type StageResourceFlag } from '../../src/cli/stage-resource-options.js';
import { cli, hashTree, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let run: string;
let model: string;

beforeAll(async () => {
  tmp = await makeTempDir('run-options');
  const slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 1, 3000, 2400, 23);
  model = await writeTinyModel(tmp.dir);
  run = join(tmp.dir, 'run');
  const planned = await cli(['plan', slides, '--out', run, '--patches-per-shard', '30', '-q']);
  expect(planned.exitCode, String(planned.stderr)).toBe(0);
}, 120_000);
afterAll(() => tmp?.cleanup());

// A value each option accepts under --executor slurm; booleans take none.
const sample: Record<(typeof SLURM_ONLY_OPTIONS)[number], string | null> = {
  partition: 'gpu',
  account: 'lab',
  qos: 'normal',
  time: '01:00:00',
  'mem-gb': '4',
  'cpus-per-task': '2',
  'pack-cpus': '2',
  'infer-cpus': '2',
  gpus: '1',
  'infer-gpus': '1',
  constraint: 'a100',
  gres: 'gpu:1',
  ...(Object.fromEntries(
    STAGE_RESOURCE_FLAGS.map((f) => [f, f.endsWith('mem-gb') ? '4' : f.endsWith('time') ? '01:00:00' : 'x']),
  ) as Record<StageResourceFlag, string>),
  throttle: '4',
  setup: 'module load x',
  'max-array-size': '8',
  'max-job-count': '100',
  'test-only': null,
  force: null,
};

describe('run --executor local', () => {
  test.each(SLURM_ONLY_OPTIONS.map((o) => [o]))('refuses --%s (it applies to --executor slurm)', async (option) => {
    const before = await hashTree(run);
    const value = sample[option];
    const r = await cli(['run', run, '--model', model, `--${option}`, ...(value === null ? [] : [value])]);
    expect(r.exitCode, String(r.stderr)).toBe(2);
    expect(String(r.stderr)).toContain(`error: \`--${option}\` applies to \`--executor slurm\`; the local executor cannot use it`);
    expect(String(r.stderr)).toContain('hint: Add --executor slurm');
    expect(await hashTree(run)).toEqual(before);
  });

  test('names every SLURM-only option given at once', async () => {
    const r = await cli(['run', run, '--model', model, '--partition', 'gpu', '--throttle', '3', '--json']);
    expect(r.exitCode).toBe(2);
    expect(parseJson(r).error).toMatchObject({
      code: 'INVALID_OPTION',
      message: '`--partition`, `--throttle` apply to `--executor slurm`; the local executor cannot use them',
    });
  });

  test('--dry-run says what would run and runs nothing', async () => {
    const before = await hashTree(run);
    const plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));
    const r = await cli(['run', run, '--model', model, '--dry-run']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const tasks = plan.tasks.pack.length;
    const shards = plan.shards.list.length;
    // The local executor spreads the cores over the tasks (at least 1 CPU each); merge gets every core.
    const cores = availableParallelism();
    const cpus = Math.max(1, Math.floor(cores / tasks));
    expect(String(r.stdout)).toBe(
      `pack: ${tasks} task(s), ${shards} shard(s), ${cpus} CPU(s) per task\ninfer: ${tasks} task(s), ${shards} shard(s), ${cpus} CPU(s) per task with ${model}\nmerge: one task over every slide, ${cores} CPU(s) per task\ndry run: nothing run (${cores} cores here)`,
    );
    expect(await hashTree(run)).toEqual(before);
    const j = parseJson(await cli(['run', run, '--stages', 'pack', '--dry-run', '--json']));
    expect(j).toEqual({ dryRun: true, run, model: null, stages: [{ stage: 'pack', tasks, shards, cpusPerTask: cpus }], cores });
    expect(await hashTree(run)).toEqual(before);
  });

  test('--dry-run without --model for infer is refused like the run itself', async () => {
    const r = await cli(['run', run, '--dry-run']);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toContain('The infer stage needs --model M.onnx');
  });
});

describe('run --executor slurm', () => {
  test('--threads reaches the infer tasks, and --dry-run prints the scripts instead of claiming a submission', async () => {
    const before = await hashTree(run);
    const r = await cli([
      'run',
      run,
      '--executor',
      'slurm',
      '--model',
      model,
      '--threads',
      '3',
      '--dry-run',
      '--max-array-size',
      '8',
      '--max-job-count',
      '100',
    ]);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const out = String(r.stdout);
    expect(out).toMatch(/#SBATCH/);
    expect(out).toMatch(/bin.js infer \S+ --quiet --model \S+ --threads 3 &/);
    expect(out).toContain('dry run: nothing submitted');
    expect(out).not.toContain('submitted 0');
    expect(await hashTree(run)).toEqual(before);
  });

  test('--dry-run and --test-only together are refused', async () => {
    const r = await cli(['submit', run, '--model', model, '--dry-run', '--test-only']);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toContain('error: `--dry-run` and `--test-only` exclude each other');
  });
});

describe('stage options outside --stages', () => {
  test.each([
    [['run', '--stages', 'pack', '--model', 'M'], 'model', 'infer'],
    [['run', '--stages', 'pack,merge', '--batch-size', '8'], 'batch-size', 'infer'],
    [['run', '--stages', 'infer', '--model', 'M', '--executor', 'slurm', '--pack-cpus', '2'], 'pack-cpus', 'pack'],
    [['submit', '--stages', 'pack', '--threads', '2'], null, null],
    [['submit', '--stages', 'merge', '--infer-gpus', '1'], 'infer-gpus', 'infer'],
    [['resubmit', '--stages', 'pack', '--model', 'M'], 'model', 'infer'],
  ])('%j is refused', async (args, option, stage) => {
    const before = await hashTree(run);
    const [command, ...rest] = args.map((a) => (a === 'M' ? model : a));
    const r = await cli([command, run, ...rest, '--dry-run']);
    expect(r.exitCode).toBe(2);
    // submit has no --threads at all: yargs refuses it as unknown.
    if (option === null) expect(String(r.stderr)).toContain('error: Unknown option `--threads`');
    else expect(String(r.stderr)).toContain(`error: \`--${option}\` applies to the ${stage} stage, which \`--stages`);
    expect(await hashTree(run)).toEqual(before);
  });
});

describe('plan', () => {
  test('--stain-target without --stain-norm macenko is refused, not ignored', async () => {
    const before = await hashTree(run);
    const r = await cli(['plan', join(tmp.dir, 'slides'), '--out', run, '--stain-target', join(tmp.dir, 'target.png')]);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toContain(
      'error: `--stain-target` applies to `--stain-norm macenko`\nhint: Add --stain-norm macenko, or leave out --stain-target',
    );
    expect(await hashTree(run)).toEqual(before);
  });
});

describe('status --interval', () => {
  test.each([
    [['--interval', '0'], 'Expected `--interval` to be a positive number, received `0` (number)'],
    [['--interval', '-1'], 'Expected `--interval` to be a positive number, received `-1` (number)'],
    [['--max-interval', '0'], 'Expected `--max-interval` to be a positive number, received `0` (number)'],
  ])('%j is refused', async (args, message) => {
    const r = await cli(['status', run, '--watch', ...args]);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toContain(`error: ${message}`);
  });

  test('without --watch, --interval and --max-interval are refused instead of ignored', async () => {
    for (const option of ['--interval', '--max-interval']) {
      const r = await cli(['status', run, option, '10']);
      expect(r.exitCode).toBe(2);
      expect(String(r.stderr)).toContain(`error: \`${option}\` applies to \`--watch\`\nhint: Add --watch, or leave out ${option}`);
    }
    const plain = await cli(['status', run, '--json']);
    expect(plain.exitCode, String(plain.stderr)).toBe(0);
    expect(parseJson(plain).stages.map((s: { stage: string }) => s.stage)).toEqual(['pack', 'infer', 'merge']);
  });
});
