// `wsi-hpc study --executor slurm` on the real local cluster: each configuration (here sliding and
// dense at stride 64 with a tiny FCN whose card allows dense) is planned here and submitted as SLURM
// arrays with `submit`'s options; its timings are read from the task markers (wall: first start to last
// finish; core-seconds: task seconds times the allocated CPUs); accuracy, methods and |Δp| equal the
// local executor's on the same slides; a rerun reuses the stored timings; SLURM options without
// --executor slurm, and bad ones with it, are usage errors before anything runs.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildFcn } from '../../src/model/dense/index.js';
import type { Marker } from '../../src/run/markers.js';
import { holdClusterDuringSuite, requireCluster } from '../fixtures/cluster.js';
import { execa } from 'execa';
import { BIN, cli, makeCohort, makeTempDir, parseJson, pathExists } from '../fixtures/index.js';

interface Row {
  config: string;
  method: string;
  methodReason: string;
  patches: number;
  patchAuc: number;
  reused: boolean;
  measuredAt: string;
  bytesPackedPerSlide: number;
  wallSecondsPerSlide: number;
  coreSecondsPerSlide: number;
  denseMaxAbsDiff: number | null;
  denseMeanAbsDiff: number | null;
}
interface Timing {
  stage: string;
  wallSeconds: number;
  coreSeconds: number;
}

const env = requireCluster();
let tmp: { dir: string; cleanup: () => Promise<void> };
let base: string[];
const slurmArgs = ['--executor', 'slurm', '--cpus-per-task', '1', '--mem-gb', '1', '--time', '00:20:00'];
const sl = (args: string[]) => cli(args, { env: env ?? {} });

holdClusterDuringSuite(env);
beforeAll(async () => {
  tmp = await makeTempDir('study-slurm');
  const slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 2200, 1800, 41);
  const { bytes, card } = buildFcn({ padding: 'valid', seed: 3 });
  const model = join(tmp.dir, 'fcn.onnx');
  await writeFile(model, bytes);
  await writeFile(join(tmp.dir, 'fcn.json'), JSON.stringify({ ...card, dense: { allowed: true, totalStride: 32 } }));
  base = ['study', slides, '--annotations', join(slides, 'annotations'), '--model', model, '--sample', '2'];
  base.push('--vary', 'stride=64', '--vary', 'method=sliding,dense', '--json');
}, 180_000);
afterAll(() => tmp?.cleanup());

async function taskMarkers(run: string, stage: string): Promise<Marker[]> {
  const dir = join(run, 'markers', stage);
  const names = (await readdir(dir)).filter((n) => /^task-\d+\.json$/.test(n));
  return Promise.all(names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as Marker));
}

