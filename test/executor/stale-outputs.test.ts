// status and resubmit agree with the stages about a done marker whose output went missing or changed
// (src/run/output-present.ts): such a task is 'stale', not done; status exits 1 with the reason, the
// stages redo it, and resubmit lists exactly it and its dependants, then redoes them (on the real local cluster).
import { readFile, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ResubmitResult, RunStatus, TaskStatus } from '../../src/executor/index.js';
import type { PlanFile } from '../../src/plan/index.js';
import { holdClusterDuringSuite, requireCluster, waitRunFinished } from '../fixtures/cluster.js';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

const env = requireCluster();
let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;
let model: string;
const submitArgs = ['--cpus-per-task', '1', '--mem-gb', '0.5', '--time', '00:10:00'];
const sl = (args: string[]) => cli(args, { env: env ?? {} });

beforeAll(async () => {
  tmp = await makeTempDir('stale-outputs');
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 4000, 3000, 83);
  model = await writeTinyModel(tmp.dir);
}, 120_000);
afterAll(() => tmp?.cleanup());

async function planRun(name: string): Promise<{ run: string; plan: PlanFile }> {
  const run = join(tmp.dir, name);
  const p = await cli(['plan', slides, '--out', run, '--patches-per-shard', '40', '-q']);
  expect(p.exitCode, String(p.stderr)).toBe(0);
  const plan: PlanFile = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));
  expect(plan.tasks.pack.length).toBeGreaterThan(2);
  return { run, plan };
}

const task = (s: RunStatus, stage: string, n: number): TaskStatus | undefined =>
  s.stages.find((x) => x.stage === stage)?.tasks.find((t) => t.task === n);
const notDone = (s: RunStatus) => s.stages.flatMap((x) => x.tasks.filter((t) => t.phase !== 'done').map((t) => `${t.stage}:${t.task}`));
const firstShard = (plan: PlanFile, n: number) => plan.shards.list[plan.tasks.pack[n].shards[0]].id;

