// `run --executor local` with real processes: each array task runs the stage's sbatch script (the one
// `submit` renders) as its own process with SLURM's task environment; a failed or killed task fails
// alone (its dependants skipped, exit 1); SIGTERM cancels the tasks' process groups and a rerun completes.
import { mkdir, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LocalRunResult } from '../../src/executor/index.js';
import type { PlanFile } from '../../src/plan/index.js';
import { BIN, cli, makeCohort, makeTempDir, parseJson, ROOT } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let model: string;
let cohort: Awaited<ReturnType<typeof makeCohort>>;
let slides: string;

beforeAll(async () => {
  tmp = await makeTempDir('local-executor');
  slides = join(tmp.dir, 'slides');
  cohort = await makeCohort(slides, 3, 4000, 3000, 29);
  model = await writeTinyModel(tmp.dir);
}, 120_000);
afterAll(() => tmp?.cleanup());

async function planRun(name: string, from = slides): Promise<{ run: string; plan: PlanFile }> {
  const run = join(tmp.dir, name);
  const p = await cli(['plan', from, '--out', run, '--patches-per-shard', '40', '-q']);
  expect(p.exitCode, String(p.stderr)).toBe(0);
  const plan: PlanFile = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));
  expect(plan.tasks.pack.length).toBeGreaterThan(2);
  return { run, plan };
}

const json = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;
const pad = (n: number) => String(n).padStart(5, '0');
interface Marker {
  status: string;
  attempt?: { pid: number; slurmJobId: string | null };
  result?: { reason?: string; shards?: Array<{ shard: string }> };
}

