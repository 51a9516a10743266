// The sbatch script of one stage array chunk: the command each task runs (the wsi-hpc stage with
// its arguments, on the node or inside --container's image) rendered into templates/<stage>.sbatch,
// and the log arguments of its sbatch line. Shared by submit, resubmit and the local executor.
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OptionError } from '../errors.js';
import { readPlan } from '../plan/index.js';
import type { RunPaths } from '../run/paths.js';
import { TASK_OFFSET_ENV } from '../run/task-id.js';
import {
  containerBinds,
  isImageReference,
  renderArraySpec,
  renderSbatch,
  type ArrayChunk,
  type BindRequest,
  type ContainerSpec,
  type Stage,
  type StageResources,
} from '../slurm/index.js';
import type { SubmitOptions } from './submit.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const TEMPLATES_DIR = join(ROOT, 'templates');
export const BIN = join(ROOT, 'dist/cli/bin.js');
/** The command a container task calls: the image's own wsi-hpc, on its PATH (container/wsi-hpc.def). */
export const CONTAINER_BIN = 'wsi-hpc';

/** SLURM filename patterns treat % specially; a literal % in a path is written %%. */
export function escapeSlurmPath(path: string): string {
  return path.replace(/%/g, '%%');
}

/** The wsi-hpc arguments of a stage task: `<stage> RUN --quiet` (infer: the model and its extra arguments). */
export function stageArgs(stage: Stage, run: string, model: string | undefined, inferArgs: string[]): string[] {
  const args = [stage, run, '--quiet'];
  if (stage === 'infer') args.push('--model', model as string, ...inferArgs);
  return args;
}

export function stageCommand(stage: Stage, run: string, model: string | undefined, inferArgs: string[]): string[] {
  return [process.execPath, BIN, ...stageArgs(stage, run, model, inferArgs)];
}

interface ResolvedContainer {
  spec: ContainerSpec;
  slideFolders: BindRequest[];
}

// One image check and one plan read per submission (the options object), not one per chunk.
const resolved = new WeakMap<SubmitOptions, Promise<ResolvedContainer>>();

/** The image (a path made absolute and checked to exist now, at submit time) and the slides' folders from plan.json. */
export function resolveContainer(paths: RunPaths, o: SubmitOptions): Promise<ResolvedContainer> | null {
  if (!o.container) return null;
  let r = resolved.get(o);
  if (!r) {
    r = resolveContainerNow(paths, o.container);
    resolved.set(o, r);
  }
  return r;
}

async function resolveContainerNow(paths: RunPaths, c: NonNullable<SubmitOptions['container']>): Promise<ResolvedContainer> {
  const image = isImageReference(c.image) ? c.image : resolve(c.image);
  if (!isImageReference(c.image)) {
    const found = await stat(image).catch((err: NodeJS.ErrnoException) => err);
    if (found instanceof Error) {
      throw new OptionError(
        `\`--container ${c.image}\`: ${found.code === 'ENOENT' ? 'no such file' : `cannot be read (${found.code ?? found.message})`} (${image})`,
        'Give the path of a .sif image (build one with `apptainer build wsi-hpc.sif container/wsi-hpc.def`, docs/CONTAINER.md) or an image reference such as docker://… or oras://…',
      );
    }
  }
  const plan = await readPlan(paths.plan);
  const slideFolders = plan.slides
    .filter((s) => s.status === 'planned')
    .map((s) => ({ path: dirname(s.path), what: `the folder of slide ${s.name}` }));
  return { spec: { image, runtime: c.runtime }, slideFolders };
}

/** The folders a stage's task reads or writes: the run folder, the slides' folders, and for infer the model's. */
export function stageBinds(paths: RunPaths, stage: Stage, slideFolders: BindRequest[], model: string | undefined): string[] {
  return containerBinds([
    { path: paths.root, what: 'the run folder' },
    ...slideFolders,
    ...(stage === 'infer' && model ? [{ path: dirname(model), what: "the model's folder" }] : []),
  ]);
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
  const container = await resolveContainer(paths, o);
  const args = stageArgs(stage, paths.root, model, o.inferArgs ?? []);
  return renderSbatch({
    template,
    jobName: `wsihpc-${stage}`,
    arraySpec: chunk ? renderArraySpec(chunk.indices, res.throttle) : null,
    resources: res,
    command: container ? [CONTAINER_BIN, ...args] : [process.execPath, BIN, ...args],
    container: container ? { spec: container.spec, binds: stageBinds(paths, stage, container.slideFolders, model) } : null,
    // A task runs what was submitted: the options a config file gave were resolved into the command at
    // submit time, so a wsi-hpc.yaml in the task's folder (edited since, or another run's) is not read again.
    env: { ...(chunk ? { [TASK_OFFSET_ENV]: String(chunk.offset) } : {}), WSI_HPC_CONFIG: '/dev/null' },
    setup: o.setup ?? '',
    logDir: paths.logDir(stage),
  });
}

export function logArgs(paths: RunPaths, stage: Stage, isArray: boolean): string[] {
  const pattern = join(escapeSlurmPath(paths.logDir(stage)), isArray ? '%A_%a.out' : '%j.out');
  return [`--output=${pattern}`, `--error=${pattern}`];
}
