// Free space of the file system holding a run folder (statfs), and the checks built on it: refuse a
// write that cannot fit before it starts, and explain a write that failed because the disk filled.
import { constants, existsSync } from 'node:fs';
import { access, statfs } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { WsiHpcError } from '../errors.js';
import { formatBytes } from '../cli/format.js';
import { describeFsError } from '../util/fs-errors.js';

/** Below this many free bytes a failed write is taken to be a full disk. */
export const NEARLY_FULL_BYTES = 1024 * 1024;

/** Bytes an unprivileged user may still write where `path` lives (its nearest existing ancestor); null if unknown. */
export async function freeBytes(path: string): Promise<number | null> {
  let dir = resolve(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  const s = await statfs(dir).catch(() => null);
  return s ? s.bavail * s.bsize : null;
}

// The file a `.tmp-NAME-xxxxxxxx` temporary (util/atomic.ts tempPathFor) will become: what users know.
function shownPath(path: string): string {
  const abs = resolve(path);
  const m = /^\.tmp-(.+)-[0-9a-f]{8}$/.exec(basename(abs));
  return m ? join(dirname(abs), m[1]) : abs;
}

/** Throws FS_NO_SPACE unless `neededBytes` fit where `path` will be written. `what` names it, e.g. "shard". */
export async function ensureFreeSpace(path: string, neededBytes: number, what: string): Promise<void> {
  const free = await freeBytes(dirname(resolve(path)));
  if (free === null || free >= neededBytes) return;
  const dir = dirname(resolve(path));
  throw new WsiHpcError(
    'FS_NO_SPACE',
    `Could not write ${shownPath(path)}: the ${what} needs ${formatBytes(neededBytes)} but only ${formatBytes(free)} is free where ${dir} lives`,
    {
      file: shownPath(path),
      hint: `Free space (\`df -h ${dir}\`) or use a run folder on a larger file system. Completed units are kept: rerun the same command once this is fixed and only the rest is redone.`,
    },
  );
}

/**
 * `err` as FS_NO_SPACE when the file system of `path` is (nearly) full, since libraries such as
 * HDF5 report a full disk only as a failed write; otherwise `err` unchanged.
 */
export async function explainWriteFailure(err: unknown, path: string): Promise<unknown> {
  if (err instanceof WsiHpcError && err.code.startsWith('FS_')) return err;
  const free = await freeBytes(dirname(resolve(path)));
  if (free === null || free >= NEARLY_FULL_BYTES) return err;
  const dir = dirname(resolve(path));
  const reason = err instanceof Error ? err.message : String(err);
  return new WsiHpcError(
    'FS_NO_SPACE',
    `Could not write ${shownPath(path)}: no space left on the device (${formatBytes(free)} free; ${reason})`,
    {
      file: shownPath(path),
      hint: `Free space (\`df -h ${dir}\`) or use a run folder on a larger file system. Completed units are kept: rerun the same command once this is fixed and only the rest is redone.`,
      cause: err,
    },
  );
}

/**
 * Throws an FS_* error naming `dir` unless it (or, if absent, its nearest existing ancestor) is writable
 * by this user, so a long command fails before it starts. Creates nothing: access(2) reports EROFS and
 * EACCES without writing, and a usage error found later still leaves no folder behind.
 */
export async function ensureWritableDir(dir: string): Promise<void> {
  let existing = resolve(dir);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  await access(existing, constants.W_OK).catch((err: unknown) => {
    throw describeFsError(err, resolve(dir)) ?? err;
  });
}
