// On the real local SLURM cluster, which has partitions debug (default), cpu and gpu on its one node
// (slurm/conf.sh; the gpu partition has no GPUs): `submit --pack-partition cpu --infer-partition gpu
// --merge-partition cpu` puts each stage's jobs on its partition (scontrol show job), the run completes,
// and `resubmit` renders the same per-stage partitions (and takes --container).
import { execFileSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { holdClusterDuringSuite, requireCluster, waitRunFinished } from '../fixtures/cluster.js';
import { cli, makeCohort, makeTempDir, parseJson, pathExists } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

const env = requireCluster();
let tmp: { dir: string; cleanup: () => Promise<void> };
let model: string;
let run: string;
const submitArgs = ['--cpus-per-task', '1', '--mem-gb', '0.5', '--time', '00:10:00'];
const partitions = ['--pack-partition', 'cpu', '--infer-partition', 'gpu', '--merge-partition', 'cpu'];
const expected: Record<string, string> = { pack: 'cpu', infer: 'gpu', merge: 'cpu' };
const sl = (args: string[]) => cli(args, { env: env ?? {} });

holdClusterDuringSuite(env);
beforeAll(async () => {
  if (!env) return;
  tmp = await makeTempDir('stage-partitions');
  model = await writeTinyModel(tmp.dir);
  const slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 2200, 1700, 87);
  run = join(tmp.dir, 'run');
  const p = await sl(['plan', slides, '--out', run, '--patches-per-shard', '150', '-q']);
  expect(p.exitCode, String(p.stderr)).toBe(0);
}, 120_000);
afterAll(() => tmp?.cleanup());

/** The partition of every task of a job (an array job lists one record per task). */
function jobPartitions(jobId: string): string[] {
  const text = execFileSync('scontrol', ['show', 'job', jobId], { env: { ...process.env, ...(env ?? {}) }, encoding: 'utf8' });
  return [...text.matchAll(/\bPartition=(\S+)/g)].map((m) => m[1]);
}

describe.runIf(env)('per-stage partitions on the local cluster', () => {
  test('the cluster has the cpu and gpu partitions beside the default debug', () => {
    const out = execFileSync('sinfo', ['-h', '-o', '%P'], { env: { ...process.env, ...(env ?? {}) }, encoding: 'utf8' });
    expect(out.split('\n').filter(Boolean).sort()).toEqual(['cpu', 'debug*', 'gpu']);
  });

  test('each stage runs on its own partition and the run completes; resubmit keeps them', async () => {
    const s = await sl(['submit', run, '--model', model, ...submitArgs, ...partitions, '--json']);
    expect(s.exitCode, String(s.stderr)).toBe(0);
    const subs = parseJson<{ submissions: Array<{ stage: string; jobId: string; script: string }> }>(s).submissions;
    expect(new Set(subs.map((j) => j.stage))).toEqual(new Set(['pack', 'infer', 'merge']));
    expect(subs.filter((j) => j.stage === 'pack').length).toBeGreaterThan(0);
    for (const j of subs) {
      expect(j.script).toContain(`#SBATCH --partition=${expected[j.stage]}\n`);
      const seen = jobPartitions(j.jobId);
      expect(seen.length, `scontrol show job ${j.jobId}`).toBeGreaterThan(0);
      expect(new Set(seen), `${j.stage} job ${j.jobId}`).toEqual(new Set([expected[j.stage]]));
    }
    const status = await waitRunFinished(env ?? {}, run, 600);
    for (const st of status.stages) expect(st.counts.done, `${st.stage}: ${JSON.stringify(st.tasks)}`).toBe(st.total);
    expect(await pathExists(join(run, 'scores.csv'))).toBe(true);
    // Finished jobs stay in scontrol for MinJobAge (300 s): still on their partitions.
    for (const j of subs) expect(new Set(jobPartitions(j.jobId))).toEqual(new Set([expected[j.stage]]));

    // One prediction gone: resubmit plans infer and merge again, on the partitions given.
    await rm(join(run, 'predictions', 'shard-00000.h5'));
    const image = join(tmp.dir, 'wsi-hpc.sif');
    await writeFile(image, 'stand-in image\n');
    const dry = await sl(['resubmit', run, '--model', model, ...submitArgs, ...partitions, '--container', image, '--dry-run', '--json']);
    expect(dry.exitCode, String(dry.stderr)).toBe(0);
    const jobs = parseJson<{ jobs: Array<{ stage: string; script: string }> }>(dry).jobs;
    expect(new Set(jobs.map((j) => j.stage))).toEqual(new Set(['infer', 'merge']));
    for (const j of jobs) {
      expect(j.script).toContain(`#SBATCH --partition=${expected[j.stage]}\n`);
      expect(j.script).toContain(` ${image} wsi-hpc ${j.stage} ${run} --quiet`);
    }
  }, 900_000);
});
