// Crash-safe file writes: write to a temporary name beside the target, fsync, rename.
// A reader never sees a half-written file; a crash leaves at most a stray `.tmp-*`; a failed write
// (read-only folder, full disk, permission) leaves an existing target untouched and throws one
// FS_* WsiHpcError naming the target (see fs-errors.ts).
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, parse } from 'node:path';
import { rethrowFsError } from './fs-errors.js';

export function tempPathFor(target: string): string {
  return join(dirname(target), `.tmp-${basename(target)}-${randomBytes(4).toString('hex')}`);
}

// Best effort: the temporary file may not exist, and on a full disk removing it is what frees space.
async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true }).catch(() => undefined);
}

/**
 * `mkdir -p` that reports the real cause: Node's recursive mkdir says ENOENT when a parent cannot be
 * created on a read-only or unwritable file system; retrying one level at a time surfaces EROFS/EACCES.
 */
export async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dir === parse(dir).root) throw err;
    await ensureDir(dirname(dir));
    await mkdir(dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  }
}

export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(target);
  try {
    await ensureDir(dirname(target));
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, target);
  } catch (err) {
    await removeQuietly(tmp);
    rethrowFsError(err, target);
  }
}

/**
 * The same for files written by a library that takes a path (HDF5): `write(tmp)` creates the file under a
 * temporary name beside `target`, which is renamed into place only when `write` resolves, else removed.
 */
export async function writeViaTemp(target: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = tempPathFor(target);
  try {
    await ensureDir(dirname(target));
    await write(tmp);
    await rename(tmp, target);
  } catch (err) {
    await removeQuietly(tmp);
    rethrowFsError(err, target);
  }
}
