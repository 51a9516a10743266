// Hostile values for submit, resubmit and run: every number is checked under the flag the user typed
// (`--pack-cpus`, not `cpusPerTask`) before anything is read or submitted, #SBATCH values that sbatch
// would split are refused as usage errors, shell text in --setup is written into the script and never
// run by --dry-run, and `--test-only` exits 1 when sbatch would refuse a job.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, hashTree, makeCohort, makeTempDir, parseJson, pathExists } from '../fixtures/index.js';
import { holdClusterDuringSuite, requireCluster } from '../fixtures/cluster.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let run: string;
let model: string;
// Limits given on the command line: the refusals below must not need the cluster.
const LIMITS = ['--max-array-size', '8', '--max-job-count', '100'];

beforeAll(async () => {
  tmp = await makeTempDir('options-submit');
  const slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 1, 3000, 2400, 37);
  model = await writeTinyModel(tmp.dir);
  run = join(tmp.dir, 'run');
  const planned = await cli(['plan', slides, '--out', run, '--patches-per-shard', '40', '-q']);
  expect(planned.exitCode, String(planned.stderr)).toBe(0);
}, 120_000);
afterAll(() => tmp?.cleanup());

const exists = pathExists;

const refusals: Array<[string[], string]> = [
  // Was: 0 silently dropped (the default batch used); 1.5 and -1 passed on to every infer task.
  [['--batch-size', '0'], 'Expected `--batch-size` to be a positive integer, received `0` (number)'],
  [['--batch-size', '1.5'], 'Expected `--batch-size` to be a positive integer, received `1.5` (number)'],
  [['--batch-size', '-1'], 'Expected `--batch-size` to be a positive integer, received `-1` (number)'],
  // Was: named `cpusPerTask` / `gpus` whichever of the three flags was wrong.
  [['--pack-cpus', '0'], 'Expected `--pack-cpus` to be a positive integer, received `0` (number)'],
  [['--infer-cpus', '1.5'], 'Expected `--infer-cpus` to be a positive integer, received `1.5` (number)'],
  [['--cpus-per-task', '0'], 'Expected `--cpus-per-task` to be a positive integer, received `0` (number)'],
  [['--infer-gpus', '-1'], 'Expected `--infer-gpus` to be a non-negative integer, received `-1` (number)'],
  [['--gpus', '1.5'], 'Expected `--gpus` to be a non-negative integer, received `1.5` (number)'],
  [['--mem-gb', '0'], 'Expected `--mem-gb` to be a positive number, received `0` (number)'],
  [['--throttle', '0'], 'Expected `--throttle` to be a positive integer, received `0` (number)'],
  [['--time', 'abc'], 'Expected `--time` in SLURM form (MM, HH:MM:SS or D-HH:MM:SS), received `abc`'],
  // Was: 0 read as "not given" (then "Could not make sense of scontrol show config"); 1.5 accepted.
  [['--max-array-size', '0'], 'Expected `--max-array-size` to be a positive integer, received `0` (number)'],
  [['--max-job-count', '-1'], 'Expected `--max-job-count` to be a positive integer, received `-1` (number)'],
  // Was: "`--model` applies to the infer stage, which `--stages foo` leaves out".
  [['--stages', 'foo'], 'Unknown stage(s) `foo`; valid stages are pack, infer, merge'],
  // Was: "ENOENT: ... (internal error: please report)" with exit 1.
  [['--setup', '@NO-SUCH-FILE'], '`--setup @NO-SUCH-FILE`: cannot read NO-SUCH-FILE (ENOENT)'],
  // Was: a plain Error from the script renderer: "(internal error: please report)", exit 1.
  [['--partition', 'gpu long'], 'Expected `--partition` to be one word without whitespace, quotes, `$` or backslashes'],
  [['--account', '$(touch PWNED)'], 'Expected `--account` to be one word without whitespace, quotes, `$` or backslashes'],
  [['--qos', "a'b"], 'Expected `--qos` to be one word without whitespace, quotes, `$` or backslashes'],
  [['--constraint', 'a\nb'], 'Expected `--constraint` to be one word without whitespace, quotes, `$` or backslashes'],
];

