// What submit, resubmit and `run --executor slurm` print: the scripts and sbatch lines of a dry run,
// one row per job, and the jobs `sbatch --test-only` would refuse (exit 1).
import type { ResubmitResult, SubmitResult } from '../../executor/index.js';
import { formatTable } from '../table.js';

/** `--test-only`: exit 1 and say so when sbatch would refuse a job (its reason is in the table and --json). */
export function reportTestOnlyRefusals(jobs: ReadonlyArray<{ stage: string; isTestOnlyRefused?: boolean }>): void {
  const refused = jobs.filter((j) => j.isTestOnlyRefused);
  if (!refused.length) return;
  process.stderr.write(
    `error: sbatch --test-only refused ${refused.length} job(s) (${[...new Set(refused.map((j) => j.stage))].join(', ')}); see the test-only column for why\n`,
  );
  process.exitCode ??= 1;
}

/** Scripts and sbatch lines of a dry run, then one row per job. Shared by `submit` and `run --executor slurm`. */
export function printSubmitResult(r: SubmitResult): void {
  if (r.isDryRun) {
    for (const s of r.submissions) process.stdout.write(`# ${s.scriptPath}\n${s.script}\n# sbatch --parsable ${s.args.join(' ')}\n\n`);
    for (const w of r.waves?.planned ?? [])
      if (w.driver)
        process.stdout.write(`# ${w.driver.scriptPath}\n${w.driver.script}\n# sbatch --parsable ${w.driver.args.join(' ')}\n\n`);
  }
  process.stdout.write(
    formatTable(
      [...(r.waves ? ['wave'] : []), 'stage', 'chunk', 'offset', 'tasks', 'job', 'script'],
      r.submissions.map((s) => [
        ...(r.waves ? [String(s.wave)] : []),
        s.stage,
        String(s.chunk.chunk),
        String(s.chunk.offset),
        String(s.chunk.indices.length || 1),
        s.jobId ?? (s.testOnly ? `test-only: ${s.testOnly}` : '-'),
        s.scriptPath,
      ]),
    ),
  );
  if (r.waves) {
    const w = r.waves;
    process.stdout.write(
      `${w.planned.length} waves (at most ${w.budget} jobs each: MaxJobCount ${r.limits.maxJobCount} - ${w.queuedAtSubmit} queued - margin ${w.margin}); ` +
        `waves 2-${w.planned.length} are submitted by driver jobs (wsihpc-wave) as earlier waves end` +
        `${w.planned[1]?.driver?.jobId ? ` (driver of wave 2: job ${w.planned[1].driver.jobId})` : ''}\n`,
    );
  }
  process.stdout.write(
    `${r.tasks} tasks per stage; MaxArraySize ${r.limits.maxArraySize}, MaxJobCount ${r.limits.maxJobCount}` +
      `${r.isDryRun ? '; dry run: nothing submitted' : r.jobsFile ? `; jobs recorded in ${r.jobsFile}` : '; test only: nothing submitted'}\n`,
  );
}

export function printResubmitResult(r: ResubmitResult): void {
  if (!r.jobs.length) {
    process.stdout.write('nothing to resubmit: every task is done\n');
    return;
  }
  if (r.isDryRun) {
    for (const j of r.jobs) process.stdout.write(`# ${j.scriptPath}\n${j.script}\n# sbatch --parsable ${j.args.join(' ')}\n\n`);
  }
  process.stdout.write(
    formatTable(
      ['stage', 'chunk', 'array indices', 'job', 'script'],
      r.jobs.map((j) => [
        j.stage,
        String(j.chunk),
        j.indices.join(',') || '-',
        j.jobId ?? (j.testOnly ? `test-only: ${j.testOnly}` : '-'),
        j.scriptPath,
      ]),
    ),
  );
  if (r.isDryRun || r.isTestOnly) process.stdout.write(`${r.isDryRun ? 'dry run' : 'test only'}: nothing submitted\n`);
}
