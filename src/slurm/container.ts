// The container wrapping of a task's command (--container): the `<runtime> exec` words with `--nv` and
// one `--bind` per folder, and the shell lines that pick apptainer or singularity on the node.
// Pure: no fs, no env; the caller gives absolute folders, quoting is quote.ts's.
import { OptionError } from '../errors.js';
import { shellQuote } from './quote.js';

export const CONTAINER_RUNTIMES = ['auto', 'apptainer', 'singularity'] as const;
export type ContainerRuntime = (typeof CONTAINER_RUNTIMES)[number];

export interface ContainerSpec {
  /** An absolute .sif path (or sandbox folder), or an image reference (`docker://…`, `oras://…`). */
  image: string;
  /** `auto`: apptainer when the node has it, else singularity. @default 'auto' */
  runtime: ContainerRuntime;
}

/** A folder the task needs inside the container, and what it is (for error messages). */
export interface BindRequest {
  path: string;
  what: string;
}

/** The shell variable the runtime selection sets and the task's command line calls. */
export const RUNTIME_VAR = 'WSI_HPC_CONTAINER_RUNTIME';

/** `docker://`, `oras://`, `library://`, `docker-daemon:`, `oci-archive:` … : not a file on this machine. */
export function isImageReference(image: string): boolean {
  return /^(?:[a-z][a-z0-9+.-]*:\/\/|(?:docker-daemon|docker-archive|oci|oci-archive):)/i.test(image);
}

/** Whether a `--gres` value asks for at least one GPU (`gpu`, `gpu:2`, `gpu:a100:2`; `gpu:0` does not). */
export function gresHasGpu(gres: string | null): boolean {
  if (!gres) return false;
  return gres.split(',').some((item) => {
    const [name, ...rest] = item.trim().split(':');
    if (name !== 'gpu') return false;
    const last = rest.at(-1);
    return last === undefined || !/^\d+$/.test(last) || Number(last) > 0;
  });
}

/** Absolute, normalised and deduplicated bind folders; one with `:` or `,` (which split --bind) is refused. */
export function containerBinds(requests: readonly BindRequest[]): string[] {
  const out: string[] = [];
  for (const { path, what } of requests) {
    if (!path.startsWith('/')) throw new Error(`container bind for ${what} must be absolute, received ${JSON.stringify(path)}`);
    const folder = path.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
    if (/[:,]/.test(folder)) {
      throw new OptionError(
        `Cannot bind ${what} \`${folder}\` into the container (--container): apptainer's --bind splits paths at \`:\` and \`,\``,
        'Move or link the folder to a path without `:` or `,` (and plan again if it holds slides), or run without --container',
      );
    }
    if (!out.includes(folder)) out.push(folder);
  }
  return out;
}

/** Shell lines that set $WSI_HPC_CONTAINER_RUNTIME, or fail the task naming what is missing (exit 127). */
export function renderRuntimeSelection(runtime: ContainerRuntime): string {
  const find = runtime === 'auto' ? 'command -v apptainer || command -v singularity' : `command -v ${runtime}`;
  const missing =
    runtime === 'auto'
      ? '--container needs apptainer or singularity on PATH; neither was found'
      : `--container-runtime ${runtime}: ${runtime} is not on PATH`;
  return [
    `# --container: ${runtime === 'auto' ? 'apptainer, else singularity, whichever this node has' : runtime}`,
    `${RUNTIME_VAR}=$(${find}) || { echo "wsi-hpc: ${missing} on $(hostname) (PATH=$PATH)" >&2; exit 127; }`,
  ].join('\n');
}

/** `"$WSI_HPC_CONTAINER_RUNTIME" exec [--nv] --bind F… IMAGE <inner words>`, every word but the variable quoted. */
export function renderContainerCommand(spec: ContainerSpec, binds: readonly string[], hasGpu: boolean, inner: readonly string[]): string {
  const words = ['exec', ...(hasGpu ? ['--nv'] : []), ...binds.flatMap((b) => ['--bind', b]), spec.image, ...inner];
  return [`"$${RUNTIME_VAR}"`, ...words.map(shellQuote)].join(' ');
}
