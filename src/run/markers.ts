// Completion markers (RUN/markers/<stage>/<unit>.json): written last, after the data they
// describe, so "marker says done and the output matches it" means the unit is complete.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { writeFileAtomic } from '../util/atomic.js';

export interface MarkerError {
  code: string;
  message: string;
  hint?: string;
}

export interface Marker {
  stage: string;
  unit: string;
  status: 'done' | 'failed';
  planHash: string;
  host: string;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  error?: MarkerError;
  /** Stage-specific results: counts, checksums, device, throughput. */
  result?: Record<string, unknown>;
  /** Who ran this attempt (from the unit's lock): pid, SLURM job, lock token. */
  attempt?: { pid: number; slurmJobId: string | null; token: string };
}

export async function readMarker(path: string): Promise<Marker | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Marker;
  } catch {
    // Absent or half-written (impossible with atomic writes, but a hand-edited file) = not done.
    return null;
  }
}

export async function writeMarker(path: string, marker: Omit<Marker, 'host'>): Promise<Marker> {
  const full: Marker = { ...marker, host: hostname() };
  await writeFileAtomic(path, `${JSON.stringify(full, null, 1)}\n`);
  return full;
}

/**
 * Writes the marker unless a done marker of a newer attempt (later startedAt) is already there:
 * a late or stalled instance never replaces the result of the one that overtook it.
 * Returns the marker now on disk and whether it is ours.
 */
export async function writeMarkerUnlessNewer(path: string, marker: Omit<Marker, 'host'>): Promise<{ marker: Marker; isWritten: boolean }> {
  const existing = await readMarker(path);
  if (existing?.status === 'done' && Date.parse(existing.startedAt) > Date.parse(marker.startedAt)) {
    return { marker: existing, isWritten: false };
  }
  return { marker: await writeMarker(path, marker), isWritten: true };
}

/**
 * The marker of one array task of a stage (`markers/<stage>/task-NNNNN.json`), written unless a newer
 * attempt's done marker is there: a late instance (SLURM requeue) never replaces a finished one.
 */
export async function writeTaskMarker(
  path: string,
  stage: string,
  task: number,
  run: { isFailed: boolean; planHash: string; startedAt: Date; result: Record<string, unknown> },
): Promise<void> {
  await writeMarkerUnlessNewer(path, {
    stage,
    unit: `task-${task}`,
    status: run.isFailed ? 'failed' : 'done',
    planHash: run.planHash,
    startedAt: run.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    seconds: (Date.now() - run.startedAt.getTime()) / 1000,
    result: run.result,
  });
}
