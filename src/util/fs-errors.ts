// Maps Node's file-system errno errors (read-only, full disk, permission) to one WsiHpcError that
// names the path, the problem and a fix. Other errno codes and non-fs errors are left to the caller.
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { WsiHpcError, type ErrorCode } from '../errors.js';

interface Mapping {
  code: ErrorCode;
  problem: string;
  hint: (dir: string) => string;
}

const KEEP = 'Completed units are kept: rerun the same command once this is fixed and only the rest is redone.';

const BY_ERRNO: Record<string, Mapping> = {
  EROFS: {
    code: 'FS_READ_ONLY',
    problem: 'the file system is read-only',
    hint: (dir) => `Use a run folder on a writable file system, or remount ${dir} read-write. ${KEEP}`,
  },
  ENOSPC: {
    code: 'FS_NO_SPACE',
    problem: 'no space left on the device',
    hint: (dir) => `Free space where ${dir} lives (\`df -h ${dir}\`) or use a run folder on a larger file system. ${KEEP}`,
  },
  EDQUOT: {
    code: 'FS_NO_SPACE',
    problem: 'disk quota exceeded',
    hint: (dir) => `Free space in your quota (\`quota -s\`) or use a run folder elsewhere than ${dir}. ${KEEP}`,
  },
  EACCES: {
    code: 'FS_PERMISSION',
    problem: 'permission denied',
    hint: (dir) => `Check the owner and mode of ${dir} (\`ls -ld ${dir}\`) and make it writable for this user (\`chmod u+w\`). ${KEEP}`,
  },
  // mkdir of a run-folder path where a file stands (EEXIST is mapped for mkdir only), or a file in its path.
  EEXIST: {
    code: 'FS_NOT_A_FOLDER',
    problem: 'a file stands where a folder is expected',
    hint: (dir) => `Move or remove that file (the run keeps its files in folders of that name under ${dir}). ${KEEP}`,
  },
  ENOTDIR: {
    code: 'FS_NOT_A_FOLDER',
    problem: 'a part of the path is a file, not a folder',
    hint: (dir) => `Move or remove the file that stands in the path under ${dir}. ${KEEP}`,
  },
  // A folder where a run file (marker, shard, scores.csv) should be, e.g. made by hand.
  EISDIR: {
    code: 'FS_NOT_A_FILE',
    problem: 'a folder stands where a file is expected',
    hint: (dir) => `Move or remove that folder from ${dir}. ${KEEP}`,
  },
  EPERM: {
    code: 'FS_PERMISSION',
    problem: 'operation not permitted',
    hint: (dir) => `Check the owner and mode of ${dir} (\`ls -ld ${dir}\`) and make it writable for this user (\`chmod u+w\`). ${KEEP}`,
  },
};

/** The errno code of a Node system error (`EROFS`, `ENOSPC`, ...), else undefined. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

// Node's recursive mkdir reports ENOENT when a parent cannot be created on a read-only or unwritable
// file system: ask the nearest existing ancestor (access(2) says EROFS/EACCES without writing anything).
function realMkdirCause(err: NodeJS.ErrnoException): NodeJS.ErrnoException {
  if (err.code !== 'ENOENT' || err.syscall !== 'mkdir' || !err.path) return err;
  let dir = resolve(err.path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    accessSync(dir, constants.W_OK);
  } catch (cause) {
    const code = errnoCode(cause);
    if (code) return Object.assign(new Error(err.message), { code, syscall: 'mkdir', path: err.path });
  }
  return err;
}

/** Whether `err` is a read-only, no-space or permission error that describeFsError maps. */
export function isMappedFsError(err: unknown): boolean {
  const code = errnoCode(err);
  return code !== undefined && code in BY_ERRNO;
}

/**
 * A WsiHpcError (FS_READ_ONLY, FS_NO_SPACE or FS_PERMISSION) for a read-only, no-space or permission
 * error, naming `path` (else the path Node reports); null for anything else. `action` is e.g. "write"
 * (default: "write", or "access" for permission errors).
 */
export function describeFsError(err: unknown, path?: string, action?: string): WsiHpcError | null {
  if (err instanceof WsiHpcError) return err.code.startsWith('FS_') ? err : null;
  if (typeof err !== 'object' || err === null) return null;
  const e = realMkdirCause(err as NodeJS.ErrnoException) as NodeJS.ErrnoException & { dest?: string };
  const errno = errnoCode(e);
  // EEXIST from open(wx) or rename is the caller's to handle (locks); only mkdir's means a file is in the way.
  const mapping = errno && !(errno === 'EEXIST' && e.syscall !== 'mkdir') ? BY_ERRNO[errno] : undefined;
  if (!errno || !mapping) return null;
  const given = path ?? e.path ?? e.dest;
  const file = given ? resolve(given) : 'a file of the run';
  let dir = given ? dirname(file) : resolve('.');
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  const syscall = e.syscall ? `${e.syscall}, ` : '';
  const verb = action ?? (mapping.code === 'FS_PERMISSION' ? 'access' : mapping.code === 'FS_NOT_A_FILE' ? 'use' : 'write');
  return new WsiHpcError(mapping.code, `Could not ${verb} ${file}: ${mapping.problem} (${syscall}${errno})`, {
    file,
    hint: mapping.hint(dir),
    cause: err,
  });
}

/** Rethrow a mapped file-system error as its WsiHpcError; anything else unchanged. */
export function rethrowFsError(err: unknown, path?: string, action?: string): never {
  throw describeFsError(err, path, action) ?? err;
}
