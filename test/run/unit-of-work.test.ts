// The unit-of-work skeleton and its per-unit lock: in-process cases for the lock rules, then real
// processes: a live holder in another process is never clobbered, two `pack` processes on the same
// task pack each shard once, and a lock left by a killed process is taken over.
import { execFileSync } from 'node:child_process';
import { readFile, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hashShardPatches } from '../../src/stages/pack/pack-shard.js';
import type { PlanFile } from '../../src/plan/index.js';
import { readMarker, writeMarker, writeMarkerUnlessNewer } from '../../src/run/markers.js';
import { lockPathFor, runUnitOfWork, type UnitOfWork } from '../../src/run/unit-of-work.js';
import { acquireUnitLock } from '../../src/run/unit-lock.js';
import { BIN, ROOT, cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('unit');
});
afterAll(() => tmp?.cleanup());

/** A pid that is certainly dead: a process that has exited. */
function deadPid(): number {
  return Number(execFileSync('sh', ['-c', 'sh -c "echo \\$\\$"'], { encoding: 'utf8' }).trim());
}

const lockJson = (o: Record<string, unknown>) =>
  `${JSON.stringify({ slurmJobId: null, slurmArrayJobId: null, startedAt: '2026-01-01T00:00:00.000Z', token: 'feedfacefeedface', ...o })}\n`;

describe('unit lock', () => {
  test('the lock file records host, pid, SLURM job and start time; a second live attempt is told who holds it', async () => {
    const path = join(tmp.dir, 'a', 'shard-00000.lock');
    const env = { SLURM_JOB_ID: '4242', SLURM_ARRAY_JOB_ID: '4240', SLURM_ARRAY_TASK_ID: '2' };
    const first = await acquireUnitLock(path, { env });
    expect(first.status).toBe('acquired');
    const content = JSON.parse(await readFile(path, 'utf8'));
    expect(content).toMatchObject({ host: hostname(), pid: process.pid, slurmJobId: '4242', slurmArrayJobId: '4240_2' });
    expect(Date.parse(content.startedAt)).toBeGreaterThan(Date.now() - 60_000);
    const second = await acquireUnitLock(path, { env: {} });
    expect(second).toMatchObject({ status: 'busy', holder: { pid: process.pid, slurmArrayJobId: '4240_2', token: content.token } });
    if (first.status === 'acquired') await first.lock.release();
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
  });

  test('a lock of a dead pid on this host is stale and taken over', async () => {
    const path = join(tmp.dir, 'b.lock');
    const pid = deadPid();
    await writeFile(path, lockJson({ host: hostname(), pid }));
    const got = await acquireUnitLock(path, { env: {} });
    expect(got).toMatchObject({ status: 'acquired', tookOver: { pid } });
    expect(JSON.parse(await readFile(path, 'utf8')).pid).toBe(process.pid);
    if (got.status === 'acquired') await got.lock.release();
  });

  test.each([
    ['fresh, on another host', 1_000, 'busy'],
    ['without a heartbeat for longer than the stale age, on another host', 11 * 60_000, 'acquired'],
  ])('a lock %s is %s', async (_name, ageMs, expected) => {
    const path = join(tmp.dir, `c-${ageMs}.lock`);
    await writeFile(path, lockJson({ host: 'node-elsewhere', pid: 1 }));
    const t = new Date(Date.now() - ageMs);
    await utimes(path, t, t);
    const got = await acquireUnitLock(path, { env: {} });
    expect(got.status).toBe(expected);
    if (got.status === 'busy') expect(got.holder?.host).toBe('node-elsewhere');
    if (got.status === 'acquired') await got.lock.release();
  });

  test('WSI_HPC_LOCK_STALE_S sets the stale age for other hosts', async () => {
    const path = join(tmp.dir, 'd.lock');
    await writeFile(path, lockJson({ host: 'node-elsewhere', pid: 1 }));
    const t = new Date(Date.now() - 5_000);
    await utimes(path, t, t);
    expect((await acquireUnitLock(path, { env: {} })).status).toBe('busy');
    const got = await acquireUnitLock(path, { env: { WSI_HPC_LOCK_STALE_S: '2' } });
    expect(got.status).toBe('acquired');
    if (got.status === 'acquired') await got.lock.release();
  });

  test('a live holder with the same pid still blocks (two units in one process)', async () => {
    const path = join(tmp.dir, 'e.lock');
    await writeFile(path, lockJson({ host: hostname(), pid: process.pid }));
    expect((await acquireUnitLock(path, { env: {}, waitMs: 200 })).status).toBe('busy');
  });
});

