// One lock file per unit of work (markers/<stage>/.<unit>.lock), created exclusively (`wx`), holding
// who runs the unit: host, pid, SLURM job and start time. A holder refreshes the file's mtime as a
// heartbeat; unit-of-work.ts decides what to do when a unit is busy. Markers live in markers.ts.
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { WsiHpcError } from '../errors.js';
import { describeFsError } from '../util/fs-errors.js';

/**
 * A lock held on another host is stale when its heartbeat (the file's mtime, refreshed every
 * LOCK_HEARTBEAT_MS) is older than this. On the same host a lock is stale as soon as its pid is dead.
 * @default 600000 (10 min); override with WSI_HPC_LOCK_STALE_S.
 */
export const LOCK_STALE_MS = 10 * 60 * 1000;
export const LOCK_HEARTBEAT_MS = 30 * 1000;
/** An unparseable lock younger than this is still being written by its creator. */
const LOCK_WRITE_GRACE_MS = 10 * 1000;

export interface LockOwner {
  host: string;
  pid: number;
  /** SLURM_JOB_ID, and for array tasks SLURM_ARRAY_JOB_ID_SLURM_ARRAY_TASK_ID; null outside SLURM. */
  slurmJobId: string | null;
  slurmArrayJobId: string | null;
  startedAt: string;
  /** Random per acquisition: tells this holder from a later one with the same pid. */
  token: string;
}

export interface UnitLock {
  path: string;
  owner: LockOwner;
  /** True while the lock file still holds this owner's token. */
  isHeld(): Promise<boolean>;
  /** Stops the heartbeat and removes the lock file if it is still ours. */
  release(): Promise<void>;
}

export type LockAttempt = { status: 'acquired'; lock: UnitLock; tookOver: LockOwner | null } | { status: 'busy'; holder: LockOwner | null };

export interface LockOptions {
  env?: NodeJS.ProcessEnv;
  /** How long to wait for a live holder to finish before reporting the unit busy. @default 0 */
  waitMs?: number;
  /** @default LOCK_STALE_MS */
  staleMs?: number;
  /** For tests: the current time in ms. */
  now?: () => number;
}

export function lockOwner(env: NodeJS.ProcessEnv): LockOwner {
  const arrayJob = env.SLURM_ARRAY_JOB_ID && env.SLURM_ARRAY_TASK_ID ? `${env.SLURM_ARRAY_JOB_ID}_${env.SLURM_ARRAY_TASK_ID}` : null;
  return {
    host: hostname(),
    pid: process.pid,
    slurmJobId: env.SLURM_JOB_ID ?? null,
    slurmArrayJobId: arrayJob,
    startedAt: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
}

/** "host X pid Y (SLURM job Z) since T" for messages. */
export function describeOwner(o: LockOwner | null): string {
  if (!o) return 'another process (lock file still being written)';
  const job = o.slurmArrayJobId ?? o.slurmJobId;
  return `host ${o.host} pid ${o.pid}${job ? ` (SLURM job ${job})` : ''} since ${o.startedAt}`;
}

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the pid exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<{ owner: LockOwner | null; mtimeMs: number } | null> {
  try {
    const [text, st] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    let owner: LockOwner | null = null;
    try {
      const v = JSON.parse(text) as LockOwner;
      if (typeof v.host === 'string' && Number.isInteger(v.pid) && typeof v.token === 'string') owner = v;
    } catch {
      // Empty or partial: the creator is between open('wx') and write; staleness decides below.
    }
    return { owner, mtimeMs: st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function staleMsFrom(o: LockOptions): number {
  const s = Number(o.env?.WSI_HPC_LOCK_STALE_S);
  return o.staleMs ?? (Number.isFinite(s) && s > 0 ? s * 1000 : LOCK_STALE_MS);
}

/** Stale: same host and dead pid; or a heartbeat older than staleMs; or never written and old. */
export function isStale(owner: LockOwner | null, mtimeMs: number, nowMs: number, staleMs: number): boolean {
  const age = nowMs - mtimeMs;
  if (!owner) return age > LOCK_WRITE_GRACE_MS;
  if (owner.host === hostname()) return !isPidAlive(owner.pid);
  return age > staleMs;
}

async function tryCreate(path: string, owner: LockOwner): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // Read-only, full or unwritable run folder: FS_* naming the lock file (util/fs-errors.ts).
    throw (
      describeFsError(err, path) ??
      new WsiHpcError('UNIT_LOCKED', `${path}: cannot create the lock file (${(err as NodeJS.ErrnoException).code ?? err})`, {
        file: path,
        cause: err,
        hint: 'Check that the run folder is writable',
      })
    );
  }
  try {
    await handle.writeFile(`${JSON.stringify(owner)}\n`);
    await handle.sync();
  } catch (err) {
    // A lock we could not fill (full disk) would only look ownerless to the next attempt: remove it.
    await rm(path, { force: true }).catch(() => undefined);
    throw describeFsError(err, path) ?? err;
  } finally {
    await handle.close();
  }
  return true;
}

// Move a stale lock aside; if what we moved is not the lock we judged stale (another process took
// it over in between), put it back with link() (exclusive) and report that we did not get it.
async function removeStale(path: string, judged: LockOwner | null): Promise<void> {
  const aside = `${path}.stale-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = await readOwner(aside);
  if (moved?.owner && judged && moved.owner.token !== judged.token) {
    await link(aside, path).catch(() => undefined);
  }
  await rm(aside, { force: true });
}

function makeLock(path: string, owner: LockOwner): UnitLock {
  const beat = setInterval(() => {
    const t = new Date();
    // A failed heartbeat only makes the lock look older to other hosts.
    utimes(path, t, t).catch(() => undefined);
  }, LOCK_HEARTBEAT_MS);
  beat.unref();
  const isHeld = async () => (await readOwner(path).catch(() => null))?.owner?.token === owner.token;
  return {
    path,
    owner,
    isHeld,
    release: async () => {
      clearInterval(beat);
      if (await isHeld()) await rm(path, { force: true });
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Takes the unit's lock, taking over a stale one; waits up to waitMs for a live holder. */
export async function acquireUnitLock(path: string, options: LockOptions = {}): Promise<LockAttempt> {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const staleMs = staleMsFrom({ ...options, env });
  const deadline = now() + (options.waitMs ?? 0);
  await mkdir(dirname(path), { recursive: true });
  let tookOver: LockOwner | null = null;
  for (;;) {
    const owner = lockOwner(env);
    if (await tryCreate(path, owner)) return { status: 'acquired', lock: makeLock(path, owner), tookOver };
    const held = await readOwner(path);
    if (!held) continue;
    if (isStale(held.owner, held.mtimeMs, now(), staleMs)) {
      tookOver = held.owner;
      await removeStale(path, held.owner);
      continue;
    }
    if (now() >= deadline) return { status: 'busy', holder: held.owner };
    await sleep(Math.min(500, Math.max(50, deadline - now())));
  }
}
