// RUN/slurm/jobs.json: every job wsi-hpc submitted for the run, written atomically after each sbatch.
// schemaVersion 1: one submission; 2: submitted in waves (the plan of every wave in `waves`).
import { readFile } from 'node:fs/promises';
import { WsiHpcError } from '../errors.js';
import type { JobsFile } from '../slurm/index.js';
import { writeFileAtomic } from '../util/atomic.js';

export async function readJobsFile(path: string): Promise<JobsFile | null> {
  let file: JobsFile;
  try {
    file = JSON.parse(await readFile(path, 'utf8')) as JobsFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (file.schemaVersion !== 1 && file.schemaVersion !== 2)
    throw new WsiHpcError(
      'PLAN_INVALID',
      `${path}: schemaVersion ${JSON.stringify(file.schemaVersion)} is not one this wsi-hpc reads (1 or 2)`,
      {
        file: path,
        hint: 'Use the wsi-hpc version that submitted this run, or submit it again with --force',
      },
    );
  return file;
}

export async function writeJobsFile(path: string, jobs: JobsFile): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(jobs, null, 1)}\n`);
}
