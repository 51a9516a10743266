// Renders the sbatch script of a one-CPU job that runs wsi-hpc on the node itself, never inside a
// container, because it calls sbatch: a wave driver (`wsihpc-wave`, `submit-wave RUN --wave N`) or the
// plan's assemble job (`wsihpc-assemble`, `plan-assemble RUN`). Pure.
import { shellQuote, validateDirectiveValue } from './quote.js';

export interface HostJobInput {
  jobName: string;
  /** Comment lines saying what the job does (written after `# `). */
  about: string[];
  /** Echoed first, after the job id, so the log says which job this is. */
  banner: string;
  /** Wall time (SLURM form). */
  time: string;
  memMb: number;
  partition: string | null;
  account: string | null;
  qos: string | null;
  /** Command words (node, the wsi-hpc bin, the command, the run, its options), each quoted. */
  command: string[];
  /** The user's setup snippet (module loads), verbatim. */
  setup: string;
}

export function renderHostJob(d: HostJobInput): string {
  const directives = [
    `#SBATCH --job-name=${validateDirectiveValue('job-name', d.jobName)}`,
    `#SBATCH --time=${validateDirectiveValue('time', d.time)}`,
    `#SBATCH --mem=${Math.max(1, Math.round(d.memMb))}M`,
    '#SBATCH --cpus-per-task=1',
  ];
  if (d.partition) directives.push(`#SBATCH --partition=${validateDirectiveValue('partition', d.partition)}`);
  if (d.account) directives.push(`#SBATCH --account=${validateDirectiveValue('account', d.account)}`);
  if (d.qos) directives.push(`#SBATCH --qos=${validateDirectiveValue('qos', d.qos)}`);
  return [
    '#!/bin/bash',
    ...d.about.map((l) => `# ${l}`),
    ...directives,
    'set -euo pipefail',
    d.setup.trim() || ': # no environment setup given (--setup)',
    `echo ${shellQuote(d.banner)}": job \${SLURM_JOB_ID:-?} on $(hostname)"`,
    d.command.map(shellQuote).join(' '),
    '',
  ].join('\n');
}

export interface WaveDriverInput {
  wave: number;
  /** Wall time of the driver (SLURM form); it waits for room at most until shortly before. */
  time: string;
  partition: string | null;
  account: string | null;
  qos: string | null;
  /** Command words (node, the wsi-hpc bin, submit-wave, the run, --wave N), each quoted. */
  command: string[];
  /** The user's setup snippet (module loads), verbatim. */
  setup: string;
}

export function renderWaveDriver(d: WaveDriverInput): string {
  return renderHostJob({
    ...d,
    jobName: 'wsihpc-wave',
    memMb: 512,
    banner: `wsi-hpc wave ${d.wave} driver`,
    about: [
      `wsi-hpc wave driver for wave ${d.wave}, rendered by \`wsi-hpc submit\`: started when the previous wave's jobs`,
      'have ended (afterany), it waits until this wave fits under MaxJobCount and submits the scripts',
      "rendered at submit time (RUN/slurm/jobs.json), then the next wave's driver. Values are shell-quoted.",
    ],
  });
}
