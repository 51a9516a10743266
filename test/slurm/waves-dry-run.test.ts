// `submit --dry-run` of a run larger than MaxJobCount (both limits given, so no cluster is asked and the
// queue counts as empty): the waves, their drivers' scripts and dependencies, nothing written; a run that
// fits stays one plain submission; a chunk too big for any wave is a usage error naming the numbers and the fix.
// resubmit refuses a run whose later waves were never submitted; a jobs.json of an unknown version is refused.
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PlanFile } from '../../src/plan/index.js';
import { cli, hashTree, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let run: string;
let model: string;

interface DryRun {
  waves: {
    queuedAtSubmit: number;
    margin: number;
    budget: number;
    planned: Array<{
      wave: number;
      chunks: number[];
      jobCount: number;
      driver: { script: string; scriptPath: string; args: string[] } | null;
    }>;
  } | null;
  submissions: Array<{ stage: string; wave?: number; chunk: { chunk: number }; args: string[] }>;
}

beforeAll(async () => {
  tmp = await makeTempDir('waves-dry-run');
  model = await writeTinyModel(tmp.dir);
  const slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 2200, 1700, 83);
  run = join(tmp.dir, 'run');
  const p = await cli(['plan', slides, '--out', run, '--patches-per-shard', '4', '--json']);
  expect(p.exitCode, String(p.stderr)).toBe(0);
  expect(parseJson<{ tasks: PlanFile['tasks'] }>(p).tasks.pack.length).toBe(6);
}, 180_000);
afterAll(() => tmp?.cleanup());

const dry = (limits: string[], json = true) =>
  cli(['submit', run, '--model', model, '--dry-run', ...limits, ...(json ? ['--json'] : [])], { cwd: tmp.dir });

describe('submit --dry-run in waves', () => {
  test('6 tasks in arrays of 2 under MaxJobCount 8 plan 3 waves, each later one submitted by a driver after the previous', async () => {
    const before = await hashTree(run);
    const r = await dry(['--max-array-size', '2', '--max-job-count', '8']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const d = parseJson<DryRun>(r);
    expect(d.waves).toMatchObject({ queuedAtSubmit: 0, margin: 2, budget: 6 });
    expect(d.waves?.planned.map((w) => [w.wave, w.chunks, w.jobCount])).toEqual([
      [1, [0], 5],
      [2, [1], 5],
      [3, [2], 5],
    ]);
    expect(d.submissions.map((s) => `${s.stage}${s.chunk.chunk}@${s.wave}`)).toEqual([
      'pack0@1',
      'infer0@1',
      'pack1@2',
      'infer1@2',
      'pack2@3',
      'infer2@3',
      'merge0@3',
    ]);
    // Merge waits for the last wave's infer array; earlier waves have ended before its driver ran.
    expect(d.submissions.at(-1)?.args).toContain('--dependency=afterok:{infer:2}');
    expect(d.waves?.planned[0].driver).toBeNull();
    for (const w of [2, 3]) {
      const driver = d.waves?.planned[w - 1].driver;
      expect(driver?.scriptPath).toBe(join(run, 'slurm', `wave-c${w}.sbatch`));
      expect(driver?.args).toContain(`--dependency=afterany:{pack:${w - 2}}:{infer:${w - 2}}`);
      expect(driver?.script).toContain('#SBATCH --job-name=wsihpc-wave');
      expect(driver?.script).toContain(` submit-wave ${run} --wave ${w}\n`);
    }
    expect(await hashTree(run)).toEqual(before);
  });

  test("the text output names the waves, the budget and the drivers, and prints the drivers' scripts", async () => {
    const r = await dry(['--max-array-size', '2', '--max-job-count', '8'], false);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const out = String(r.stdout);
    expect(out).toContain('3 waves (at most 6 jobs each: MaxJobCount 8 - 0 queued - margin 2)');
    expect(out).toContain(`# ${join(run, 'slurm', 'wave-c3.sbatch')}\n#!/bin/bash\n`);
  });

  test('a run that fits is one plain submission: no waves, no wave numbers', async () => {
    const r = await dry(['--max-array-size', '2', '--max-job-count', '15']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const d = parseJson<DryRun>(r);
    expect(d.waves).toBeNull();
    expect(d.submissions.every((s) => s.wave === undefined)).toBe(true);
    expect(d.submissions.at(-1)?.args).toContain('--dependency=afterok:{infer:0}:{infer:1}:{infer:2}');
  });

  test('a chunk too big for any wave is refused with exit 2, the numbers and a --max-array-size that fits', async () => {
    const r = await dry(['--max-array-size', '8', '--max-job-count', '10'], false);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toContain(
      "error: One array chunk needs 12 jobs (6 tasks x 2 stage(s)) + 2 for the wave drivers, but only 8 fit in the controller's job table now (MaxJobCount 10 - 0 queued - margin 2)",
    );
    expect(String(r.stderr)).toContain('hint: Submit with --max-array-size 3 (smaller arrays fit a wave)');
  });
});

describe('jobs.json of a run in waves', () => {
  test('resubmit refuses while a wave was never submitted (it would send every remaining task at once), naming submit-wave', async () => {
    const other = join(tmp.dir, 'stopped');
    await mkdir(join(other, 'slurm'), { recursive: true });
    await cp(join(run, 'plan.json'), join(other, 'plan.json'));
    const jobs = join(other, 'slurm', 'jobs.json');
    const job = (stage: string, chunk: number) => ({ stage, chunk, offset: 2 * chunk, indices: [0, 1], script: 'x', args: [] });
    await writeFile(
      jobs,
      JSON.stringify({
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
              jobs: [job('pack', 0)],
              driver: null,
              submittedAt: 'then',
              submittedBy: 'submit',
            },
            { wave: 2, chunks: [1], tasks: 2, jobCount: 5, jobs: [job('pack', 1)], driver: { script: 'x', args: [] } },
          ],
        },
      }),
    );
    const r = await cli(['resubmit', other, '--model', model, '--json']);
    expect(r.exitCode).toBe(2);
    expect(parseJson<{ error: { code: string; message: string; hint: string } }>(r).error).toMatchObject({
      code: 'INVALID_OPTION',
      message: 'Wave(s) 2 of this run were never submitted; resubmit would send them all at once',
      hint: `Submit them in turn with \`wsi-hpc submit-wave ${other} --wave 2\` (its driver submits the next), then resubmit what failed`,
    });
  });

  test('status refuses a jobs.json of an unknown schemaVersion, naming the file', async () => {
    const other = join(tmp.dir, 'future');
    await mkdir(join(other, 'slurm'), { recursive: true });
    await cp(join(run, 'plan.json'), join(other, 'plan.json'));
    const jobs = join(other, 'slurm', 'jobs.json');
    await writeFile(jobs, JSON.stringify({ schemaVersion: 3, planHash: 'x', submittedAt: new Date().toISOString(), jobs: [] }));
    const r = await cli(['status', other, '--json']);
    expect(r.exitCode).toBe(1);
    expect(parseJson<{ error: { code: string; message: string } }>(r).error).toMatchObject({
      code: 'PLAN_INVALID',
      message: `${jobs}: schemaVersion 3 is not one this wsi-hpc reads (1 or 2)`,
    });
  });
});
