// The one skeleton every stage runs a unit (a shard) through: trusted-marker check, per-unit lock,
// write to a temporary name, verify, rename, marker. The stage supplies only produce/verify/check;
// the lock file is unit-lock.ts, marker files markers.ts.
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type ErrorCode, WsiHpcError } from '../errors.js';
import { tempPathFor } from '../util/atomic.js';
import { explainWriteFailure } from './disk-space.js';
import { type Marker, type MarkerError, readMarker, writeMarkerUnlessNewer } from './markers.js';
import { acquireUnitLock, describeOwner, type UnitLock } from './unit-lock.js';

export interface UnitOfWork<R> {
  stage: string;
  unit: string;
  planHash: string;
  markerPath: string;
  /** The unit's output file: written under a temporary name, verified, then renamed to this. */
  output: string;
  /** Whether a done marker of this plan may be trusted: its output exists and still matches it. */
  isComplete(marker: Marker): Promise<boolean>;
  /** Writes the output to `tmp`; returns what verify() and markerResult() need. */
  produce(tmp: string): Promise<R>;
  /** Re-reads `tmp` and throws if it does not hold what produce() reported. */
  verify(tmp: string, produced: R): Promise<void>;
  /** The `result` of the done marker. */
  markerResult(produced: R, fileBytes: number, seconds: number): Record<string, unknown>;
  /** Code recorded for a failure that is not a WsiHpcError. */
  fallbackCode: ErrorCode | 'INTERNAL';
}

export interface UnitOptions {
  env?: NodeJS.ProcessEnv;
  /** Wait this long for a live holder of the unit's lock before failing the unit. @default WSI_HPC_LOCK_WAIT_S or 5 s */
  lockWaitMs?: number;
  /** See LOCK_STALE_MS. */
  lockStaleMs?: number;
}

export type UnitOutcome<R> =
  | { status: 'skipped'; seconds: number; marker: Marker }
  | { status: 'done'; seconds: number; produced: R; fileBytes: number; marker: Marker }
  | { status: 'failed'; seconds: number; error: MarkerError };

export const DEFAULT_LOCK_WAIT_MS = 5000;

/** markers/<stage>/.<unit>.lock: hidden, so tools listing markers see only `<unit>.json`. */
export function lockPathFor(markerPath: string): string {
  return join(dirname(markerPath), `.${basename(markerPath, '.json')}.lock`);
}

function lockWaitFrom(o: UnitOptions): number {
  const s = Number(o.env?.WSI_HPC_LOCK_WAIT_S);
  return o.lockWaitMs ?? (o.env?.WSI_HPC_LOCK_WAIT_S !== undefined && Number.isFinite(s) && s >= 0 ? s * 1000 : DEFAULT_LOCK_WAIT_MS);
}

async function trusted<R>(w: UnitOfWork<R>, marker: Marker | null): Promise<boolean> {
  if (marker?.status !== 'done' || marker.planHash !== w.planHash) return false;
  // A check that cannot read the output means the output does not match.
  return w.isComplete(marker).catch(() => false);
}

// Temporaries left by a crashed attempt; only removed while holding the unit's lock, so a live
// instance's temporary is never touched.
async function removeStaleTemps(file: string): Promise<void> {
  const dir = dirname(file);
  const prefix = `.tmp-${basename(file)}-`;
  for (const name of await readdir(dir).catch(() => [] as string[]))
    if (name.startsWith(prefix)) await rm(join(dir, name), { force: true });
}

function toMarkerError(err: unknown, code: string): MarkerError {
  const e = err instanceof WsiHpcError ? err : null;
  return { code: e?.code ?? code, message: err instanceof Error ? err.message : String(err), ...(e?.hint ? { hint: e.hint } : {}) };
}

