// Read-only folders (real EROFS on a remounted tmpfs), a full disk (real ENOSPC on a filled tmpfs)
// and permission errors (real EACCES as user nobody): every stage ends with one clear error line
// naming the path, exit 1, no stack trace, and nothing already written is lost.
import { chmod, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Result } from 'execa';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { reportError } from '../../src/cli/output.js';
import { WsiHpcError } from '../../src/errors.js';
import { writeFileAtomic } from '../../src/util/atomic.js';
import { describeFsError } from '../../src/util/fs-errors.js';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';
import { cliAsNobody, fillUp, makeDir, mountTmpfs, remount, unmountAll } from '../fixtures/tmpfs.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;
let model: string;

beforeAll(async () => {
  tmp = await makeTempDir('filesystem');
  await chmod(tmp.dir, 0o755);
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 4000, 3000, 11);
  model = await writeTinyModel(await makeDir(join(tmp.dir, 'models')));
}, 120_000);

afterAll(async () => {
  unmountAll();
  await tmp?.cleanup();
});

/** Exit 1, exactly one `error:` line naming `path` and the problem, a hint, no stack trace. */
function expectOneClearError(r: Result, path: string, problem: RegExp): void {
  const stderr = String(r.stderr);
  expect(r.exitCode, stderr).toBe(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toContain('internal error');
  const lines = stderr.split('\n').filter((l) => l.startsWith('error:'));
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toContain(path);
  expect(lines[0]).toMatch(problem);
  expect(stderr).toMatch(/^hint: /m);
}

/** The same command with --json: one error document with `code` and the file. */
async function expectJsonError(args: string[], code: string, path: string): Promise<void> {
  const r = await cli([...args, '--json']);
  expect(r.exitCode).toBe(1);
  const { error } = parseJson(r);
  expect(error.code).toBe(code);
  expect(error.file).toContain(path);
  expect(String(r.stderr)).not.toMatch(/^\s+at /m);
}

describe('a read-only run folder (EROFS)', () => {
  let mnt: string;
  let run: string;
  const planAt = () => readFile(join(run, 'plan.json'), 'utf8');

  beforeAll(async () => {
    mnt = await makeDir(join(tmp.dir, 'ro'));
    mountTmpfs(mnt, '64m');
    run = join(mnt, 'run');
    expect((await cli(['plan', slides, '--out', run, '-q'])).exitCode).toBe(0);
  }, 60_000);

  test('plan fails at once with one line naming the run folder, and the plan is kept', async () => {
    const before = await planAt();
    remount(mnt, 'ro');
    const args = ['plan', slides, '--out', run, '--force'];
    expectOneClearError(await cli(args), run, /read-only/);
    await expectJsonError(args, 'FS_READ_ONLY', run);
    expect(await planAt()).toBe(before);
  }, 60_000);

  test('pack fails with one line naming the run folder', async () => {
    expectOneClearError(await cli(['pack', run]), run, /read-only/);
    await expectJsonError(['pack', run], 'FS_READ_ONLY', run);
    remount(mnt, 'rw');
    expect((await cli(['pack', run, '-q'])).exitCode).toBe(0);
  }, 60_000);

  test('infer fails with one line naming the run folder', async () => {
    remount(mnt, 'ro');
    const args = ['infer', run, '--model', model];
    expectOneClearError(await cli(args), run, /read-only/);
    await expectJsonError(args, 'FS_READ_ONLY', run);
    remount(mnt, 'rw');
    expect((await cli([...args, '-q'])).exitCode).toBe(0);
  }, 60_000);

  test('merge, report, submit and study fail with one line naming the path', async () => {
    remount(mnt, 'ro');
    expectOneClearError(await cli(['merge', run]), run, /read-only/);
    await expectJsonError(['merge', run], 'FS_READ_ONLY', run);
    // The slide pages (report/slides/) are written before report.html: the first of them is named.
    expectOneClearError(await cli(['report', run]), join(run, 'report', 'slides'), /read-only/);
    const submit = ['submit', run, '--model', model, '--max-array-size', '1000', '--max-job-count', '10000'];
    expectOneClearError(await cli(submit), run, /read-only/);
    await expectJsonError(submit, 'FS_READ_ONLY', run);
    const study = ['study', slides, '--annotations', join(slides, 'annotations'), '--model', model, '--vary', 'stride=224'];
    expectOneClearError(await cli([...study, '--sample', '1', '--out', join(mnt, 'study')]), join(mnt, 'study'), /read-only/);
    expect(await readdir(join(run, 'slurm')).catch(() => [])).toEqual([]);
  }, 120_000);
});

describe('a full disk (ENOSPC)', () => {
  let mnt: string;
  let run: string;

  beforeAll(async () => {
    mnt = await makeDir(join(tmp.dir, 'full'));
    mountTmpfs(mnt, '64m');
    run = join(mnt, 'run');
    expect((await cli(['plan', slides, '--out', run, '-q'])).exitCode).toBe(0);
  }, 60_000);

  test('pack refuses a shard that cannot fit, naming the shard and the figures', async () => {
    // Room for markers and locks, not for the 11 MiB shard.
    const free = await fillUp(mnt, 256 * 1024);
    const r = await cli(['pack', run, '--json']);
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).not.toMatch(/^\s+at |HDF5-DIAG/m);
    const { shards } = parseJson(r);
    expect(shards[0].error.code).toBe('FS_NO_SPACE');
    expect(shards[0].error.message).toContain(join(run, 'shards', 'shard-00000.h5'));
    expect(shards[0].error.message).toMatch(/needs [\d.]+ MiB but only [\d.]+ (B|KiB) is free/);
    await free();
    expect((await cli(['pack', run, '-q'])).exitCode).toBe(0);
    expect((await cli(['infer', run, '--model', model, '-q'])).exitCode).toBe(0);
    expect((await cli(['merge', run, '-q'])).exitCode).toBe(0);
  }, 120_000);

  test('a gzip shard (size unknown up front) that fills the disk fails as FS_NO_SPACE naming the shard', async () => {
    const gz = join(mnt, 'run-gz');
    expect((await cli(['plan', slides, '--out', gz, '--compression', 'gzip', '-q'])).exitCode).toBe(0);
    const free = await fillUp(mnt, 256 * 1024);
    const r = await cli(['pack', gz, '--json']);
    await free();
    expect(r.exitCode).toBe(1);
    // HDF5's own error-stack dump (HDF5-DIAG, hundreds of lines) stays off stderr: only our summary line is left.
    expect(String(r.stderr)).not.toContain('HDF5-DIAG');
    expect(String(r.stderr).trim().split('\n')).toEqual([expect.stringMatching(/^1 shard\(s\) failed \(see markers\/pack\/\)/)]);
    const { shards } = parseJson(r);
    expect(shards[0].error.code).toBe('FS_NO_SPACE');
    expect(shards[0].error.message).toContain(`Could not write ${join(gz, 'shards', 'shard-00000.h5')}: no space left on the device`);
    expect((await readdir(join(gz, 'shards'))).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  }, 120_000);

  test('plan, merge and report on a full disk keep the plan, scores and report they had', async () => {
    expect((await cli(['report', run, '-q'])).exitCode).toBe(0);
    const kept = ['plan.json', 'scores.csv', 'report.html'];
    const before = await Promise.all(kept.map((f) => readFile(join(run, f))));
    const free = await fillUp(mnt);
    expectOneClearError(await cli(['plan', slides, '--out', run, '--force']), join(run, 'plan.json'), /no space left/);
    expectOneClearError(await cli(['merge', run]), run, /no space left/);
    await expectJsonError(['merge', run], 'FS_NO_SPACE', run);
    expectOneClearError(await cli(['report', run]), join(run, 'report.html'), /no space left/);
    const after = await Promise.all(kept.map((f) => readFile(join(run, f))));
    for (const [i, f] of kept.entries()) expect(after[i].equals(before[i]), `${f} unchanged`).toBe(true);
    expect((await readdir(run)).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    await free();
  }, 120_000);
});

describe('permission denied (EACCES, as user nobody)', () => {
  test('plan into a folder nobody may write fails with one line naming it', async () => {
    const locked = await makeDir(join(tmp.dir, 'locked'));
    await chmod(locked, 0o555);
    const r = await cliAsNobody(['plan', slides, '--out', join(locked, 'run')]);
    expectOneClearError(r, join(locked, 'run'), /permission denied/);
  }, 60_000);

  test('report in a run folder nobody may write fails with one line naming its slide pages', async () => {
    const run = join(tmp.dir, 'perm-run');
    expect((await cli(['plan', slides, '--out', run, '-q'])).exitCode).toBe(0);
    await chmod(run, 0o555);
    expectOneClearError(await cliAsNobody(['report', run]), join(run, 'report', 'slides'), /permission denied/);
  }, 60_000);
});

describe('writeFileAtomic and describeFsError', () => {
  test('a write that fails on a full disk keeps the existing file and leaves no temporary', async () => {
    const mnt = await makeDir(join(tmp.dir, 'atomic'));
    mountTmpfs(mnt, '1m');
    const target = join(mnt, 'out.json');
    await writeFile(target, 'good\n');
    const free = await fillUp(mnt);
    const err = await writeFileAtomic(target, Buffer.alloc(512 * 1024)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WsiHpcError);
    expect((err as WsiHpcError).code).toBe('FS_NO_SPACE');
    expect((err as WsiHpcError).file).toBe(target);
    expect(await readFile(target, 'utf8')).toBe('good\n');
    expect((await readdir(mnt)).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    await free();
  });

  test.each([
    ['EROFS', 'FS_READ_ONLY', /read-only/],
    ['ENOSPC', 'FS_NO_SPACE', /no space left/],
    ['EDQUOT', 'FS_NO_SPACE', /quota/],
    ['EACCES', 'FS_PERMISSION', /permission denied/],
    ['EPERM', 'FS_PERMISSION', /not permitted/],
  ])('%s becomes %s naming the path', (errno, code, problem) => {
    const e = describeFsError(Object.assign(new Error(errno), { code: errno, syscall: 'open', path: '/data/run/plan.json' }));
    expect(e?.code).toBe(code);
    expect(e?.file).toBe('/data/run/plan.json');
    expect(e?.message).toMatch(problem);
    expect(e?.message).toContain('/data/run/plan.json');
    expect(e?.hint).toBeTruthy();
  });

  test('other errors are not file-system errors', () => {
    expect(describeFsError(Object.assign(new Error('x'), { code: 'ENOENT', syscall: 'open', path: '/x' }))).toBeNull();
    expect(describeFsError(new Error('plain'))).toBeNull();
    expect(describeFsError('text')).toBeNull();
  });
});

describe('reportError', () => {
  function capture(fn: () => void): string {
    let out = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    const code = process.exitCode;
    try {
      fn();
    } finally {
      spy.mockRestore();
      process.exitCode = code;
    }
    return out;
  }

  test('an unexpected error prints its message and asks for a report, never a stack trace', () => {
    const out = capture(() => reportError({}, new TypeError('cannot read x of undefined')));
    expect(out).toBe('error: cannot read x of undefined (internal error: please report)\n');
  });

  test('WSI_HPC_DEBUG=1 adds the stack', () => {
    vi.stubEnv('WSI_HPC_DEBUG', '1');
    try {
      const out = capture(() => reportError({}, new TypeError('boom')));
      expect(out).toMatch(/^error: boom \(internal error: please report\)\nTypeError: boom\n\s+at /);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  test('a raw EROFS error from Node is reported as FS_READ_ONLY with its path', () => {
    const err = Object.assign(new Error("EROFS: read-only file system, open '/mnt/run/x'"), {
      code: 'EROFS',
      syscall: 'open',
      path: '/mnt/run/x',
    });
    const out = capture(() => reportError({}, err));
    expect(out).toMatch(/^error: Could not write \/mnt\/run\/x: the file system is read-only \(open, EROFS\)\nhint: /);
  });
});
