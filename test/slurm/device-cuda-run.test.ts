// `--device cuda` where CUDA cannot be used (no GPU here, and this install has no CUDA provider) fails
// the infer tasks (CUDA_UNAVAILABLE, exit 1) with a message naming the missing provider library, on the real local SLURM
// cluster and with the local executor alike: no task spends its allocation at CPU speed, no
// predictions are written, and merge does not run. Also: the tasks run what was submitted, so a
// wsi-hpc.yaml in the folder they start in is not read again.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunStatus } from '../../src/executor/index.js';
import { holdClusterDuringSuite, requireCluster, waitRunFinished } from '../fixtures/cluster.js';
import { cli, makeCohort, makeTempDir, parseJson, pathExists } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

const env = requireCluster();
let tmp: { dir: string; cleanup: () => Promise<void> };
let model: string;
let slides: string;
const submitArgs = ['--cpus-per-task', '1', '--mem-gb', '0.5', '--time', '00:10:00'];

holdClusterDuringSuite(env);
beforeAll(async () => {
  tmp = await makeTempDir('device-cuda-run');
  model = await writeTinyModel(tmp.dir);
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 2200, 1700, 91);
}, 120_000);
afterAll(() => tmp?.cleanup());

async function plan(name: string): Promise<string> {
  const run = join(tmp.dir, name);
  const p = await cli(['plan', slides, '--out', run, '--patches-per-shard', '150', '-q']);
  expect(p.exitCode, String(p.stderr)).toBe(0);
  return run;
}

async function logsOf(dir: string): Promise<string> {
  const files = await readdir(dir).catch(() => [] as string[]);
  return (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).join('\n');
}

describe.runIf(env)('on the local SLURM cluster', () => {
  test('submit --device cuda: every infer task fails with CUDA_UNAVAILABLE, merge never runs', async () => {
    const run = await plan('slurm');
    const s = await cli(['submit', run, '--model', model, '--device', 'cuda', ...submitArgs, '--json'], { env: env ?? {} });
    expect(s.exitCode, String(s.stderr)).toBe(0);
    const infer = parseJson<{ submissions: Array<{ stage: string; script: string }> }>(s).submissions.filter((j) => j.stage === 'infer');
    expect(infer[0].script).toMatch(/infer .* --device cuda/);
    const status: RunStatus = await waitRunFinished(env ?? {}, run, 600);
    const byStage = Object.fromEntries(status.stages.map((st) => [st.stage, st]));
    expect(byStage.pack.counts.done).toBe(byStage.pack.total);
    expect(byStage.infer.counts.failed).toBe(byStage.infer.total);
    expect(byStage.merge.counts.done).toBe(0);
    const logs = await logsOf(join(run, 'logs/infer'));
    expect(logs).toMatch(/--device cuda: no GPU visible .*libonnxruntime_providers_cuda\.so is missing/);
    expect(logs).not.toMatch(/at .*\.js:\d+:\d+/);
    expect(await pathExists(join(run, 'predictions'))).toBe(false);
    expect(await pathExists(join(run, 'scores.csv'))).toBe(false);
  }, 700_000);
});

test('run --executor local --device cuda fails the infer tasks with the message, exit 1', async () => {
  const run = await plan('local');
  const r = await cli(['run', run, '--model', model, '--device', 'cuda']);
  expect(r.exitCode).toBe(1);
  expect(String(r.stderr)).toMatch(/infer task 0 failed/);
  expect(String(r.stderr)).toMatch(/--device cuda: no GPU visible .*libonnxruntime_providers_cuda\.so is missing/);
  expect(await pathExists(join(run, 'scores.csv'))).toBe(false);
}, 300_000);

test('tasks do not read the config file again: an `infer: {device: cuda}` section there does not reach them', async () => {
  const run = await plan('config');
  await writeFile(join(tmp.dir, 'wsi-hpc.yaml'), 'infer:\n  device: cuda\n');
  // The same file makes a plain `infer` in that folder ask for CUDA ...
  const direct = await cli(['infer', run, '--model', model, '--print-config', '--json'], { cwd: tmp.dir });
  expect(parseJson(direct).options.device).toBe('cuda');
  // ... but `run` from that folder completes: its tasks run the command it rendered, nothing more.
  const r = await cli(['run', run, '--model', model, '--json'], { cwd: tmp.dir });
  expect(r.exitCode, String(r.stderr)).toBe(0);
  expect(await readFile(join(run, 'slurm/infer-local.sbatch'), 'utf8')).toContain('export WSI_HPC_CONFIG=/dev/null\n');
  expect(await pathExists(join(run, 'scores.csv'))).toBe(true);
}, 300_000);