describe.runIf(env)('study --executor slurm on the local cluster', () => {
  let rows: Row[];
  const out = () => join(tmp.dir, 'on-slurm');

  test('the configurations run as SLURM arrays, timed from their task markers, and score as the local executor does', async () => {
    const r = await sl([...base, '--out', out(), ...slurmArgs]);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stderr)).toContain('submitted to SLURM');
    const json = parseJson<{ executor: string; table: Row[]; stages: Record<string, Timing[]> }>(r);
    expect(json.executor).toBe('slurm');
    rows = json.table;
    expect(rows.map((x) => [x.config, x.method, x.reused])).toEqual([
      ['stride-64_method-sliding', 'sliding', false],
      ['stride-64_method-dense', 'dense', false],
    ]);
    for (const row of rows) {
      const run = join(out(), 'configs', row.config);
      const jobs = JSON.parse(await readFile(join(run, 'slurm', 'jobs.json'), 'utf8'));
      expect(jobs.jobs.map((j: { stage: string }) => j.stage)).toEqual(['pack', 'infer', 'merge']);
      // Each stage's timing is its task markers': wall from the first start to the last finish, cores x seconds.
      const [plan, ...stages] = json.stages[row.config];
      expect(plan.stage).toBe('plan');
      for (const [k, stage] of (['pack', 'infer'] as const).entries()) {
        const markers = await taskMarkers(run, stage);
        expect(markers.length).toBeGreaterThan(0);
        expect(markers.every((m) => m.status === 'done')).toBe(true);
        // The shards were done by the SLURM jobs recorded for this stage.
        const shard = JSON.parse(await readFile(join(run, 'markers', stage, 'shard-00000.json'), 'utf8')) as Marker;
        const stageJobs = jobs.jobs.filter((j: { stage: string }) => j.stage === stage).map((j: { jobId: string }) => j.jobId);
        expect(stageJobs).toContain(shard.attempt?.slurmJobId?.split('_')[0]);
        const start = Math.min(...markers.map((m) => Date.parse(m.startedAt)));
        const end = Math.max(...markers.map((m) => Date.parse(m.finishedAt)));
        expect(stages[k].stage).toBe(stage);
        expect(stages[k].wallSeconds).toBeCloseTo((end - start) / 1000, 6);
        expect(stages[k].coreSeconds).toBeCloseTo(markers.reduce((n, m) => n + m.seconds, 0) * 1, 6);
      }
      const merge = JSON.parse(await readFile(join(run, 'markers', 'merge', 'merge.json'), 'utf8')) as Marker;
      expect(stages[2]).toMatchObject({ stage: 'merge', coreSeconds: merge.seconds });
      const all = json.stages[row.config];
      expect(row.coreSecondsPerSlide).toBeCloseTo(all.reduce((n, s) => n + s.coreSeconds, 0) / 2, 9);
    }
    expect(rows[1].denseMaxAbsDiff).toBeLessThan(1e-4);
    // The same configurations on this machine: the same predictions, so the same accuracy, bytes and |Δp|.
    const local = await cli([...base, '--out', join(tmp.dir, 'local')]);
    expect(local.exitCode, String(local.stderr)).toBe(0);
    const here = parseJson<{ executor: string; table: Row[] }>(local);
    expect(here.executor).toBe('local');
    const pick = (t: Row[]) =>
      t.map((x) => [x.config, x.method, x.methodReason, x.patches, x.patchAuc, x.denseMaxAbsDiff, x.denseMeanAbsDiff]);
    expect(pick(rows)).toEqual(pick(here.table));
  }, 900_000);

  test('run again, the study reuses the stored cluster timings and submits nothing', async () => {
    const r = await sl([...base, '--out', out(), ...slurmArgs]);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stderr)).not.toContain('submitted to SLURM');
    const again = parseJson<{ table: Row[] }>(r).table;
    expect(again.map((x) => [x.reused, x.measuredAt, x.coreSecondsPerSlide])).toEqual(
      rows.map((x) => [true, x.measuredAt, x.coreSecondsPerSlide]),
    );
  }, 600_000);

  test('a study stopped while it waits for its jobs waits for the same jobs when run again (nothing submitted twice)', async () => {
    const study = join(tmp.dir, 'interrupted');
    const first = execa('node', [BIN, ...base, '--out', study, ...slurmArgs], { env: env ?? {}, reject: false });
    let stderr = '';
    first.stderr?.on('data', (d: Buffer) => {
      stderr += String(d);
      if ((stderr.match(/submitted to SLURM/g) ?? []).length === 2) first.kill('SIGTERM');
    });
    await first;
    expect(stderr.match(/submitted to SLURM/g)?.length, stderr).toBe(2);
    expect(await pathExists(join(study, 'study.json'))).toBe(false);
    const jobsBefore = await readFile(join(study, 'configs', 'stride-64_method-dense', 'slurm', 'jobs.json'), 'utf8');
    const r = await sl([...base, '--out', study, ...slurmArgs]);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stderr)).not.toContain('submitted to SLURM');
    expect(String(r.stderr)).toContain(
      'configuration stride-64_method-dense on 2 slide(s): submitted by an earlier run of the study, waiting for its jobs',
    );
    expect(await readFile(join(study, 'configs', 'stride-64_method-dense', 'slurm', 'jobs.json'), 'utf8')).toBe(jobsBefore);
    const table = parseJson<{ table: Row[] }>(r).table;
    expect(table.map((x) => [x.method, x.reused])).toEqual([
      ['sliding', false],
      ['dense', false],
    ]);
  }, 900_000);

  test('a configuration whose tasks fail on the cluster fails the study (exit 1, RUN_INCOMPLETE naming it)', async () => {
    const study = join(tmp.dir, 'failing');
    const r = await sl([...base, '--out', study, ...slurmArgs, '--setup', 'exit 3']);
    expect(r.exitCode, String(r.stderr)).toBe(1);
    const error = parseJson(r).error;
    expect(error.code).toBe('RUN_INCOMPLETE');
    expect(error.message).toContain('configuration stride-64_method-sliding: shard-00000 (not inferred');
    expect(await pathExists(join(study, 'configs', 'stride-64_method-sliding', 'timings.json'))).toBe(false);
    // Run again as it is, the failed configuration is submitted afresh (not waited for once more).
    const again = await sl([...base, '--out', study, ...slurmArgs, '--setup', 'exit 3']);
    expect(again.exitCode).toBe(1);
    expect(String(again.stderr)).toContain('configuration stride-64_method-sliding on 2 slide(s): submitted to SLURM');
  }, 900_000);
});

test.each([
  [['--partition', 'debug'], '`--partition` applies to `--executor slurm`; the local executor cannot use it'],
  [['--executor', 'slurm', '--time', 'soon'], 'Expected `time` in SLURM form'],
  [['--executor', 'slurm', '--cpus-per-task', '0'], '`--cpus-per-task`'],
])('study %j is a usage error before any configuration plans', async (extra, message) => {
  const out = join(tmp.dir, `refused-${extra.join('')}`);
  const r = await cli([...base, '--out', out, ...extra]);
  expect(r.exitCode, String(r.stderr)).toBe(2);
  expect(parseJson(r).error.message).toContain(message);
  expect(await pathExists(out)).toBe(false);
});
