// `submit SLIDES --out RUN` and `plan --executor slurm` without a scheduler: dry runs (both limits given, so
// no cluster is asked) print the plan array and assemble scripts and write nothing; every usage error stops
// with exit 2 before anything is written; hostile slide names stay data (in the request, never in a script).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, hashTree, makeCohort, makeTempDir, parseJson, pathExists } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;
let model: string;
const limits = ['--max-array-size', '2', '--max-job-count', '1000'];

beforeAll(async () => {
  tmp = await makeTempDir('submit-slides');
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 3, 1200, 900, 7);
  model = await writeTinyModel(tmp.dir);
}, 120_000);
afterAll(() => tmp?.cleanup());

describe('submit SLIDES --out RUN --dry-run', () => {
  test('3 slides, 1 per task, MaxArraySize 2: two plan arrays (offsets 0 and 2) and one assemble job; nothing written', async () => {
    const run = join(tmp.dir, 'dry');
    const r = await cli([
      'submit',
      slides,
      '--out',
      run,
      '--model',
      model,
      '--plan-slides-per-task',
      '1',
      ...limits,
      '--dry-run',
      '--json',
    ]);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const j = parseJson<{
      tasks: number;
      slides: number;
      isDryRun: boolean;
      submissions: Array<{ kind: string; chunk: number; args: string[] }>;
    }>(r);
    expect(j).toMatchObject({ tasks: 3, slides: 3, isDryRun: true });
    expect(j.submissions.map((s) => `${s.kind}:${s.chunk}`)).toEqual(['plan:0', 'plan:1', 'assemble:0']);
    expect(await pathExists(run)).toBe(false);
    const text = await cli(['submit', slides, '--out', run, '--model', model, '--plan-slides-per-task', '1', ...limits, '--dry-run']);
    expect(String(text.stdout)).toContain('#SBATCH --array=0-1');
    expect(String(text.stdout)).toMatch(/export WSI_HPC_TASK_OFFSET='?2'?\n/);
    expect(String(text.stdout)).toMatch(/plan-task '?[^\n]*dry'? --quiet/);
    expect(String(text.stdout)).toMatch(/plan-assemble /);
  });

  test('a hostile slide file name is planned data: it is in no script', async () => {
    const dir = join(tmp.dir, 'hostile');
    await mkdir(dir);
    const name = "a b'$(touch PWNED)'.tif";
    await writeFile(join(dir, name), 'not a slide\n');
    const run = join(tmp.dir, 'hostile-run');
    const r = await cli(['submit', dir, slides, '--out', run, '--model', model, ...limits, '--dry-run'], { cwd: tmp.dir });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stdout)).toMatch(/4 slide\(s\) in 1 plan task/);
    expect(String(r.stdout)).not.toContain('PWNED');
    expect(await pathExists(join(tmp.dir, 'PWNED'))).toBe(false);
  });
});

test('a run folder holding only plan-tasks/ (its plan tasks failed before plan.json) takes a new submission', async () => {
  const run = join(tmp.dir, 'retry');
  await mkdir(join(run, 'plan-tasks', 'slides'), { recursive: true });
  const r = await cli(['plan', slides, '--out', run, '--executor', 'slurm', ...limits, '--dry-run', '-q']);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  await mkdir(join(tmp.dir, 'not-a-run', 'data'), { recursive: true });
  const refused = await cli(['plan', slides, '--out', join(tmp.dir, 'not-a-run'), '--executor', 'slurm', ...limits, '--dry-run']);
  expect(refused.exitCode).toBe(2);
  expect(String(refused.stderr)).toMatch(/holds files wsi-hpc did not write \(data\)/);
});

describe('usage errors stop before anything is written (exit 2)', () => {
  test.each([
    [
      'submit SLIDES without --model (infer in the chain)',
      () => ['submit', slides, '--out', join(tmp.dir, 'u1'), ...limits],
      /needs --model/,
    ],
    [
      'a missing model file',
      () => ['submit', slides, '--out', join(tmp.dir, 'u2'), '--model', join(tmp.dir, 'nope.onnx'), ...limits],
      /no such file/,
    ],
    [
      '--stages plan,pack',
      () => ['submit', slides, '--out', join(tmp.dir, 'u3'), '--stages', 'plan,pack', ...limits],
      /plan runs before the others/,
    ],
    [
      'a plan flag on submit RUN',
      () => ['submit', join(tmp.dir, 'some-run'), '--model', model, '--stride', '112', ...limits],
      /`--stride` is a plan option/,
    ],
    ['two inputs without --out', () => ['submit', slides, slides, '--model', model, ...limits], /need --out RUN/],
    [
      '--concurrency on submit SLIDES',
      () => ['submit', slides, '--out', join(tmp.dir, 'u4'), '--stages', 'plan', '--concurrency', '2', ...limits],
      /applies to a local plan/,
    ],
    [
      'a job flag on a local plan',
      () => ['plan', slides, '--out', join(tmp.dir, 'u5'), '--partition', 'cpu'],
      /`--partition` applies to `plan --executor slurm`/,
    ],
    [
      '--plan-slides-per-task on a local plan',
      () => ['plan', slides, '--out', join(tmp.dir, 'u6'), '--plan-slides-per-task', '3'],
      /applies to `--executor slurm`/,
    ],
    [
      '--plan-slides-per-task 0',
      () => ['plan', slides, '--out', join(tmp.dir, 'u7'), '--executor', 'slurm', '--plan-slides-per-task', '0', ...limits],
      /plan-slides-per-task/,
    ],
    [
      'a bad --time on plan --executor slurm',
      () => ['plan', slides, '--out', join(tmp.dir, 'u8'), '--executor', 'slurm', '--time', 'bogus', ...limits],
      /Expected `time` in SLURM form/,
    ],
    [
      'a bad --cpus-per-task on plan --executor slurm',
      () => ['plan', slides, '--out', join(tmp.dir, 'u9'), '--executor', 'slurm', '--cpus-per-task', '0', ...limits],
      /--cpus-per-task/,
    ],
  ])('%s', async (_, args, message) => {
    const before = await hashTree(tmp.dir);
    const r = await cli(args());
    expect(r.exitCode, String(r.stderr)).toBe(2);
    expect(String(r.stderr)).toMatch(message);
    expect(String(r.stderr)).not.toMatch(/\n\s+at /);
    expect(await hashTree(tmp.dir)).toEqual(before);
  });
});
