// On the real local SLURM cluster (MaxArraySize 8): resubmit chains infer on pack with aftercorr like
// submit (an infer task whose pack is fine runs in its own job, without waiting), --dry-run and
// --test-only submit nothing, and status finds the jobs through sacct in a zone west of UTC.
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PlanFile } from '../../src/plan/index.js';
import { holdClusterDuringSuite, requireCluster, waitRunFinished, SLURM_STATE_DIR } from '../fixtures/cluster.js';
import { cli, hashTree, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

const env = requireCluster();
let tmp: { dir: string; cleanup: () => Promise<void> };
let model: string;
const submitArgs = ['--cpus-per-task', '1', '--mem-gb', '0.5', '--time', '00:10:00'];
const sl = (args: string[], extra: Record<string, string> = {}) => cli(args, { env: { ...(env ?? {}), ...extra } });

const waitFinished = (run: string, timeoutS = 600) => waitRunFinished(env ?? {}, run, timeoutS);

holdClusterDuringSuite(env);
beforeAll(async () => {
  if (!env) return;
  tmp = await makeTempDir('resubmit-chain');
  model = await writeTinyModel(tmp.dir);
}, 120_000);
afterAll(() => tmp?.cleanup());

interface Job {
  stage: string;
  chunk: number;
  indices: number[];
  args: string[];
  jobId?: string;
  testOnly?: string;
  scriptPath: string;
}

describe.runIf(env)('resubmit and status on the local cluster', () => {
  test('resubmit chains infer on pack with aftercorr; --dry-run and --test-only submit nothing', async () => {
    const slides = join(tmp.dir, 'slides');
    const cohort = await makeCohort(slides, 2, 5000, 4000, 71);
    const run = join(tmp.dir, 'run');
    expect((await sl(['plan', slides, '--out', run, '--patches-per-shard', '40', '-q'])).exitCode).toBe(0);
    const plan: PlanFile = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));
    // The second slide is away during the first submission: its pack tasks fail.
    const victim = join(slides, cohort.manifest.slides[1].file);
    const victimId = plan.slides.find((s) => s.name === cohort.manifest.slides[1].file)?.id;
    const failing = plan.tasks.pack
      .filter((t) => t.shards.some((i) => plan.shards.list[i].segments.some((g) => g.slideId === victimId)))
      .map((t) => t.task);
    const fine = plan.tasks.pack.map((t) => t.task).filter((t) => !failing.includes(t));
    expect(failing.length).toBeGreaterThan(0);
    expect(fine.length).toBeGreaterThan(0);
    await rename(victim, `${victim}.away`);
    expect((await sl(['submit', run, '--model', model, ...submitArgs, '-q'])).exitCode).toBe(0);
    await waitFinished(run);
    await rename(`${victim}.away`, victim);
    // One task packed fine but its inference is gone: it is resubmitted as infer only, in a job of its own.
    const inferOnly = fine[fine.length - 1];
    for (const s of plan.tasks.pack[inferOnly].shards) await rm(join(run, 'markers', 'infer', `${plan.shards.list[s].id}.json`));

    const before = await hashTree(run);
    const dry = await sl(['resubmit', run, '--model', model, ...submitArgs, '--dry-run', '--json']);
    expect(dry.exitCode, String(dry.stderr)).toBe(0);
    const planned: { jobs: Job[]; tasks: Record<string, number[]> } = parseJson(dry);
    expect(planned.tasks.pack).toEqual(failing);
    expect(planned.tasks.infer).toEqual([...failing, inferOnly].sort((a, b) => a - b));
    const dep = (j: Job) => j.args.find((a) => a.startsWith('--dependency')) ?? null;
    for (const j of planned.jobs.filter((x) => x.stage === 'pack')) expect(dep(j)).toBeNull();
    const inferJobs = planned.jobs.filter((x) => x.stage === 'infer');
    for (const j of inferJobs) {
      const tasks = j.indices.map((i) => i + j.chunk * 8);
      if (tasks.includes(inferOnly)) {
        expect(tasks).toEqual([inferOnly]);
        expect(dep(j)).toBeNull();
      } else {
        expect(dep(j)).toBe(`--dependency=aftercorr:{pack:${j.chunk}}`);
        expect(tasks.every((t) => failing.includes(t))).toBe(true);
      }
    }
    expect(dep(planned.jobs[planned.jobs.length - 1])).toMatch(/^--dependency=afterok:\{infer:\d+(:alone)?\}(:\{infer:\d+(:alone)?\})*$/);
    expect(await hashTree(run)).toEqual(before);
    const text = await sl(['resubmit', run, '--model', model, ...submitArgs, '--dry-run']);
    expect(String(text.stdout)).toMatch(/#SBATCH --array=/);
    expect(String(text.stdout)).toContain('dry run: nothing submitted');

    const jobsBefore = await readFile(join(run, 'slurm', 'jobs.json'), 'utf8');
    const test = await sl(['resubmit', run, '--model', model, ...submitArgs, '--test-only', '--json']);
    expect(test.exitCode, String(test.stderr)).toBe(0);
    for (const j of parseJson(test).jobs as Job[]) {
      expect(j.jobId).toBeUndefined();
      expect(j.testOnly).toMatch(/to start at/);
    }
    expect(await readFile(join(run, 'slurm', 'jobs.json'), 'utf8')).toBe(jobsBefore);
    expect(parseJson(await sl(['status', run, '--json'])).isFinished).toBe(true);

    const re = await sl(['resubmit', run, '--model', model, ...submitArgs, '--json']);
    expect(re.exitCode, String(re.stderr)).toBe(0);
    const submitted: Job[] = parseJson(re).jobs;
    const packIds = new Map(submitted.filter((j) => j.stage === 'pack').map((j) => [j.chunk, j.jobId]));
    for (const j of submitted) expect(j.jobId).toMatch(/^\d+$/);
    for (const j of submitted.filter((x) => x.stage === 'infer' && dep(x)))
      expect(dep(j)).toBe(`--dependency=aftercorr:${packIds.get(j.chunk)}`);
    const inferIds = submitted.filter((j) => j.stage === 'infer').map((j) => j.jobId);
    expect(dep(submitted[submitted.length - 1])).toBe(`--dependency=afterok:${inferIds.join(':')}`);
    const done = await waitFinished(run);
    for (const st of done.stages) {
      const logs = await Promise.all(
        st.tasks
          .filter((t: { phase: string }) => t.phase !== 'done')
          .map((t: { log?: string }) => (t.log ? readFile(t.log, 'utf8').catch(() => '') : '')),
      );
      expect(st.counts.done, `${st.stage}: ${JSON.stringify(st.tasks)}\n${logs.join('\n')}`).toBe(st.total);
    }
  }, 900_000);

  test('status finds running jobs through sacct when the local zone is west of UTC (TZ=America/New_York)', async () => {
    expect(await readFile(join(SLURM_STATE_DIR, 'mode'), 'utf8').then((m) => m.trim())).toBe('accounting');
    const slides = join(tmp.dir, 'slides-tz');
    await makeCohort(slides, 1, 4000, 3000, 73);
    const run = join(tmp.dir, 'run-tz');
    expect((await sl(['plan', slides, '--out', run, '--patches-per-shard', '200', '-q'])).exitCode).toBe(0);
    // `--setup 'sleep 8'` keeps the task running while we ask, so SLURM (not a marker) must answer.
    expect((await sl(['submit', run, '--stages', 'pack', ...submitArgs, '--setup', 'sleep 8', '-q'])).exitCode).toBe(0);
    const s = parseJson(await sl(['status', run, '--json'], { TZ: 'America/New_York' }));
    expect(s.source).toBe('sacct');
    // Under the old UTC rendering sacct refused the query (start after end) and status fell back to scontrol.
    // Right after submission sacct may not list a task yet (unknown); none has failed.
    for (const t of s.stages[0].tasks) expect(['queued', 'running', 'unknown', 'done']).toContain(t.phase);
    await waitFinished(run);
  }, 300_000);
});
