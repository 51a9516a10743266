// RUN/slurm/jobs.json: every job wsi-hpc submitted for the run, written atomically after each sbatch.
import { readFile } from 'node:fs/promises';
import type { JobsFile } from '../slurm/index.js';
import { writeFileAtomic } from '../util/atomic.js';

export async function readJobsFile(path: string): Promise<JobsFile | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as JobsFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export async function writeJobsFile(path: string, jobs: JobsFile): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(jobs, null, 1)}\n`);
}
