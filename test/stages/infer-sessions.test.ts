// A task with several GPUs runs one ONNX Runtime session per GPU over its shards: one child process per
// session, each seeing only its GPU in CUDA_VISIBLE_DEVICES (or, on CPU, --sessions N sharing the
// threads). There is no GPU here, so the GPU split is shown end to end up to the provider: each child
// gets its own GPU id and falls back to CPU under --device auto, or fails the task under --device cuda.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, afterAll, describe, expect, test } from 'vitest';
import { readPredictions } from '../../src/hdf5/index.js';
import type { PlanFile } from '../../src/plan/index.js';
import { visibleGpuIds } from '../../src/runner/gpus.js';
import { splitSessions } from '../../src/stages/infer/session-split.js';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';
import { cp, rm } from 'node:fs/promises';

describe('splitSessions (pure)', () => {
  const shards = [
    { index: 4, patches: 10 },
    { index: 5, patches: 40 },
    { index: 6, patches: 30 },
    { index: 7, patches: 20 },
  ];
  test('one session per visible GPU, shards balanced by patches, each child its own GPU', () => {
    const s = splitSessions({ shards, device: 'auto', gpuIds: ['0', '1'], threads: 8 });
    expect(s.map((x) => [x.gpu, x.shards, x.patches, x.threads])).toEqual([
      ['0', [4, 5], 50, 8],
      ['1', [6, 7], 50, 8],
    ]);
  });
  test('one GPU or none: a single session; --device cpu ignores GPUs', () => {
    expect(splitSessions({ shards, device: 'auto', gpuIds: ['GPU-x'], threads: 4 })).toHaveLength(1);
    expect(splitSessions({ shards, device: 'auto', gpuIds: [], threads: 4 })).toHaveLength(1);
    expect(splitSessions({ shards, device: 'cpu', gpuIds: ['0', '1'], threads: 4 })).toHaveLength(1);
  });
  test('--sessions on CPU shares the threads; never more sessions than shards', () => {
    const s = splitSessions({ shards, device: 'cpu', sessions: 2, gpuIds: [], threads: 5 });
    expect(s.map((x) => [x.gpu, x.threads])).toEqual([
      [null, 2],
      [null, 2],
    ]);
    expect(splitSessions({ shards: shards.slice(0, 1), device: 'auto', gpuIds: ['0', '1', '2'], threads: 4 })).toHaveLength(1);
  });
  test('--sessions beyond the GPUs is a usage error naming both', () => {
    expect(() => splitSessions({ shards, device: 'cuda', sessions: 3, gpuIds: ['0', '1'], threads: 4 })).toThrow(
      /--sessions 3.*more sessions than the task has GPUs \(2: 0, 1\)/,
    );
  });
});

describe('visibleGpuIds', () => {
  const none = () => [];
  test.each([
    [{ CUDA_VISIBLE_DEVICES: '0,1' }, ['0', '1']],
    [{ CUDA_VISIBLE_DEVICES: 'GPU-aa, GPU-bb' }, ['GPU-aa', 'GPU-bb']],
    [{ CUDA_VISIBLE_DEVICES: 'NoDevFiles', SLURM_JOB_GPUS: '2' }, []],
    [{ CUDA_VISIBLE_DEVICES: '-1' }, []],
    [{ SLURM_JOB_GPUS: '2,3' }, ['2', '3']],
    [{}, []],
  ] as const)('%j -> %j', (env, ids) => expect(visibleGpuIds(env, none)).toEqual(ids));
  test('/dev/nvidiaN files when the environment says nothing', () => {
    expect(visibleGpuIds({}, () => ['nvidia1', 'nvidia0'])).toEqual(['0', '1']);
  });
});

let tmp: { dir: string; cleanup: () => Promise<void> };
let run: string;
let model: string;
let plan: PlanFile;

beforeAll(async () => {
  tmp = await makeTempDir('infer-sessions');
  await makeCohort(join(tmp.dir, 'slides'), 2, 3000, 2200, 41);
  model = await writeTinyModel(tmp.dir);
  run = join(tmp.dir, 'run');
  const p = await cli(['plan', join(tmp.dir, 'slides'), '--out', run, '--patches-per-shard', '20', '--shards-per-task', '4', '-q']);
  expect(p.exitCode, String(p.stderr)).toBe(0);
  expect((await cli(['pack', run, '-q'])).exitCode).toBe(0);
  plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')) as PlanFile;
  expect(plan.tasks.pack[0].shards.length).toBeGreaterThanOrEqual(3);
}, 180_000);
afterAll(() => tmp?.cleanup());

async function fresh(name: string): Promise<string> {
  const dir = join(tmp.dir, name);
  await cp(run, dir, { recursive: true });
  await rm(join(dir, 'predictions'), { recursive: true, force: true });
  await rm(join(dir, 'markers/infer'), { recursive: true, force: true });
  return dir;
}

async function probabilities(dir: string, shards: number[]): Promise<number[][]> {
  return Promise.all(
    shards.map(async (i) => Array.from((await readPredictions(join(dir, 'predictions', `${plan.shards.list[i].id}.h5`))).probabilities)),
  );
}

