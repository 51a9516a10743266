// Orchestration on the real local SLURM cluster (slurm/start.sh, MaxArraySize=8): a run split
// across several arrays, chained stages, a failure on purpose and resubmission of only that task,
// hostile slide and run names never executed, outputs equal to the local executor, and status
// with and without accounting. Must run under CI (see test/fixtures/cluster.ts).
import { existsSync } from 'node:fs';
import { readFile, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readPredictions } from '../../src/hdf5/index.js';
import type { RunStatus } from '../../src/executor/index.js';
import type { PlanFile } from '../../src/plan/index.js';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { holdClusterDuringSuite, requireCluster, waitRunFinished, restartCluster } from '../fixtures/cluster.js';
import { writeTinyModel } from '../fixtures/models.js';

const env = requireCluster();
const HOSTILE = "a b'$(touch PWNED1)'`touch PWNED2`";
let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;
let model: string;

const sl = (args: string[]) => cli(args, { env: env ?? {} });

const waitFinished = (run: string, timeoutS = 600) => waitRunFinished(env ?? {}, run, timeoutS);

const submitArgs = ['--cpus-per-task', '1', '--mem-gb', '0.5', '--time', '00:10:00'];

holdClusterDuringSuite(env);
beforeAll(async () => {
  if (!env) return;
  tmp = await makeTempDir('slurm');
  slides = join(tmp.dir, `slides ${HOSTILE}`);
  const cohort = await makeCohort(slides, 3, 5000, 4000, 61);
  // A slide whose file name tries command substitution, quoting and backticks.
  const first = cohort.manifest.slides[0].file;
  await rename(join(slides, first), join(slides, `${HOSTILE}.tif`));
  model = await writeTinyModel(tmp.dir);
}, 300_000);
afterAll(() => tmp?.cleanup());

