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