async function lostLock(w: UnitOfWork<unknown>, lock: UnitLock): Promise<WsiHpcError> {
  const now = await acquireUnitLock(lock.path, { waitMs: 0 }).catch(() => null);
  if (now?.status === 'acquired') await now.lock.release();
  const by = now?.status === 'busy' ? describeOwner(now.holder) : 'another process';
  return new WsiHpcError(
    'UNIT_LOCK_LOST',
    `${w.stage} ${w.unit}: the lock ${lock.path} was taken over by ${by} while this attempt ran; this attempt's output was discarded`,
    { file: lock.path, hint: 'Nothing to do if the other attempt completes; otherwise rerun the task' },
  );
}

/** Runs one unit through the skeleton; never throws for a unit failure (the outcome says it). */
export async function runUnitOfWork<R>(w: UnitOfWork<R>, options: UnitOptions = {}): Promise<UnitOutcome<R>> {
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const before = await readMarker(w.markerPath);
  if (before && (await trusted(w, before))) return { status: 'skipped', seconds: 0, marker: before };
  const env = options.env ?? process.env;
  const attempt = await acquireUnitLock(lockPathFor(w.markerPath), {
    env,
    waitMs: lockWaitFrom({ ...options, env }),
    staleMs: options.lockStaleMs,
  });
  if (attempt.status === 'busy') {
    // The other instance may have finished while we waited.
    const now = await readMarker(w.markerPath);
    if (now && (await trusted(w, now))) return { status: 'skipped', seconds: 0, marker: now };
    const error = new WsiHpcError(
      'UNIT_LOCKED',
      `${w.stage} ${w.unit}: already running on ${describeOwner(attempt.holder)}; not started again here`,
      {
        file: lockPathFor(w.markerPath),
        hint: 'Wait for that instance. A lock is taken over automatically once stale (same host: its pid is dead; other host: no heartbeat for WSI_HPC_LOCK_STALE_S, default 600 s); delete the lock file to take over now',
      },
    );
    return { status: 'failed', seconds: elapsed(), error: toMarkerError(error, w.fallbackCode) };
  }
  const { lock } = attempt;
  const startedAt = new Date().toISOString();
  const markerBase = {
    stage: w.stage,
    unit: w.unit,
    planHash: w.planHash,
    startedAt,
    attempt: { pid: lock.owner.pid, slurmJobId: lock.owner.slurmArrayJobId ?? lock.owner.slurmJobId, token: lock.owner.token },
  };
  const tmp = tempPathFor(w.output);
  try {
    const now = await readMarker(w.markerPath);
    if (now && JSON.stringify(now) !== JSON.stringify(before) && (await trusted(w, now)))
      return { status: 'skipped', seconds: 0, marker: now };
    await removeStaleTemps(w.output);
    await mkdir(dirname(w.output), { recursive: true });
    try {
      const produced = await w.produce(tmp);
      await w.verify(tmp, produced);
      if (!(await lock.isHeld())) throw await lostLock(w, lock);
      await rename(tmp, w.output);
      const fileBytes = (await stat(w.output)).size;
      const seconds = elapsed();
      const { marker } = await writeMarkerUnlessNewer(w.markerPath, {
        ...markerBase,
        status: 'done',
        finishedAt: new Date().toISOString(),
        seconds,
        result: w.markerResult(produced, fileBytes, seconds),
      });
      return { status: 'done', seconds, produced, fileBytes, marker };
    } catch (thrown) {
      // Asked before the temporary is removed: HDF5 reports a full disk only as a failed write.
      const err = await explainWriteFailure(thrown, w.output);
      await rm(tmp, { force: true });
      const error = toMarkerError(err, w.fallbackCode);
      const seconds = elapsed();
      // A failure marker is written only by the lock's holder, and never over a newer done marker.
      if ((err as WsiHpcError).code !== 'UNIT_LOCK_LOST' && (await lock.isHeld())) {
        await writeMarkerUnlessNewer(w.markerPath, {
          ...markerBase,
          status: 'failed',
          finishedAt: new Date().toISOString(),
          seconds,
          error,
        }).catch((e: NodeJS.ErrnoException) => {
          error.message += ` (the failure marker ${w.markerPath} could not be written either: ${e.code ?? e.message})`;
        });
      }
      return { status: 'failed', seconds, error };
    }
  } finally {
    await lock.release();
  }
}
