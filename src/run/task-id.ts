// Which array task this process is: --task N, else SLURM_ARRAY_TASK_ID plus WSI_HPC_TASK_OFFSET
// (set when a stage is split into several arrays, each indexed from 0), else null (= all tasks).
import { OptionError } from '../errors.js';

export const TASK_OFFSET_ENV = 'WSI_HPC_TASK_OFFSET';

export function resolveTaskId(explicit: number | undefined, env: NodeJS.ProcessEnv, taskCount: number): number | null {
  let task: number | null = null;
  if (explicit !== undefined) {
    task = explicit;
  } else if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const id = Number(env.SLURM_ARRAY_TASK_ID);
    const offset = Number(env[TASK_OFFSET_ENV] ?? 0);
    if (!Number.isInteger(id) || !Number.isInteger(offset)) {
      throw new OptionError(
        `Expected SLURM_ARRAY_TASK_ID and ${TASK_OFFSET_ENV} to be integers, received \`${env.SLURM_ARRAY_TASK_ID}\` and \`${env[TASK_OFFSET_ENV]}\``,
      );
    }
    task = id + offset;
  }
  if (task !== null && (!Number.isInteger(task) || task < 0 || task >= taskCount)) {
    throw new OptionError(
      `Expected \`--task\` to be an integer from 0 to ${taskCount - 1} (this stage has ${taskCount} tasks), received \`${task}\``,
    );
  }
  return task;
}