async function shardPids(dir: string): Promise<Set<number>> {
  const files = (await readdir(join(dir, 'markers/infer'))).filter((f) => f.startsWith('shard-'));
  const pids = await Promise.all(
    files.map(async (f) => (JSON.parse(await readFile(join(dir, 'markers/infer', f), 'utf8')) as { result: { pid: number } }).result.pid),
  );
  return new Set(pids);
}

test('--sessions 2 on CPU: two processes share the task, predictions equal one session', async () => {
  const one = await fresh('one');
  const two = await fresh('two');
  const shards = plan.tasks.pack[0].shards;
  expect((await cli(['infer', one, '--model', model, '--task', '0', '--device', 'cpu', '-q'])).exitCode).toBe(0);
  const r = await cli(['infer', two, '--model', model, '--task', '0', '--device', 'cpu', '--sessions', '2', '--threads', '2', '--json']);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  const out = parseJson(r);
  expect(out.sessions).toHaveLength(2);
  expect(out.sessions.flatMap((s: { shards: unknown[] }) => s.shards)).toHaveLength(shards.length);
  expect(out.sessions.map((s: { threads: number }) => s.threads)).toEqual([1, 1]);
  expect((await shardPids(one)).size).toBe(1);
  const pids = await shardPids(two);
  expect(pids.size).toBe(2);
  expect(new Set(out.sessions.map((s: { pid: number }) => s.pid))).toEqual(pids);
  expect(await probabilities(two, shards)).toEqual(await probabilities(one, shards));
  // The task marker is written once, by the parent, with its sessions.
  const marker = JSON.parse(await readFile(join(two, 'markers/infer/task-00000.json'), 'utf8'));
  expect(marker.status).toBe('done');
  expect(marker.result.sessions).toHaveLength(2);
}, 120_000);

test('two visible GPUs: one session per GPU, each child sees only its own; --device auto falls back once', async () => {
  const dir = await fresh('gpus');
  const env = { CUDA_VISIBLE_DEVICES: 'GPU-aaaa,GPU-bbbb' };
  const r = await cli(['infer', dir, '--model', model, '--task', '0', '--json'], { env });
  expect(r.exitCode, String(r.stderr)).toBe(0);
  const out = parseJson(r);
  expect(out.sessions.map((s: { gpu: string }) => s.gpu)).toEqual(['GPU-aaaa', 'GPU-bbbb']);
  expect(out.sessions[0].warning).toContain('CUDA_VISIBLE_DEVICES=GPU-aaaa)');
  expect(out.sessions[1].warning).toContain('CUDA_VISIBLE_DEVICES=GPU-bbbb)');
  expect(out.sessions.every((s: { provider: string }) => s.provider === 'cpu')).toBe(true);
  // The same fallback is said once, not once per GPU.
  expect(String(r.stderr).match(/Falling back to CPU/g)).toHaveLength(1);
  expect((await shardPids(dir)).size).toBe(2);
}, 120_000);

test('two visible GPUs and --device cuda without CUDA: the task fails with CUDA_UNAVAILABLE, no predictions', async () => {
  const dir = await fresh('cuda');
  const r = await cli(['infer', dir, '--model', model, '--task', '0', '--device', 'cuda', '--json'], {
    env: { CUDA_VISIBLE_DEVICES: '0,1' },
  });
  expect(r.exitCode).toBe(1);
  const { error } = parseJson(r);
  expect(error.code).toBe('CUDA_UNAVAILABLE');
  expect(error.message).toMatch(/^2 sessions: --device cuda: GPU visible \(CUDA_VISIBLE_DEVICES=0\).*libonnxruntime_providers_cuda\.so/);
  expect(error.hint).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12');
  await expect(readdir(join(dir, 'predictions'))).rejects.toThrow();
}, 120_000);

test("a shard that fails in one session fails alone: the other session's shards complete, exit 1", async () => {
  const dir = await fresh('broken');
  const shards = plan.tasks.pack[0].shards;
  await writeFile(join(dir, 'shards', `${plan.shards.list[shards[0]].id}.h5`), 'not hdf5');
  const r = await cli(['infer', dir, '--model', model, '--task', '0', '--device', 'cpu', '--sessions', '2', '--json']);
  expect(r.exitCode).toBe(1);
  const out = parseJson(r);
  const status = Object.fromEntries(out.shards.map((s: { shard: string; status: string }) => [s.shard, s.status]));
  expect(status[plan.shards.list[shards[0]].id]).toBe('failed');
  expect(Object.values(status).filter((s) => s === 'done')).toHaveLength(shards.length - 1);
}, 120_000);

test('--shards outside the task is a usage error naming the option', async () => {
  const r = await cli(['infer', run, '--model', model, '--task', '0', '--shards', '0,99', '--json']);
  expect(r.exitCode).toBe(2);
  expect(parseJson(r).error.message).toMatch(/^`--shards 0,99`: 99 is not a shard of task 0/);
});
