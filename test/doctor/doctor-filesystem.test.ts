// `wsi-hpc doctor RUN --json` on real file systems: a tmpfs mount and the temp folder's own disk (type
// against `stat -f -c %T` and findmnt), and free space against a real plan's shard bytes, before and after
// the tmpfs is filled so the plan no longer fits (disk fails: exit 1). PATH holds only node: no SLURM.
import { execFileSync } from 'node:child_process';
import { readFile, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PlanFile } from '../../src/plan/index.js';
import { cli, makeCohort, makeTempDir } from '../fixtures/index.js';
import { fillUp, makeDir, mountTmpfs, unmountAll } from '../fixtures/tmpfs.js';
import { makeBinDir, parseReport, statFsType } from './fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let bin: string;
let mnt: string;
let run: string;
const doctor = (args: string[]) => cli(['doctor', ...args, '--json'], { env: { PATH: bin } });
const findmnt = (dir: string) => execFileSync('findmnt', ['-n', '-o', 'FSTYPE', '-T', dir], { encoding: 'utf8' }).trim();

beforeAll(async () => {
  tmp = await makeTempDir('doctor-fs');
  bin = await makeBinDir(tmp.dir);
  mnt = await makeDir(join(tmp.dir, 'mnt'));
  mountTmpfs(mnt, '64m');
  const slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 3000, 2200, 17);
  run = join(mnt, 'run');
  const p = await cli(['plan', slides, '--out', run, '--compression', 'none', '-q']);
  expect(p.exitCode, String(p.stderr)).toBe(0);
}, 120_000);
afterAll(async () => {
  unmountAll();
  await tmp?.cleanup();
});

describe('filesystem', () => {
  test('a run folder on tmpfs: the type equals `stat -f -c %T`, warned as RAM not shared with other nodes', async () => {
    const c = parseReport(await doctor([run])).check('filesystem');
    expect(statFsType(run)).toBe('tmpfs');
    expect(c).toMatchObject({ status: 'warn', data: { type: statFsType(run), magic: statFsType(run), mountPoint: mnt } });
    expect(c.finding).toBe(`${run} is on tmpfs (tmpfs at ${mnt}): in memory, local to this node`);
    expect(c.detail).toMatch(/other nodes cannot see it/);
  });

  test("the temp folder's disk: the statfs name equals `stat -f -c %T`, the mount type equals findmnt's", async () => {
    const c = parseReport(await doctor([tmp.dir])).check('filesystem');
    expect(c.data).toMatchObject({ magic: statFsType(tmp.dir), type: findmnt(tmp.dir) });
  });

  test('a run folder that does not exist yet is checked where it will be created', async () => {
    const c = parseReport(await doctor([join(run, 'not-yet', 'deeper')])).check('filesystem');
    expect(c.data).toMatchObject({ dir: run, type: 'tmpfs' });
    expect(c.finding).toContain('does not exist yet');
  });
});

describe('disk', () => {
  test("free space equals statfs and the plan's bytes equal plan.json's shards; exit 0 while it fits", async () => {
    const plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')) as PlanFile;
    const planBytes = plan.shards.list.reduce((n, s) => n + s.expectedBytes, 0);
    expect(planBytes).toBeGreaterThan(0);
    const r = await doctor([run]);
    const s = await statfs(run);
    const c = parseReport(r).check('disk');
    expect(c).toMatchObject({ status: 'ok', data: { freeBytes: s.bavail * s.bsize, planBytes, bytesToWrite: planBytes } });
    expect(r.exitCode).toBe(0);
  });

  test('a tmpfs filled until the shards no longer fit: disk fails naming both sizes, exit 1, every other check still reported', async () => {
    const plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')) as PlanFile;
    const planBytes = plan.shards.list.reduce((n, s) => n + s.expectedBytes, 0);
    const free = await fillUp(mnt, Math.floor(planBytes / 2));
    try {
      const r = await doctor([run]);
      const report = parseReport(r);
      const c = report.check('disk');
      const s = await statfs(run);
      expect(c).toMatchObject({ status: 'fail', data: { freeBytes: s.bavail * s.bsize, planBytes, bytesToWrite: planBytes } });
      expect(s.bavail * s.bsize).toBeLessThan(planBytes);
      expect(c.finding).toMatch(/free; the plan's shards still to write need .+ \(of .+\)$/);
      expect(c.fix).toContain(`df -h ${run}`);
      expect(report.ok).toBe(false);
      expect(report.checks.filter((x) => x.status === 'fail').map((x) => x.id)).toEqual(['disk']);
      expect(r.exitCode).toBe(1);
    } finally {
      await free();
    }
  });

  test('without a plan.json: free space only, ok', async () => {
    const c = parseReport(await doctor([tmp.dir])).check('disk');
    expect(c).toMatchObject({ status: 'ok', data: { planBytes: null } });
    expect(c.finding).toMatch(/free \(no plan\.json: nothing to compare\)$/);
  });
});