describe('status after a local run', () => {
  let run: string;
  let plan: PlanFile;
  beforeAll(async () => {
    ({ run, plan } = await planRun('run-local'));
    const r = await cli(['run', run, '--executor', 'local', '--model', model, '-q']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const s = await cli(['status', run, '--json']);
    expect(s.exitCode, String(s.stderr)).toBe(0);
    expect(notDone(parseJson<RunStatus>(s))).toEqual([]);
  }, 300_000);

  test('a deleted predictions file makes its infer task stale (exit 1, with the reason); `run` redoes it and status is done again', async () => {
    const victim = 1;
    const file = join(run, 'predictions', `${firstShard(plan, victim)}.h5`);
    await rm(file);
    const r = await cli(['status', run, '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(1);
    const s = parseJson<RunStatus>(r);
    expect(notDone(s)).toEqual([`infer:${victim}`]);
    expect(task(s, 'infer', victim)).toMatchObject({ phase: 'stale', reason: `done marker but output missing: ${file}` });
    expect(s.stages.find((x) => x.stage === 'infer')?.counts.stale).toBe(1);
    expect(s.isFinished).toBe(true);
    const text = await cli(['status', run]);
    expect(text.exitCode).toBe(1);
    expect(String(text.stdout)).toMatch(new RegExp(`infer\\s+${victim}\\s+stale.*done marker but output missing`));
    // The stage agrees: it redoes exactly that shard, and then status counts it done again.
    const again = await cli(['run', run, '--executor', 'local', '--model', model, '--stages', 'infer', '--json']);
    expect(again.exitCode, String(again.stderr)).toBe(0);
    await stat(file);
    const after = await cli(['status', run, '--json']);
    expect(after.exitCode, String(after.stderr)).toBe(0);
    expect(notDone(parseJson<RunStatus>(after))).toEqual([]);
  }, 300_000);

  test('a truncated shard makes its pack task stale, naming both sizes; pack repacks it', async () => {
    const victim = 0;
    const file = join(run, 'shards', `${firstShard(plan, victim)}.h5`);
    const bytes = (await stat(file)).size;
    await truncate(file, 4096);
    const r = await cli(['status', run, '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(1);
    const s = parseJson<RunStatus>(r);
    expect(notDone(s)).toEqual([`pack:${victim}`]);
    expect(task(s, 'pack', victim)).toMatchObject({
      phase: 'stale',
      reason: `done marker but output changed: ${file} is 4096 bytes, the marker recorded ${bytes}`,
    });
    const again = await cli(['run', run, '--executor', 'local', '--stages', 'pack', '-q']);
    expect(again.exitCode, String(again.stderr)).toBe(0);
    expect((await stat(file)).size).toBe(bytes);
    expect(notDone(parseJson<RunStatus>(await cli(['status', run, '--json'])))).toEqual([]);
  }, 300_000);
});

describe.runIf(env)('resubmit on the local cluster', () => {
  holdClusterDuringSuite(env);

  const waitFinished = (run: string, timeoutS = 600) => waitRunFinished(env ?? {}, run, timeoutS);

  test('resubmit --dry-run lists exactly the tasks with a missing or changed output, and their dependants', async () => {
    const { run, plan } = await planRun('run-slurm');
    expect((await sl(['submit', run, '--model', model, ...submitArgs, '-q'])).exitCode).toBe(0);
    const first = await waitFinished(run);
    expect(notDone(first), JSON.stringify(first)).toEqual([]);
    const nothing = parseJson<ResubmitResult>(await sl(['resubmit', run, '--model', model, ...submitArgs, '--dry-run', '--json']));
    expect(nothing.jobs).toEqual([]);

    // Task 1 lost its predictions (infer only); task 2's shard was cut short (pack, then infer and merge).
    const predictions = join(run, 'predictions', `${firstShard(plan, 1)}.h5`);
    const shard = join(run, 'shards', `${firstShard(plan, 2)}.h5`);
    await rm(predictions);
    await truncate(shard, 4096);
    const st = await sl(['status', run, '--json']);
    expect(st.exitCode).toBe(1);
    const s = parseJson<RunStatus>(st);
    expect(notDone(s)).toEqual(['pack:2', 'infer:1']);
    expect(task(s, 'infer', 1)?.reason).toBe(`done marker but output missing: ${predictions}`);
    expect(task(s, 'pack', 2)?.reason).toMatch(/^done marker but output changed: .* is 4096 bytes, the marker recorded \d+$/);

    const dry = await sl(['resubmit', run, '--model', model, ...submitArgs, '--dry-run', '--json']);
    expect(dry.exitCode, String(dry.stderr)).toBe(0);
    const r = parseJson<ResubmitResult>(dry);
    expect(r.tasks).toEqual({ pack: [2], infer: [1, 2], merge: [0] });
    expect(r.causes.map((c) => [c.stage, c.task, c.phase])).toEqual([
      ['pack', 2, 'stale'],
      ['infer', 1, 'stale'],
    ]);
    const arrays = r.jobs.map((j) => [j.stage, j.indices.map((i) => i + j.offset)]);
    expect(arrays).toEqual([
      ['pack', [2]],
      ['infer', [2]],
      ['infer', [1]],
      ['merge', []],
    ]);
    // Nothing was submitted: the files are still as we left them.
    expect((await stat(shard)).size).toBe(4096);

    // Resubmitted for real (`sleep 8` keeps the tasks alive while we ask): live jobs, not the stale markers, decide.
    const re = await sl(['resubmit', run, '--model', model, ...submitArgs, '--setup', 'sleep 8', '--json']);
    expect(re.exitCode, String(re.stderr)).toBe(0);
    const live = parseJson<RunStatus>(await sl(['status', run, '--json']));
    for (const [stage, n] of [
      ['pack', 2],
      ['infer', 1],
    ] as const)
      expect(['queued', 'running', 'unknown']).toContain(task(live, stage, n)?.phase);
    expect(live.isFinished).toBe(false);
    const done = await waitFinished(run);
    expect(notDone(done), JSON.stringify(done)).toEqual([]);
    const fin = await sl(['status', run, '--json']);
    expect(fin.exitCode).toBe(0);
    expect((await stat(shard)).size).toBeGreaterThan(4096);
    await stat(predictions);
  }, 900_000);
});
