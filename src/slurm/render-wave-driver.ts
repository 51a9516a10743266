// Renders the sbatch script of a wave driver (`wsihpc-wave`): a one-CPU job that runs
// `wsi-hpc submit-wave RUN --wave N` on the node itself (it calls sbatch, so never inside a container). Pure.
import { shellQuote, validateDirectiveValue } from './quote.js';

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
  const directives = [
    '#SBATCH --job-name=wsihpc-wave',
    `#SBATCH --time=${validateDirectiveValue('time', d.time)}`,
    '#SBATCH --mem=512M',
    '#SBATCH --cpus-per-task=1',
  ];
  if (d.partition) directives.push(`#SBATCH --partition=${validateDirectiveValue('partition', d.partition)}`);
  if (d.account) directives.push(`#SBATCH --account=${validateDirectiveValue('account', d.account)}`);
  if (d.qos) directives.push(`#SBATCH --qos=${validateDirectiveValue('qos', d.qos)}`);
  return [
    '#!/bin/bash',
    `# wsi-hpc wave driver for wave ${d.wave}, rendered by \`wsi-hpc submit\`: started when the previous wave's jobs`,
    '# have ended (afterany), it waits until this wave fits under MaxJobCount and submits the scripts',
    "# rendered at submit time (RUN/slurm/jobs.json), then the next wave's driver. Values are shell-quoted.",
    ...directives,
    'set -euo pipefail',
    d.setup.trim() || ': # no environment setup given (--setup)',
    `echo "wsi-hpc wave ${d.wave} driver: job \${SLURM_JOB_ID:-?} on $(hostname)"`,
    d.command.map(shellQuote).join(' '),
    '',
  ].join('\n');
}
