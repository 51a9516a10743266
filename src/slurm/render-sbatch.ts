// Renders one sbatch script per stage array chunk from templates/<stage>.sbatch: {{name}}
// placeholders are replaced by values that were shell-quoted (body) or checked to be safe
// (#SBATCH lines). Unknown placeholders are an error. With a container, the command runs through
// `<runtime> exec` (container.ts). Pure.
import { gresHasGpu, renderContainerCommand, renderRuntimeSelection, type ContainerSpec } from './container.js';
import { shellQuote, validateDirectiveValue } from './quote.js';
import type { StageResources } from './types.js';

export interface RenderInput {
  template: string;
  jobName: string;
  arraySpec: string | null;
  resources: StageResources;
  /**
   * Command words, each quoted: node, the wsi-hpc bin, the stage, the run folder, extra args; with a
   * container, the words run inside it (`wsi-hpc`, the stage, …).
   */
  command: string[];
  /** Run the command in this image, binding these absolute folders (containerBinds). */
  container?: { spec: ContainerSpec; binds: string[] } | null;
  /** Environment exported before the command; values quoted. */
  env: Record<string, string>;
  /** User's setup snippet (module loads), inserted verbatim: it is the user's own shell code. */
  setup: string;
  logDir: string;
}

export function renderDirectives(r: RenderInput): string {
  const res = r.resources;
  const lines = [
    `#SBATCH --job-name=${validateDirectiveValue('job-name', r.jobName)}`,
    `#SBATCH --time=${validateDirectiveValue('time', res.time)}`,
    `#SBATCH --mem=${Math.max(1, Math.round(res.memGb * 1024))}M`,
    `#SBATCH --cpus-per-task=${res.cpusPerTask}`,
    '#SBATCH --signal=B:USR2@120',
  ];
  if (r.arraySpec) lines.push(`#SBATCH --array=${validateDirectiveValue('array', r.arraySpec)}`);
  if (res.partition) lines.push(`#SBATCH --partition=${validateDirectiveValue('partition', res.partition)}`);
  if (res.account) lines.push(`#SBATCH --account=${validateDirectiveValue('account', res.account)}`);
  if (res.qos) lines.push(`#SBATCH --qos=${validateDirectiveValue('qos', res.qos)}`);
  if (res.gres) lines.push(`#SBATCH --gres=${validateDirectiveValue('gres', res.gres)}`);
  else if (res.gpus > 0) lines.push(`#SBATCH --gres=gpu:${res.gpus}`);
  if (res.constraint) lines.push(`#SBATCH --constraint=${validateDirectiveValue('constraint', res.constraint)}`);
  return lines.join('\n');
}

/** The task gets a GPU (so the container gets `--nv`): `gpus` > 0, or a gres asking for one. */
export function hasGpu(res: StageResources): boolean {
  return res.gres ? gresHasGpu(res.gres) : res.gpus > 0;
}

export function renderSbatch(r: RenderInput): string {
  const values: Record<string, string> = {
    directives: renderDirectives(r),
    env: Object.entries(r.env)
      .map(([k, v]) => `export ${k}=${shellQuote(v)}`)
      .join('\n'),
    setup: r.setup.trim() || ': # no environment setup given (--setup)',
    runtime: r.container
      ? renderRuntimeSelection(r.container.spec.runtime)
      : ': # no container (--container): the command runs on the node',
    command: r.container
      ? renderContainerCommand(r.container.spec, r.container.binds, hasGpu(r.resources), r.command)
      : r.command.map(shellQuote).join(' '),
    log_dir: shellQuote(r.logDir),
  };
  return r.template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`template placeholder {{${key}}} is unknown; known: ${Object.keys(values).join(', ')}`);
    return values[key];
  });
}
