// The sbatch script of one stage array chunk: the command each task runs (the wsi-hpc stage with
// its arguments) rendered into templates/<stage>.sbatch, and the log arguments of its sbatch line.
// Shared by submit, resubmit and the local executor, so every executor runs the same script.
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunPaths } from '../run/paths.js';
import { TASK_OFFSET_ENV } from '../run/task-id.js';
import { renderArraySpec, renderSbatch, type ArrayChunk, type Stage, type StageResources } from '../slurm/index.js';
import type { SubmitOptions } from './submit.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const TEMPLATES_DIR = join(ROOT, 'templates');
export const BIN = join(ROOT, 'dist/cli/bin.js');

/** SLURM filename patterns treat % specially; a literal % in a path is written %%. */
export function escapeSlurmPath(path: string): string {
  return path.replace(/%/g, '%%');
}

export function stageCommand(stage: Stage, run: string, model: string | undefined, inferArgs: string[]): string[] {
  const cmd = [process.execPath, BIN, stage, run, '--quiet'];
  if (stage === 'infer') cmd.push('--model', model as string, ...inferArgs);
  return cmd;
}

export async function renderStageScript(
  paths: RunPaths,
  stage: Stage,
  chunk: ArrayChunk | null,
  res: StageResources,
  o: SubmitOptions,
  model: string | undefined,
): Promise<string> {
  const template = await readFile(join(TEMPLATES_DIR, `${stage}.sbatch`), 'utf8');
  return renderSbatch({
    template,
    jobName: `wsihpc-${stage}`,
    arraySpec: chunk ? renderArraySpec(chunk.indices, res.throttle) : null,
    resources: res,
    command: stageCommand(stage, paths.root, model, o.inferArgs ?? []),
    env: chunk ? { [TASK_OFFSET_ENV]: String(chunk.offset) } : {},
    setup: o.setup ?? '',
    logDir: paths.logDir(stage),
  });
}

export function logArgs(paths: RunPaths, stage: Stage, isArray: boolean): string[] {
  const pattern = join(escapeSlurmPath(paths.logDir(stage)), isArray ? '%A_%a.out' : '%j.out');
  return [`--output=${pattern}`, `--error=${pattern}`];
}
