// Splits a stage's tasks into sbatch arrays that respect MaxArraySize: each array is indexed from
// 0 and carries a task offset, so no index ever reaches MaxArraySize. Pure.
import type { ArrayChunk, ClusterLimits } from './types.js';

/** Chunk `taskCount` tasks (0..n-1) into arrays of at most maxArraySize indices. */
export function splitArray(taskCount: number, limits: ClusterLimits): ArrayChunk[] {
  const size = limits.maxArraySize;
  const chunks: ArrayChunk[] = [];
  for (let offset = 0, chunk = 0; offset < taskCount; offset += size, chunk++) {
    const n = Math.min(size, taskCount - offset);
    chunks.push({ chunk, offset, indices: Array.from({ length: n }, (_, i) => i) });
  }
  return chunks;
}

/** Re-chunk a subset of tasks (resubmission) onto the same chunk grid: task t -> chunk floor(t/M), index t mod M. */
export function splitTasks(tasks: number[], limits: ClusterLimits): ArrayChunk[] {
  const size = limits.maxArraySize;
  const byChunk = new Map<number, number[]>();
  for (const t of [...new Set(tasks)].sort((a, b) => a - b)) {
    const c = Math.floor(t / size);
    if (!byChunk.has(c)) byChunk.set(c, []);
    byChunk.get(c)?.push(t - c * size);
  }
  return [...byChunk].map(([chunk, indices]) => ({ chunk, offset: chunk * size, indices }));
}

/** `0-7`, `0-7%4`, or `1,3,5-6%2`: the --array value for a chunk's indices. */
export function renderArraySpec(indices: number[], throttle: number | null): string {
  const parts: string[] = [];
  for (let i = 0; i < indices.length; ) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    parts.push(i === j ? String(indices[i]) : `${indices[i]}-${indices[j]}`);
    i = j + 1;
  }
  return `${parts.join(',')}${throttle ? `%${throttle}` : ''}`;
}