/** Live task processes (the node stage under bash) of the local run whose CLI has pid `cliPid`, from /proc. */
async function taskProcesses(cliPid: number): Promise<Array<{ pid: number; env: Record<string, string> }>> {
  const found: Array<{ pid: number; env: Record<string, string> }> = [];
  for (const d of await readdir('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const [environ, cmdline] = await Promise.all([readFile(`/proc/${d}/environ`, 'utf8'), readFile(`/proc/${d}/cmdline`, 'utf8')]).catch(
      () => ['', ''],
    );
    const env = Object.fromEntries(environ.split('\0').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    if (env.SLURM_JOB_ID?.startsWith(`local-${cliPid}-`) && cmdline.includes(BIN)) found.push({ pid: Number(d), env });
  }
  return found;
}

describe('run --executor local', () => {
  test('every array task is its own process running the stage script, with SLURM_ARRAY_TASK_ID, the offset and SLURM_CPUS_PER_TASK', async () => {
    const { run, plan } = await planRun('run-ok');
    const r = await cli(['run', run, '--executor', 'local', '--model', model, '--json', '-q']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const result = parseJson<LocalRunResult>(r);
    const n = plan.tasks.pack.length;
    const cores = availableParallelism();
    // The cores spread over the tasks: with more tasks than cores, one CPU each, side by side.
    const spread = Math.max(1, Math.floor(cores / n));
    expect(result.stages.map((s) => [s.stage, s.tasks, s.done, s.failed, s.cpusPerTask])).toEqual([
      ['pack', n, n, 0, spread],
      ['infer', n, n, 0, spread],
      ['merge', 1, 1, 0, cores],
    ]);
    // The script is the one `submit` renders: the same command line, with the array offset exported.
    const dry = parseJson(
      await cli(['submit', run, '--model', model, '--dry-run', '--json', '--max-array-size', '1000', '--max-job-count', '9999']),
    );
    for (const stage of ['pack', 'infer', 'merge']) {
      const local = await readFile(join(run, 'slurm', `${stage}-local.sbatch`), 'utf8');
      const slurm: string = dry.submissions.find((s: { stage: string }) => s.stage === stage).script;
      const command = (s: string) => s.split('\n').find((l) => l.includes(`bin.js ${stage} `));
      expect(command(local)).toBe(command(slurm));
      if (stage !== 'merge') expect(local).toMatch(/^export WSI_HPC_TASK_OFFSET='?0'?$/m);
    }
    const pids = new Set<number>();
    for (let i = 0; i < n; i++) {
      // The stage found its task from SLURM_ARRAY_TASK_ID + WSI_HPC_TASK_OFFSET (the command has no --task).
      const log = await readFile(join(run, 'logs', 'pack', `local_${i}.out`), 'utf8');
      expect(log).toContain(`wsi-hpc pack: job ${result.jobId}-pack_${i} array task ${i} offset 0 on `);
      const packTask = await json<Marker>(join(run, 'markers', 'pack', `task-${pad(i)}.json`));
      expect(packTask.result?.shards?.map((s) => s.shard)).toEqual(plan.tasks.pack[i].shards.map((s) => plan.shards.list[s].id));
      const inferTask = await json<Marker>(join(run, 'markers', 'infer', `task-${pad(i)}.json`));
      expect(inferTask.result?.reason).toContain(`CPU with ${spread} intra-op threads (SLURM_CPUS_PER_TASK)`);
      for (const s of plan.tasks.pack[i].shards) {
        const shard = await json<Marker>(join(run, 'markers', 'pack', `${plan.shards.list[s].id}.json`));
        expect(shard.attempt?.slurmJobId).toBe(`${result.jobId}-pack_${i}`);
        expect(`local-${shard.attempt?.pid}`).not.toBe(result.jobId);
        pids.add(shard.attempt?.pid as number);
      }
    }
    expect(pids.size).toBe(n);
    expect(await readFile(join(run, 'scores.csv'), 'utf8')).toMatch(/^slide/);
  }, 300_000);

  test('a task whose slide changed fails alone: the other tasks infer, its infer task and merge are skipped, exit 1 naming its log', async () => {
    const own = join(tmp.dir, 'slides-changed');
    await execa('cp', ['-r', slides, own]);
    const { run, plan } = await planRun('run-changed', own);
    const victim = plan.slides.find((s) => s.status === 'planned' && s.name === cohort.manifest.slides[2].file);
    expect(victim).toBeDefined();
    await truncate(join(own, victim?.name as string), 200_000);
    const hit = plan.tasks.pack
      .map((t, i) => ({ i, ids: t.shards.flatMap((s) => plan.shards.list[s].segments.map((g) => g.slideId)) }))
      .filter((t) => t.ids.includes(victim?.id as string))
      .map((t) => t.i);
    const fine = plan.tasks.pack.map((_, i) => i).filter((i) => !hit.includes(i));
    expect(hit.length).toBeGreaterThan(0);
    expect(fine.length).toBeGreaterThan(0);
    const r = await cli(['run', run, '--model', model, '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(1);
    const result = parseJson<LocalRunResult>(r);
    const [pack, infer, merge] = result.stages;
    expect(
      pack.failures.map((f) => f.task),
      JSON.stringify(pack.failures),
    ).toEqual(hit);
    expect(pack.failures[0]).toMatchObject({ reason: 'exit 1', log: join(run, 'logs', 'pack', `local_${hit[0]}.out`) });
    expect(pack.failures[0].errors?.[0]).toContain(`SLIDE_CHANGED: ${join(own, victim?.name as string)}: changed since planning`);
    expect(infer.skips.map((s) => [s.task, s.reason])).toEqual(hit.map((i) => [i, `pack task ${i} did not finish`]));
    expect([infer.done, merge.skipped]).toEqual([fine.length, 1]);
    for (const i of fine) expect((await json<Marker>(join(run, 'markers', 'infer', `task-${pad(i)}.json`))).status).toBe('done');
    const text = String(r.stderr);
    expect(text).toContain(`error: pack task ${hit[0]} failed (exit 1)\n`);
    expect(text).toContain(`  log ${join(run, 'logs', 'pack', `local_${hit[0]}.out`)}:\n  | wsi-hpc pack: job `);
    expect(text).toContain(`merge: 1 task(s) skipped: a task they depend on did not finish`);
  }, 300_000);

  test('a task killed by SIGKILL (as the OOM killer does) fails alone; a rerun redoes only what is missing and completes', async () => {
    const { run, plan } = await planRun('run-killed');
    const sub = execa('node', [BIN, 'run', run, '--model', model, '--json'], { reject: false, cwd: ROOT });
    let killed: { pid: number; env: Record<string, string> } | undefined;
    for (let t = 0; !killed && t < 3000; t++) {
      killed = (await taskProcesses(sub.pid as number)).find((p) => p.env.SLURM_JOB_NAME === 'wsihpc-pack');
      if (!killed) await new Promise((res) => setTimeout(res, 10));
    }
    expect(killed, 'no pack task process seen').toBeDefined();
    process.kill(killed?.pid as number, 'SIGKILL');
    const r = await sub;
    expect(r.exitCode, String(r.stderr)).toBe(1);
    const task = Number(killed?.env.SLURM_ARRAY_TASK_ID);
    expect(killed?.env.SLURM_CPUS_PER_TASK).toBe(String(Math.max(1, Math.floor(availableParallelism() / plan.tasks.pack.length))));
    const [pack, infer] = parseJson<LocalRunResult>(r).stages;
    expect(pack.failures).toEqual([expect.objectContaining({ task, reason: 'exit 137 (killed by SIGKILL: out of memory?)' })]);
    expect([pack.done, infer.done, infer.skipped]).toEqual([plan.tasks.pack.length - 1, plan.tasks.pack.length - 1, 1]);
    expect(String(r.stderr)).toContain(`error: pack task ${task} failed (exit 137 (killed by SIGKILL: out of memory?))`);
    const again = await cli(['run', run, '--model', model, '--json', '-q']);
    expect(again.exitCode, String(again.stderr)).toBe(0);
    expect(parseJson<LocalRunResult>(again).failed).toBe(0);
    expect((await cli(['status', run, '--json'])).exitCode).toBe(0);
  }, 300_000);

  test('SIGTERM to `run` cancels: the running tasks process groups are stopped, exit 1, and the same command then completes', async () => {
    const { run } = await planRun('run-cancelled');
    const sub = execa('node', [BIN, 'run', run, '--model', model], { reject: false, cwd: ROOT });
    let seen: Array<{ pid: number }> = [];
    for (let t = 0; !seen.length && t < 3000; t++) {
      seen = await taskProcesses(sub.pid as number);
      if (!seen.length) await new Promise((res) => setTimeout(res, 10));
    }
    expect(seen.length).toBeGreaterThan(0);
    sub.kill('SIGTERM');
    const r = await sub;
    expect(r.exitCode, String(r.stderr)).toBe(1);
    expect(String(r.stderr)).toContain('wsi-hpc: SIGTERM: cancelling the running tasks');
    expect(String(r.stderr)).toMatch(/cancelled: \d+ task\(s\) stopped or not started; run the same command again to continue/);
    expect(await taskProcesses(sub.pid as number)).toEqual([]);
    const again = await cli(['run', run, '--model', model, '-q']);
    expect(again.exitCode, String(again.stderr)).toBe(0);
  }, 300_000);

  test('--container: each task runs through `apptainer exec` as on the cluster, and the scores equal a run without it', async () => {
    // Apptainer is not packaged for Debian 12: a stand-in `apptainer` on PATH records its arguments and runs
    // the command after the image, where `wsi-hpc` is this checkout's CLI (as test/slurm/container-run.test.ts).
    const { run: plain } = await planRun('run-plain');
    const { run, plan } = await planRun('run-container');
    const bin = join(tmp.dir, 'bin');
    const calls = join(tmp.dir, 'apptainer-calls.tsv');
    const image = join(tmp.dir, 'wsi-hpc.sif');
    await mkdir(bin);
    await writeFile(image, 'stand-in image: never opened\n');
    const q = (x: string) => `'${x.replace(/'/g, `'\\''`)}'`;
    await writeFile(
      join(bin, 'apptainer'),
      // One write per call: tasks run at once, and three printf calls to the file could interleave between them.
      `#!/bin/bash\nset -eo pipefail\nline=$(printf '%s' "$SLURM_JOB_ID"; printf '\\t%s' "$@")\nprintf '%s\\n' "$line" >>${q(calls)}\n` +
        `shift; while [[ $1 == --bind ]]; do shift 2; done; [[ $1 == ${q(image)} ]] || exit 92; shift; exec "$@"\n`,
      { mode: 0o755 },
    );
    await writeFile(join(bin, 'wsi-hpc'), `#!/bin/bash\nexec ${q(process.execPath)} ${q(BIN)} "$@"\n`, { mode: 0o755 });
    const r = await cli(['run', run, '--model', model, '--container', image, '-q'], { env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const lines = (await readFile(calls, 'utf8')).trim().split('\n');
    const n = plan.tasks.pack.length;
    expect(lines).toHaveLength(2 * n + 1);
    for (let i = 0; i < n; i++) {
      const pack = lines.find((l) => l.split('\t')[0].endsWith(`-pack_${i}`));
      expect(pack?.split('\t').slice(1)).toEqual(['exec', '--bind', run, '--bind', slides, image, 'wsi-hpc', 'pack', run, '--quiet']);
      expect(lines.some((l) => l.split('\t')[0].endsWith(`-infer_${i}`) && l.includes(`\twsi-hpc\tinfer\t${run}\t`))).toBe(true);
    }
    expect((await cli(['run', plain, '--model', model, '-q'])).exitCode).toBe(0);
    expect(await readFile(join(run, 'scores.csv'), 'utf8')).toBe(await readFile(join(plain, 'scores.csv'), 'utf8'));
  }, 300_000);

  test('a warning the tasks print reaches the user once', async () => {
    const { run } = await planRun('run-warning');
    const r = await cli(['run', run, '--model', model, '--threads', '999', '-q']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const line = `warning: --threads asks for 999 threads but this machine has ${availableParallelism()} cores; using ${availableParallelism()}`;
    expect(
      String(r.stderr)
        .split('\n')
        .filter((l) => l === line),
    ).toHaveLength(1);
    expect(await readFile(join(run, 'logs', 'infer', 'local_0.out'), 'utf8')).toContain(line);
  }, 300_000);
});
