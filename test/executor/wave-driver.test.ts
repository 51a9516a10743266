// `wsi-hpc submit-wave RUN --wave N` (the wave driver) where it decides without SLURM: a wave already
// submitted or a driver job that is no longer the wave's driver submits nothing; a run not submitted in
// waves and a bad --wave are refused (exit 2); --help lists the command as for internal use.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { runWaveDriver } from '../../src/executor/wave-driver.js';
import type { JobsFile } from '../../src/slurm/index.js';
import { cli, makeTempDir, parseJson } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let runs = 0;
const saved = { name: process.env.SLURM_JOB_NAME, id: process.env.SLURM_JOB_ID };

// A jobs.json of a run in two waves: wave 1 submitted by `submit`, wave 2's driver job 501.
function wavesFile(isSecondSubmitted: boolean): JobsFile {
  const job = (stage: 'pack' | 'infer', chunk: number) => ({
    stage,
    chunk,
    offset: 2 * chunk,
    indices: [0, 1],
    script: `/x/${stage}-c${chunk}.sbatch`,
    args: [],
  });
  return {
    schemaVersion: 2,
    planHash: 'h',
    submittedAt: new Date().toISOString(),
    limits: { maxArraySize: 2, maxJobCount: 8 },
    jobs: [],
    waves: {
      queuedAtSubmit: 0,
      margin: 2,
      budget: 6,
      planned: [
        {
          wave: 1,
          chunks: [0],
          tasks: 2,
          jobCount: 5,
          jobs: [job('pack', 0), job('infer', 0)],
          driver: null,
          submittedAt: 'then',
          submittedBy: 'submit',
        },
        {
          wave: 2,
          chunks: [1],
          tasks: 2,
          jobCount: 5,
          jobs: [job('pack', 1), job('infer', 1)],
          driver: { script: '/x/wave-c2.sbatch', args: [], jobId: '501' },
          ...(isSecondSubmitted ? { submittedAt: 'now', submittedBy: '501' } : {}),
        },
      ],
    },
  };
}

async function runWith(file: JobsFile | object): Promise<string> {
  const run = join(tmp.dir, `run-${++runs}`);
  await mkdir(join(run, 'slurm'), { recursive: true });
  await writeFile(join(run, 'slurm', 'jobs.json'), JSON.stringify(file));
  return run;
}

beforeAll(async () => {
  tmp = await makeTempDir('wave-driver');
});
afterAll(() => tmp?.cleanup());
afterEach(() => {
  for (const [k, v] of [
    ['SLURM_JOB_NAME', saved.name],
    ['SLURM_JOB_ID', saved.id],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('runWaveDriver', () => {
  test('a wave already submitted is not submitted again', async () => {
    const run = await runWith(wavesFile(true));
    const before = await readFile(join(run, 'slurm', 'jobs.json'), 'utf8');
    expect(await runWaveDriver({ run, wave: 2 })).toEqual({ wave: 2, status: 'already-submitted', queued: null, limit: 6 });
    expect(await readFile(join(run, 'slurm', 'jobs.json'), 'utf8')).toBe(before);
  });

  test("a wsihpc-wave job that is not the wave's recorded driver (the run was submitted again) submits nothing", async () => {
    const run = await runWith(wavesFile(false));
    process.env.SLURM_JOB_NAME = 'wsihpc-wave';
    process.env.SLURM_JOB_ID = '499';
    expect(await runWaveDriver({ run, wave: 2 })).toMatchObject({ status: 'superseded', queued: null });
  });

  test('a wave the run does not have is refused naming the range', async () => {
    const run = await runWith(wavesFile(false));
    await expect(runWaveDriver({ run, wave: 3 })).rejects.toThrowError('Expected `--wave` to be a wave of this run (1-2), received `3`');
  });
});

describe('wsi-hpc submit-wave', () => {
  test('on a run not submitted in waves: exit 2 naming jobs.json', async () => {
    const run = await runWith({
      schemaVersion: 1,
      planHash: 'h',
      submittedAt: 'x',
      limits: { maxArraySize: 8, maxJobCount: 100 },
      jobs: [],
    });
    const r = await cli(['submit-wave', run, '--wave', '2', '--json']);
    expect(r.exitCode).toBe(2);
    expect(parseJson<{ error: { code: string; message: string } }>(r).error).toMatchObject({
      code: 'INVALID_OPTION',
      message: `${join(run, 'slurm', 'jobs.json')}: this run was not submitted in waves; nothing for submit-wave to do`,
    });
  });

  test('--wave 0 is a usage error', async () => {
    const run = await runWith(wavesFile(false));
    const r = await cli(['submit-wave', run, '--wave', '0']);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toContain('error: Expected `--wave` to be a positive integer, received `0` (number)');
  });

  test('--help lists it as for internal use', async () => {
    const r = await cli(['--help']);
    expect(String(r.stdout)).toMatch(/submit-wave <run> +\(internal use: run by the wave driver jobs of `submit`\)/);
  });
});