describe('markers', () => {
  test('a late attempt does not overwrite the done marker of a newer attempt, but an older one is replaced', async () => {
    const path = join(tmp.dir, 'markers', 'pack', 'shard-00000.json');
    const base = { stage: 'pack', unit: 'shard-00000', planHash: 'p', finishedAt: '2026-01-01T00:10:00.000Z', seconds: 1 };
    await writeMarker(path, { ...base, status: 'done', startedAt: '2026-01-01T00:05:00.000Z' });
    const late = await writeMarkerUnlessNewer(path, { ...base, status: 'failed', startedAt: '2026-01-01T00:01:00.000Z' });
    expect(late.isWritten).toBe(false);
    expect((await readMarker(path))?.status).toBe('done');
    const newer = await writeMarkerUnlessNewer(path, { ...base, status: 'failed', startedAt: '2026-01-01T00:06:00.000Z' });
    expect(newer.isWritten).toBe(true);
    expect((await readMarker(path))?.status).toBe('failed');
  });
});

describe('runUnitOfWork', () => {
  function unit(dir: string, produce: (tmp: string) => Promise<string>): UnitOfWork<string> {
    return {
      stage: 'demo',
      unit: 'u1',
      planHash: 'plan-1',
      markerPath: join(dir, 'markers', 'demo', 'u1.json'),
      output: join(dir, 'out', 'u1.txt'),
      fallbackCode: 'INTERNAL',
      isComplete: async (m) => (await readFile(join(dir, 'out', 'u1.txt'), 'utf8').catch(() => null)) === m.result?.text,
      produce,
      verify: async (t, text) => {
        if ((await readFile(t, 'utf8')) !== text) throw new Error('verify failed');
      },
      markerResult: (text, fileBytes) => ({ text, fileBytes }),
    };
  }

  test('writes the output, then a done marker; a done unit whose output changed is redone, not trusted', async () => {
    const dir = join(tmp.dir, 'uow1');
    let runs = 0;
    const w = unit(dir, async (t) => {
      runs++;
      await writeFile(t, 'hello');
      return 'hello';
    });
    expect((await runUnitOfWork(w, { env: {} })).status).toBe('done');
    expect(await readMarker(w.markerPath)).toMatchObject({
      status: 'done',
      result: { text: 'hello', fileBytes: 5 },
      attempt: { pid: process.pid },
    });
    expect((await runUnitOfWork(w, { env: {} })).status).toBe('skipped');
    await writeFile(w.output, 'tampered');
    expect((await runUnitOfWork(w, { env: {} })).status).toBe('done');
    expect(await readFile(w.output, 'utf8')).toBe('hello');
    expect(runs).toBe(2);
    expect(await readdir(join(dir, 'markers', 'demo'))).toEqual(['u1.json']);
  });

  test('an attempt whose lock was taken over meanwhile discards its output and leaves the newer marker alone', async () => {
    const dir = join(tmp.dir, 'uow2');
    const slow = unit(dir, async (t) => {
      // While this attempt "stalls", its lock is judged stale and a newer attempt completes the unit.
      await writeFile(lockPathFor(slow.markerPath), lockJson({ host: 'node-elsewhere', pid: 1, token: 'newer' }));
      await writeMarker(slow.markerPath, {
        stage: 'demo',
        unit: 'u1',
        planHash: 'plan-1',
        status: 'done',
        startedAt: new Date(Date.now() + 1000).toISOString(),
        finishedAt: new Date().toISOString(),
        seconds: 1,
        result: { text: 'newer' },
      });
      await writeFile(slow.output, 'newer');
      await writeFile(t, 'late');
      return 'late';
    });
    const outcome = await runUnitOfWork(slow, { env: {} });
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { code: 'UNIT_LOCK_LOST', message: expect.stringContaining('host node-elsewhere pid 1') },
    });
    expect(await readFile(slow.output, 'utf8')).toBe('newer');
    expect(await readMarker(slow.markerPath)).toMatchObject({ status: 'done', result: { text: 'newer' } });
    // The other attempt's lock is not removed by the loser.
    expect(JSON.parse(await readFile(lockPathFor(slow.markerPath), 'utf8')).token).toBe('newer');
    expect((await readdir(join(dir, 'out'))).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });
});