describe.each([['submit'], ['resubmit'], ['run --executor slurm']])('%s --dry-run', (command) => {
  test.each(refusals)('%j is refused with exit 2, the run unchanged', async (args, message) => {
    const before = await hashTree(run);
    const limits = args[0].startsWith('--max-') ? [] : LIMITS;
    const r = await cli([...command.split(' '), run, '--model', model, '--dry-run', ...limits, ...args], { cwd: tmp.dir });
    expect(r.exitCode, String(r.stderr)).toBe(2);
    expect(String(r.stderr)).toContain(`error: ${message}`);
    expect(String(r.stderr)).not.toContain('internal error');
    expect(await hashTree(run)).toEqual(before);
    expect(await exists(join(tmp.dir, 'PWNED'))).toBe(false);
  });
});

describe('run --executor local', () => {
  test.each([
    // Was: exit 0 with "dry run: nothing run"; the real run would have failed in infer.
    [['--dry-run', '--threads', '0'], 'Expected `--threads` to be a positive integer, received `0` (number)'],
    [['--dry-run', '--batch-size', '1.5'], 'Expected `--batch-size` to be a positive integer, received `1.5` (number)'],
    [['--threads', '1.5'], 'Expected `--threads` to be a positive integer, received `1.5` (number)'],
  ])('%j is refused before any stage runs', async (args, message) => {
    const before = await hashTree(run);
    const r = await cli(['run', run, '--model', model, ...args]);
    expect(r.exitCode, String(r.stderr)).toBe(2);
    expect(String(r.stderr)).toContain(`error: ${message}`);
    expect(String(r.stderr)).not.toContain('stage pack');
    expect(await hashTree(run)).toEqual(before);
  });

  test('run --executor slurm passes a valid --threads to its infer tasks', async () => {
    const r = await cli(['run', run, '--executor', 'slurm', '--model', model, '--dry-run', '--threads', '3', ...LIMITS]);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stdout)).toMatch(/infer .*--threads 3/);
  });
});

describe('--setup is shell text for the task, never run by a dry run', () => {
  test.each([["echo 'a b' $(touch PWNED)"], ['module load x\ntouch PWNED']])('%j', async (setup) => {
    const r = await cli(['submit', run, '--model', model, '--dry-run', '--json', ...LIMITS, '--setup', setup], { cwd: tmp.dir });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const scripts: string[] = parseJson(r).submissions.map((s: { script: string }) => s.script);
    expect(scripts).toHaveLength(3);
    for (const s of scripts) expect(s).toContain(setup);
    expect(await exists(join(tmp.dir, 'PWNED'))).toBe(false);
  });
});

describe('submit --test-only on the local cluster', () => {
  const env = requireCluster();
  holdClusterDuringSuite(env);

  // Was: exit 0, the refusal only in the table's test-only column (and none at all for a --json reader).
  test('a job sbatch would refuse makes --test-only exit 1, naming the stage; nothing is submitted', async () => {
    expect(env, 'the local SLURM cluster (slurm/start.sh) must be up').not.toBeNull();
    const args = ['submit', run, '--model', model, '--test-only', '--json', '--time', '00:10:00', '--mem-gb', '0.5'];
    const r = await cli([...args, '--cpus-per-task', '1', '--pack-cpus', '512'], { env: env ?? {} });
    expect(r.exitCode, String(r.stderr)).toBe(1);
    expect(String(r.stderr)).toContain('error: sbatch --test-only refused 1 job(s) (pack); see the test-only column for why');
    const subs: Array<{ stage: string; isTestOnlyRefused: boolean; jobId?: string }> = parseJson(r).submissions;
    expect(subs.map((s) => [s.stage, s.isTestOnlyRefused])).toEqual([
      ['pack', true],
      ['infer', false],
      ['merge', false],
    ]);
    for (const s of subs) expect(s.jobId).toBeUndefined();
    await expect(readFile(join(run, 'slurm', 'jobs.json'))).rejects.toThrow(/ENOENT/);
    const ok = await cli([...args, '--cpus-per-task', '1'], { env: env ?? {} });
    expect(ok.exitCode, String(ok.stderr)).toBe(0);
  }, 120_000);
});
