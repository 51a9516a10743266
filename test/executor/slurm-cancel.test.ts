// The SLURM executor's cancel (`wsi-hpc cancel RUN`) on the local cluster: every queued or running job
// of the run is scancelled, status then shows no task queued or running, and a second cancel finds nothing.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CancelResult } from '../../src/executor/index.js';
import { holdClusterDuringSuite, requireCluster, waitRunFinished } from '../fixtures/cluster.js';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

const env = requireCluster();
let tmp: { dir: string; cleanup: () => Promise<void> };
const sl = (args: string[]) => cli(args, { env: env ?? {} });

beforeAll(async () => {
  tmp = await makeTempDir('slurm-cancel');
}, 60_000);
afterAll(() => tmp?.cleanup());

describe.runIf(env)('cancel on the local cluster', () => {
  holdClusterDuringSuite(env);

  test('cancel scancels the queued and running jobs of the run (wave drivers first); a second cancel finds none', async () => {
    const slides = join(tmp.dir, 'slides');
    await makeCohort(slides, 2, 4000, 3000, 37);
    const model = await writeTinyModel(tmp.dir);
    const run = join(tmp.dir, 'run');
    expect((await cli(['plan', slides, '--out', run, '--patches-per-shard', '40', '-q'])).exitCode).toBe(0);
    // Each task sleeps first, so the jobs are still queued or running when cancel comes.
    const sub = await sl([
      'submit',
      run,
      '--model',
      model,
      '--cpus-per-task',
      '1',
      '--mem-gb',
      '0.5',
      '--time',
      '00:05:00',
      '--setup',
      'sleep 120',
      '-q',
    ]);
    expect(sub.exitCode, String(sub.stderr)).toBe(0);
    const jobs: string[] = JSON.parse(await readFile(join(run, 'slurm', 'jobs.json'), 'utf8')).jobs.map((j: { jobId: string }) => j.jobId);
    const r = await sl(['cancel', run, '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(parseJson<CancelResult>(r).cancelled.sort()).toEqual([...jobs].sort());
    let left = jobs;
    for (let t = 0; left.length && t < 60; t++) {
      await new Promise((res) => setTimeout(res, 1000));
      const q = await execa('squeue', ['-h', '-o', '%i', '-j', jobs.join(',')], { env: { ...process.env, ...env }, reject: false });
      left = String(q.stdout).split('\n').filter(Boolean);
    }
    expect(left).toEqual([]);
    // Accounting may take a moment to record the cancellations.
    const status = await waitRunFinished(env ?? {}, run, 120);
    expect(status.stages.every((s) => s.counts.done === 0)).toBe(true);
    const again = await sl(['cancel', run]);
    expect(again.exitCode, String(again.stderr)).toBe(0);
    expect(String(again.stdout), String(again.stderr)).toBe('nothing to cancel: no job of this run is queued or running');
    const never = await sl(['cancel', slides]);
    expect(never.exitCode).toBe(2);
    expect(String(never.stderr)).toContain(`error: ${join(slides, 'slurm', 'jobs.json')}: nothing was submitted for this run`);
  }, 300_000);
});