/** Another process that takes a unit's lock (as a live pack/infer would) and holds it until killed. */
function holdLock(lock: string, env: Record<string, string>) {
  const child = execa(
    'node',
    [
      '--input-type=module',
      '-e',
      `const { acquireUnitLock } = await import(${JSON.stringify(join(ROOT, 'dist/run/unit-lock.js'))});
       const r = await acquireUnitLock(process.argv[1]);
       console.log(r.status);
       setInterval(() => {}, 1000);`,
      lock,
    ],
    { env, reject: false },
  );
  const ready = new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
  return { process: child, ready };
}

describe('two processes on the same run', () => {
  let run: string;
  let plan: PlanFile;
  beforeAll(async () => {
    const slides = join(tmp.dir, 'slides');
    await makeCohort(slides, 2, 4000, 3000, 17);
    run = join(tmp.dir, 'run');
    expect((await cli(['plan', slides, '--out', run, '--patches-per-shard', '40', '--shards-per-task', '100', '-q'])).exitCode).toBe(0);
    plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));
    expect(plan.shards.list.length).toBeGreaterThanOrEqual(3);
  });

  test('a unit held by a live process elsewhere is reported busy (host, pid, SLURM job), not packed over, and taken over once that process dies', async () => {
    const shard = plan.shards.list[1].id;
    const lock = join(run, 'markers', 'pack', `.${shard}.lock`);
    const { process: holder, ready } = holdLock(lock, { SLURM_JOB_ID: '777', SLURM_ARRAY_JOB_ID: '770', SLURM_ARRAY_TASK_ID: '3' });
    try {
      await ready;
      const r = await cli(['pack', run, '--json'], { env: { WSI_HPC_LOCK_WAIT_S: '0' } });
      expect(r.exitCode).toBe(1);
      const busy = parseJson(r).shards.find((s: { shard: string }) => s.shard === shard);
      expect(busy).toMatchObject({
        status: 'failed',
        error: {
          code: 'UNIT_LOCKED',
          message: expect.stringContaining(`already running on host ${hostname()} pid ${holder.pid} (SLURM job 770_3)`),
        },
      });
      expect(parseJson(r).shards.filter((s: { status: string }) => s.status === 'done').length).toBe(plan.shards.list.length - 1);
      // Nothing was written for the busy unit: no marker over the holder's, no shard, the lock intact.
      expect(await readMarker(join(run, 'markers', 'pack', `${shard}.json`))).toBeNull();
      await expect(stat(join(run, 'shards', `${shard}.h5`))).rejects.toThrow(/ENOENT/);
      expect(JSON.parse(await readFile(lock, 'utf8')).pid).toBe(holder.pid);
    } finally {
      holder.kill('SIGKILL');
      await holder;
    }
    const again = await cli(['pack', run, '--json'], { env: { WSI_HPC_LOCK_WAIT_S: '0' } });
    expect(again.exitCode, String(again.stderr)).toBe(0);
    const statuses = parseJson(again).shards.map((s: { shard: string; status: string }) => [s.shard, s.status]);
    expect(statuses).toEqual(plan.shards.list.map((s) => [s.id, s.id === shard ? 'done' : 'skipped']));
    const marker = await readMarker(join(run, 'markers', 'pack', `${shard}.json`));
    expect(await hashShardPatches(join(run, 'shards', `${shard}.h5`))).toEqual({
      count: marker?.result?.patches,
      checksum: marker?.result?.checksum,
    });
    await expect(stat(lock)).rejects.toThrow(/ENOENT/);
  });

  test('infer also leaves a unit held by a live process alone, and takes it over once that process is gone', async () => {
    const model = await writeTinyModel(tmp.dir);
    const shard = plan.shards.list[0].id;
    const holder = holdLock(join(run, 'markers', 'infer', `.${shard}.lock`), {});
    try {
      await holder.ready;
      const r = await cli(['infer', run, '--model', model, '--json'], { env: { WSI_HPC_LOCK_WAIT_S: '0' } });
      expect(r.exitCode).toBe(1);
      expect(parseJson(r).shards[0]).toMatchObject({
        shard,
        status: 'failed',
        error: {
          code: 'UNIT_LOCKED',
          message: expect.stringContaining(`infer ${shard}: already running on host ${hostname()} pid ${holder.process.pid} since `),
        },
      });
    } catch (err) {
      holder.process.kill('SIGKILL');
      throw err;
    }
    expect(await readMarker(join(run, 'markers', 'infer', `${shard}.json`))).toBeNull();
    await expect(stat(join(run, 'predictions', `${shard}.h5`))).rejects.toThrow(/ENOENT/);
    holder.process.kill('SIGKILL');
    await holder.process;
    const again = await cli(['infer', run, '--model', model, '--json']);
    expect(again.exitCode, String(again.stderr)).toBe(0);
    expect(parseJson(again).shards.map((s: { status: string }) => s.status)).toEqual(
      plan.shards.list.map((s) => (s.id === shard ? 'done' : 'skipped')),
    );
  });

  test('two pack processes started together on the same task pack each shard exactly once, with correct shards', async () => {
    const fresh = join(tmp.dir, 'run2');
    expect(
      (await cli(['plan', join(tmp.dir, 'slides'), '--out', fresh, '--patches-per-shard', '40', '--shards-per-task', '100', '-q']))
        .exitCode,
    ).toBe(0);
    const env = { WSI_HPC_LOCK_WAIT_S: '300' };
    const [a, b] = await Promise.all([
      execa('node', [BIN, 'pack', fresh, '--task', '0', '--json'], { env, reject: false }),
      execa('node', [BIN, 'pack', fresh, '--task', '0', '--json'], { env, reject: false }),
    ]);
    expect([a.exitCode, b.exitCode], `${a.stderr}\n${b.stderr}`).toEqual([0, 0]);
    const byShard = new Map<string, string[]>();
    for (const r of [a, b]) for (const s of parseJson(r).shards) byShard.set(s.shard, [...(byShard.get(s.shard) ?? []), s.status]);
    for (const s of plan.shards.list) {
      expect(byShard.get(s.id)?.sort(), s.id).toEqual(['done', 'skipped']);
      const marker = await readMarker(join(fresh, 'markers', 'pack', `${s.id}.json`));
      expect(await hashShardPatches(join(fresh, 'shards', `${s.id}.h5`))).toEqual({ count: s.patches, checksum: marker?.result?.checksum });
      // Same pixels as the single-process run above.
      expect(marker?.result?.checksum).toBe((await readMarker(join(run, 'markers', 'pack', `${s.id}.json`)))?.result?.checksum);
    }
    const left = await readdir(join(fresh, 'shards'));
    expect(left.filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    expect((await readdir(join(fresh, 'markers', 'pack'))).filter((n) => n.endsWith('.lock'))).toEqual([]);
  });
});