describe.runIf(env)('SLURM orchestration on the local cluster', () => {
  test('a run split across arrays (MaxArraySize 8) completes and equals the local executor, hostile names inert', async () => {
    const run = join(tmp.dir, `run ${HOSTILE}`);
    const local = join(tmp.dir, 'run-local');
    for (const r of [run, local]) expect((await sl(['plan', slides, '--out', r, '--patches-per-shard', '20', '-q'])).exitCode).toBe(0);
    const plan: PlanFile = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));
    expect(plan.tasks.pack.length).toBeGreaterThan(8);
    const sub = await sl(['submit', run, '--model', model, ...submitArgs, '--json']);
    expect(sub.exitCode, String(sub.stderr)).toBe(0);
    const submitted = parseJson(sub);
    expect(submitted.limits.maxArraySize).toBe(8);
    const arrays = submitted.submissions.filter((s: { stage: string }) => s.stage === 'pack');
    expect(arrays.length).toBe(Math.ceil(plan.tasks.pack.length / 8));
    for (const a of arrays) expect(Math.max(...a.chunk.indices)).toBeLessThan(8);
    // A second submission over live jobs is refused.
    const again = await sl(['submit', run, '--model', model, ...submitArgs]);
    expect(again.exitCode).toBe(2);
    expect(String(again.stderr)).toContain('not submitting a second time');
    const status = await waitFinished(run);
    for (const st of status.stages) expect(st.counts.done, `${st.stage}: ${JSON.stringify(st.counts)}`).toBe(st.total);
    expect((await sl(['run', local, '--executor', 'local', '--model', model, '-q'])).exitCode).toBe(0);
    expect(await readFile(join(run, 'scores.csv'), 'utf8')).toBe(await readFile(join(local, 'scores.csv'), 'utf8'));
    for (const s of plan.shards.list) {
      const a = await readPredictions(join(run, 'predictions', `${s.id}.h5`));
      const b = await readPredictions(join(local, 'predictions', `${s.id}.h5`));
      expect(Array.from(a.probabilities)).toEqual(Array.from(b.probabilities));
    }
    for (const dir of [tmp.dir, slides, run, process.cwd(), join(run, 'slurm')]) {
      expect(existsSync(join(dir, 'PWNED1')), dir).toBe(false);
      expect(existsSync(join(dir, 'PWNED2')), dir).toBe(false);
    }
    expect(plan.slides.some((s) => s.name === `${HOSTILE}.tif` && s.status === 'planned')).toBe(true);
    const logs = await readdir(join(run, 'logs', 'pack'));
    expect(logs.length).toBe(plan.tasks.pack.length);
  }, 600_000);

  test('a task that fails on purpose is resubmitted alone, with its dependants, and the run completes', async () => {
    const own = join(tmp.dir, 'slides-fail');
    const cohort = await makeCohort(own, 2, 5000, 4000, 71);
    const run = join(tmp.dir, 'run-fail');
    expect((await sl(['plan', own, '--out', run, '--patches-per-shard', '40', '-q'])).exitCode).toBe(0);
    const plan: PlanFile = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));
    // Hide the second slide: the pack tasks holding its patches fail, the others succeed.
    const victim = join(own, cohort.manifest.slides[1].file);
    await rename(victim, `${victim}.away`);
    const victimId = plan.slides.find((s) => s.name === cohort.manifest.slides[1].file)?.id;
    const failing = plan.tasks.pack
      .filter((t) => t.shards.some((i) => plan.shards.list[i].segments.some((g) => g.slideId === victimId)))
      .map((t) => t.task);
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.length).toBeLessThan(plan.tasks.pack.length);
    expect((await sl(['submit', run, '--model', model, ...submitArgs, '-q'])).exitCode).toBe(0);
    const first = await waitFinished(run);
    const packFailed = first.stages[0].tasks.filter((t: { phase: string }) => t.phase === 'failed').map((t: { task: number }) => t.task);
    expect(packFailed).toEqual(failing);
    const statusText = await sl(['status', run]);
    expect(statusText.exitCode).toBe(1);
    expect(String(statusText.stdout)).toMatch(/pack\s+\d+\s+FAILED|failed/);
    await rename(`${victim}.away`, victim);
    const re = await sl(['resubmit', run, '--model', model, ...submitArgs, '--json']);
    expect(re.exitCode, String(re.stderr)).toBe(0);
    const resubmitted = parseJson(re);
    expect(resubmitted.tasks.pack).toEqual(failing);
    expect(resubmitted.tasks.infer).toEqual(failing);
    for (const j of resubmitted.jobs) if (j.stage !== 'merge') for (const i of j.indices) expect(i).toBeLessThan(8);
    const done = await waitFinished(run);
    for (const st of done.stages) expect(st.counts.done, st.stage).toBe(st.total);
    expect(existsSync(join(run, 'scores.csv'))).toBe(true);
  }, 600_000);

  test('status works without accounting (scontrol/squeue) and with it (sacct)', async () => {
    const run = join(tmp.dir, 'run-acct');
    expect((await sl(['plan', slides, '--out', run, '--patches-per-shard', '200', '-q'])).exitCode).toBe(0);
    restartCluster(true);
    try {
      // `--setup 'sleep 8'` keeps the tasks running while we ask, so SLURM (not markers) must answer.
      expect((await sl(['submit', run, '--stages', 'pack', ...submitArgs, '--setup', 'sleep 8', '-q'])).exitCode).toBe(0);
      // While jobs are queued or running, states come from scontrol/squeue.
      const s = parseJson<RunStatus>(await sl(['status', run, '--json']));
      expect(s.source).toBe('scontrol');
      const fin = await waitFinished(run);
      expect(fin.stages[0].counts.done).toBe(fin.stages[0].total);
    } finally {
      restartCluster(false);
    }
    const run2 = join(tmp.dir, 'run-acct2');
    expect((await sl(['plan', slides, '--out', run2, '--patches-per-shard', '200', '-q'])).exitCode).toBe(0);
    expect((await sl(['submit', run2, '--stages', 'pack', ...submitArgs, '--setup', 'sleep 8', '-q'])).exitCode).toBe(0);
    const s2 = parseJson(await sl(['status', run2, '--json']));
    expect(s2.source).toBe('sacct');
    await waitFinished(run2);
  }, 600_000);
});
