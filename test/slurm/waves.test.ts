// Waves on the real local SLURM cluster: a run needing more jobs than MaxJobCount admits at once is
// submitted in waves, each later wave by a driver job started when the previous wave's jobs have ended.
// The test cluster's MaxJobCount is 10000 (slurm/README.md), so `--max-job-count` (the override flag)
// simulates a small limit: 6 pack tasks in arrays of 2 (`--max-array-size 2`) with room for one array
// chunk per wave go in 3 waves. The result equals a local run; `status --json` shows the waves. A wave
// whose tasks fail loses nothing: later waves still run, merge fails loudly, and `resubmit` completes it.
import { execFileSync } from 'node:child_process';
import { cp, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunStatus } from '../../src/executor/index.js';
import { runWaveDriver } from '../../src/executor/wave-driver.js';
import type { PlanFile } from '../../src/plan/index.js';
import type { JobsFile } from '../../src/slurm/index.js';
import { holdClusterDuringSuite, requireCluster, waitRunFinished } from '../fixtures/cluster.js';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

const env = requireCluster();
let tmp: { dir: string; cleanup: () => Promise<void> };
let model: string;
let base: string;
const submitArgs = ['--cpus-per-task', '1', '--mem-gb', '1', '--time', '00:20:00', '--max-array-size', '2'];
const sl = (args: string[]) => cli(args, { env: env ?? {} });

// Jobs in the controller's queue now (every user's, array tasks one by one), as submit counts them.
const queuedNow = () =>
  execFileSync('squeue', ['-h', '-r', '-o', '%i'], { env: { ...process.env, ...env }, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean).length;

// MaxJobCount leaving room for one chunk (2 tasks x pack+infer) plus two drivers per wave: margin 2 + 6.
const maxJobCount = (room = 6) => String(queuedNow() + 2 + room);

holdClusterDuringSuite(env);
beforeAll(async () => {
  if (!env) return;
  tmp = await makeTempDir('waves');
  model = await writeTinyModel(tmp.dir);
  const slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 2200, 1700, 83);
  base = join(tmp.dir, 'base');
  const p = await cli(['plan', slides, '--out', base, '--patches-per-shard', '4', '--json']);
  expect(p.exitCode, String(p.stderr)).toBe(0);
  expect(parseJson<{ tasks: PlanFile['tasks'] }>(p).tasks.pack.length).toBe(6);
}, 180_000);
afterAll(() => tmp?.cleanup());

/** The latest finishedAt of the pack and infer markers of these tasks' shards. */
async function lastFinished(run: string, tasks: number[]): Promise<number> {
  const plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')) as PlanFile;
  let last = 0;
  for (const t of tasks)
    for (const s of plan.tasks.pack[t].shards)
      for (const stage of ['pack', 'infer']) {
        const m = JSON.parse(await readFile(join(run, 'markers', stage, `${plan.shards.list[s].id}.json`), 'utf8')) as {
          finishedAt: string;
        };
        last = Math.max(last, Date.parse(m.finishedAt));
      }
  return last;
}

let local: Promise<string> | undefined;
// scores.csv of the same plan run by the local executor (once per file).
function localScores(): Promise<string> {
  local ??= runLocal();
  return local;
}

async function runLocal(): Promise<string> {
  const here = join(tmp.dir, 'local');
  await cp(base, here, { recursive: true });
  const r = await cli(['run', here, '--model', model, '--executor', 'local', '--threads', '1', '-q']);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return readFile(join(here, 'scores.csv'), 'utf8');
}

