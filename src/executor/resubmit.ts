// `resubmit`: only the tasks that failed, were cancelled, timed out, ran out of memory or left no
// completion marker, on the same chunk grid (indices < MaxArraySize, `--array=i,j,k`), with their
// dependants: infer for every resubmitted pack task, and merge after everything.
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { WsiHpcError } from '../errors.js';
import { readPlan } from '../plan/index.js';
import { runPaths } from '../run/paths.js';
import { splitTasks, type Stage } from '../slurm/index.js';
import { readJobsFile, writeJobsFile } from './jobs-file.js';
import { liveJobs, sbatch } from './slurm-commands.js';
import { runStatus } from './status.js';
import { logArgs, renderStageScript, type SubmitOptions } from './submit.js';
import { normalizeResources } from './options.js';

export interface ResubmitResult {
  tasks: Record<Stage, number[]>;
  jobs: Array<{ stage: Stage; chunk: number; indices: number[]; jobId?: string }>;
  isDryRun: boolean;
}

export async function resubmitRun(o: SubmitOptions): Promise<ResubmitResult> {
  const paths = runPaths(resolve(o.run));
  await readPlan(paths.plan);
  const jobsFile = await readJobsFile(paths.jobs);
  if (!jobsFile)
    throw new WsiHpcError('INVALID_OPTION', `${paths.jobs}: nothing was submitted for this run`, {
      hint: `Use \`wsi-hpc submit ${o.run}\` first`,
    });
  const live = await liveJobs(jobsFile.jobs.map((j) => j.jobId));
  if (live.length && !o.isForced) {
    throw new WsiHpcError(
      'INVALID_OPTION',
      `Jobs of this run are still queued or running (${live.join(', ')}); resubmit when they have finished`,
      { hint: `wsi-hpc status ${o.run} --watch` },
    );
  }
  const status = await runStatus(paths.root);
  const failed = (stage: Stage) =>
    status.stages
      .find((s) => s.stage === stage)
      ?.tasks.filter((t) => t.phase !== 'done')
      .map((t) => t.task) ?? [];
  const pack = failed('pack');
  const infer = [...new Set([...failed('infer'), ...pack])].sort((a, b) => a - b);
  const model = o.model ? resolve(o.model) : undefined;
  const submittedStages = new Set(jobsFile.jobs.map((j) => j.stage));
  const tasks: Record<Stage, number[]> = {
    pack: submittedStages.has('pack') ? pack : [],
    infer: submittedStages.has('infer') ? infer : [],
    merge: submittedStages.has('merge') && (infer.length > 0 || failed('merge').length > 0) ? [0] : [],
  };
  if (tasks.infer.length && !model) throw new WsiHpcError('INVALID_OPTION', 'Resubmitting infer tasks needs --model M.onnx');
  const result: ResubmitResult = { tasks, jobs: [], isDryRun: Boolean(o.isDryRun) };
  const attempt = Math.max(0, ...jobsFile.jobs.map((j) => j.attempt)) + 1;
  const ids: Record<string, string[]> = { pack: [], infer: [] };
  await mkdir(paths.slurmDir, { recursive: true });
  for (const stage of ['pack', 'infer', 'merge'] as Stage[]) {
    if (!tasks[stage].length) continue;
    const res = normalizeResources(stage, o.resources, o.stageResources?.[stage]);
    const chunks = stage === 'merge' ? [null] : splitTasks(tasks[stage], jobsFile.limits);
    for (const chunk of chunks) {
      const script = await renderStageScript(paths, stage, chunk, res, o, model);
      const scriptPath = paths.sbatchScript(stage, chunk?.chunk ?? 0, attempt);
      const after = stage === 'infer' ? ids.pack : stage === 'merge' ? ids.infer : [];
      const args = [
        ...logArgs(paths, stage, chunk !== null),
        ...(after.length ? [`--dependency=afterok:${after.join(':')}`] : []),
        '--kill-on-invalid-dep=yes',
        scriptPath,
      ];
      const entry: ResubmitResult['jobs'][number] = { stage, chunk: chunk?.chunk ?? 0, indices: chunk?.indices ?? [] };
      result.jobs.push(entry);
      if (o.isDryRun) continue;
      await mkdir(paths.logDir(stage), { recursive: true });
      await writeFile(scriptPath, script, { mode: 0o755 });
      const { jobId } = await sbatch(args);
      entry.jobId = jobId;
      if (stage !== 'merge') ids[stage].push(jobId);
      jobsFile.jobs.push({
        stage,
        chunk: chunk?.chunk ?? 0,
        offset: chunk?.offset ?? 0,
        indices: chunk?.indices ?? [],
        jobId,
        script: scriptPath,
        attempt,
      });
      await writeJobsFile(paths.jobs, jobsFile);
    }
  }
  return result;
}