describe.runIf(env)('waves beyond MaxJobCount on the local cluster', () => {
  test('6 tasks under a small --max-job-count run in 3 waves, each submitted by the driver after the previous wave ended', async () => {
    const run = join(tmp.dir, 'waves');
    await cp(base, run, { recursive: true });
    const s = await sl(['submit', run, '--model', model, ...submitArgs, '--max-job-count', maxJobCount(), '--json']);
    expect(s.exitCode, String(s.stderr)).toBe(0);
    const submitted = parseJson<{
      waves: { planned: Array<{ wave: number; chunks: number[]; driver: { jobId?: string } | null }> };
      submissions: Array<{ stage: string; wave: number; jobId?: string }>;
    }>(s);
    expect(submitted.waves.planned.map((w) => w.chunks)).toEqual([[0], [1], [2]]);
    // Only wave 1 and the driver of wave 2 are submitted by `submit` itself.
    expect(submitted.submissions.filter((j) => j.jobId).map((j) => [j.stage, j.wave])).toEqual([
      ['pack', 1],
      ['infer', 1],
    ]);
    expect(submitted.waves.planned[1].driver?.jobId).toMatch(/^\d+$/);
    // Right after submit, wave 3 waits for wave 2 (its driver is not even submitted yet).
    const early = parseJson<RunStatus>(await sl(['status', run, '--json']));
    expect(early.isFinished).toBe(false);
    expect(early.waves?.planned).toBe(3);
    expect(early.waves?.waves[2]).toMatchObject({ wave: 3, state: 'waiting', reason: 'waiting for wave 2' });
    expect(early.stages[0].tasks.map((t) => t.wave)).toEqual([1, 1, 2, 2, 3, 3]);

    const final = await waitRunFinished(env ?? {}, run, 900);
    expect(final.stages.map((st) => [st.stage, st.counts.done])).toEqual([
      ['pack', 6],
      ['infer', 6],
      ['merge', 1],
    ]);
    expect(final.waves).toMatchObject({ planned: 3, submitted: 3 });
    expect(final.waves?.waves.map((w) => w.state)).toEqual(['submitted', 'submitted', 'submitted']);

    const jobs = JSON.parse(await readFile(join(run, 'slurm', 'jobs.json'), 'utf8')) as JobsFile;
    expect(jobs.schemaVersion).toBe(2);
    expect(jobs.jobs.map((j) => [j.stage, j.chunk, j.wave])).toEqual([
      ['pack', 0, 1],
      ['infer', 0, 1],
      ['pack', 1, 2],
      ['infer', 1, 2],
      ['pack', 2, 3],
      ['infer', 2, 3],
      ['merge', 0, 3],
    ]);
    const planned = jobs.waves?.planned ?? [];
    expect(planned[0].submittedBy).toBe('submit');
    for (const w of [2, 3]) {
      const driver = planned[w - 1].driver?.jobId;
      // Submitted by its own driver job, which was submitted after the previous wave's jobs...
      expect(planned[w - 1].submittedBy).toBe(driver);
      const prevIds = jobs.jobs.filter((j) => j.wave === w - 1).map((j) => Number(j.jobId));
      const ids = jobs.jobs.filter((j) => j.wave === w).map((j) => Number(j.jobId));
      expect(Math.min(...ids)).toBeGreaterThan(Number(driver));
      expect(Number(driver)).toBeGreaterThan(Math.max(...prevIds));
      // ...and submitted the wave only once every task of the previous wave had finished.
      const prevTasks = [2 * (w - 2), 2 * (w - 2) + 1];
      expect(Date.parse(planned[w - 1].submittedAt ?? '')).toBeGreaterThanOrEqual(await lastFinished(run, prevTasks));
      expect(await readFile(join(run, 'logs', 'wave', `${driver}.out`), 'utf8')).toContain(`wave ${w} submitted`);
    }

    const text = await sl(['status', run]);
    expect(String(text.stdout)).toContain('waves: 3 of 3 submitted');
    expect(await readFile(join(run, 'scores.csv'), 'utf8')).toBe(await localScores());
  }, 1_200_000);

  test('failed tasks of wave 1 do not stop wave 2; merge fails loudly; resubmit on the waves jobs file completes the run', async () => {
    const run = join(tmp.dir, 'waves-fail');
    await cp(base, run, { recursive: true });
    const plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')) as PlanFile;
    const slideOf = (t: number) => plan.shards.list[plan.tasks.pack[t].shards[0]].segments[0].slideId;
    // Tasks 0-3 read the first slide, 4-5 only the second: with it gone, wave 1 fails and wave 2 runs.
    const first = plan.slides.find((x) => x.id === slideOf(0));
    expect(first && slideOf(5) !== first.id).toBe(true);
    const slide = first?.path ?? '';
    await rename(slide, `${slide}.away`);
    try {
      // Room for two chunks per wave: waves [0, 1] and [2].
      const s = await sl(['submit', run, '--model', model, ...submitArgs, '--max-job-count', maxJobCount(10), '--json']);
      expect(s.exitCode, String(s.stderr)).toBe(0);
      expect(parseJson<{ waves: { planned: Array<{ chunks: number[] }> } }>(s).waves.planned.map((w) => w.chunks)).toEqual([[0, 1], [2]]);
      const failed = await waitRunFinished(env ?? {}, run, 900);
      expect(failed.waves).toMatchObject({ planned: 2, submitted: 2 });
      const pack = failed.stages[0].tasks;
      expect(pack.map((t) => t.phase)).toEqual(['failed', 'failed', 'failed', 'failed', 'done', 'done']);
      const merge = failed.stages[2].tasks[0];
      expect(merge).toMatchObject({ phase: 'failed', wave: 2 });
      expect(merge.reason).toContain('not inferred');
    } finally {
      await rename(`${slide}.away`, slide);
    }
    const r = await sl(['resubmit', run, '--model', model, '--cpus-per-task', '1', '--mem-gb', '1', '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(parseJson<{ tasks: Record<string, number[]> }>(r).tasks).toEqual({ pack: [0, 1, 2, 3], infer: [0, 1, 2, 3], merge: [0] });
    // The failed merge marker does not hide the resubmitted merge job: it shows queued behind the infer
    // arrays (sacct may list a job submitted a moment ago only after a second), so the run is not finished.
    let merge: RunStatus['stages'][number]['tasks'][number] | undefined;
    for (let i = 0; i < 15 && merge?.phase !== 'queued'; i++) {
      merge = parseJson<RunStatus>(await sl(['status', run, '--json'])).stages[2].tasks[0];
      if (merge.phase !== 'queued') await new Promise((res) => setTimeout(res, 1000));
    }
    expect(merge).toMatchObject({ phase: 'queued', reason: expect.stringMatching(/^resubmitted; the earlier attempt failed/) });
    const done = await waitRunFinished(env ?? {}, run, 900);
    expect(done.stages.map((st) => st.counts.done)).toEqual([6, 6, 1]);
    const jobs = JSON.parse(await readFile(join(run, 'slurm', 'jobs.json'), 'utf8')) as JobsFile;
    expect(jobs.schemaVersion).toBe(2);
    expect(jobs.jobs.filter((j) => j.attempt === 1).map((j) => j.stage)).toEqual(['pack', 'pack', 'infer', 'infer', 'merge']);
    expect(await readFile(join(run, 'scores.csv'), 'utf8')).toBe(await localScores());
  }, 1_200_000);

  test('a driver that finds no room within its wait queues a copy of itself, and status shows the wave still waiting', async () => {
    const run = join(tmp.dir, 'waves-requeue');
    await cp(base, run, { recursive: true });
    await mkdir(join(run, 'logs', 'wave'), { recursive: true });
    const script = join(run, 'slurm', 'wave-c2.sbatch');
    await mkdir(join(run, 'slurm'), { recursive: true });
    await writeFile(script, '#!/bin/bash\n#SBATCH --job-name=wsihpc-wave\ntrue\n', { mode: 0o755 });
    const job = (stage: 'pack' | 'infer', chunk: number) => ({ stage, chunk, offset: 2 * chunk, indices: [0, 1], script, args: [] });
    // MaxJobCount 1 less the margin leaves no room at all: wave 2 never fits.
    const file: JobsFile = {
      schemaVersion: 2,
      planHash: 'h',
      submittedAt: new Date().toISOString(),
      limits: { maxArraySize: 2, maxJobCount: 1 },
      jobs: [],
      waves: {
        queuedAtSubmit: 0,
        margin: 2,
        budget: -1,
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
            chunks: [1, 2],
            tasks: 4,
            jobCount: 9,
            jobs: [job('pack', 1), job('infer', 1)],
            driver: { script, args: [], jobId: '1' },
          },
        ],
      },
    };
    await writeFile(join(run, 'slurm', 'jobs.json'), JSON.stringify(file));
    const clusterEnv = { ...process.env };
    Object.assign(process.env, env);
    let jobId: string | undefined;
    try {
      const r = await runWaveDriver({ run, wave: 2, waitS: 0, pollS: 1 });
      jobId = r.jobId;
      expect(r).toMatchObject({ wave: 2, status: 'requeued', limit: -1 });
      expect(jobId).toMatch(/^\d+$/);
      const after = JSON.parse(await readFile(join(run, 'slurm', 'jobs.json'), 'utf8')) as JobsFile;
      expect(after.waves?.planned[1].driver).toMatchObject({ jobId, earlierJobIds: ['1'] });
      expect(after.waves?.planned[1].submittedAt).toBeUndefined();
      const s = parseJson<RunStatus>(await sl(['status', run, '--json']));
      expect(s.isFinished).toBe(false);
      expect(s.waves?.waves[1]).toMatchObject({ wave: 2, state: 'waiting', driverJobId: jobId });
      expect(s.waves?.waves[1].reason).toMatch(new RegExp(`^waiting for room under MaxJobCount \\(driver job ${jobId} .*re-queued\\)$`));
    } finally {
      if (jobId) execFileSync('scancel', [jobId], { env: process.env });
      for (const k of Object.keys(env ?? {})) {
        if (clusterEnv[k] === undefined) delete process.env[k];
        else process.env[k] = clusterEnv[k];
      }
    }
  }, 120_000);
});
