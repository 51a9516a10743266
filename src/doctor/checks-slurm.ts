// SLURM from this node: the controller answers (`scontrol show config`: MaxArraySize, MaxJobCount), the
// partitions (`sinfo`), and whether accounting answers (`sacct`). Commands not installed: absent, not fail.
import { isAccountingDisabled, parseConfig } from '../slurm/index.js';
import { describeToolFailure, runTool } from './run-tool.js';
import type { CheckResult } from './types.js';

const ABSENT_DETAIL = 'SLURM commands are not installed here: `run --executor local` works; submit, status and resubmit need SLURM.';
const ABSENT_FIX = 'Run wsi-hpc on the cluster login node, or load SLURM (`module load slurm`).';

export interface Partition {
  name: string;
  isDefault: boolean;
  /** sinfo's %a: up, down, drain, inact. */
  availability: string;
  timeLimit: string;
  nodes: number;
  /** sinfo's %G, e.g. "gpu:a100:4"; null when the partition has no generic resources. */
  gres: string | null;
}

/** `sinfo -h -o '%P %a %l %D %G'` lines into partitions ("debug* up infinite 1 (null)"). */
export function parseSinfoPartitions(output: string): Partition[] {
  return output
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4 && f[0])
    .map(([p, availability, timeLimit, nodes, gres]) => ({
      name: p.replace(/\*$/, ''),
      isDefault: p.endsWith('*'),
      availability,
      timeLimit,
      nodes: Number(nodes),
      gres: !gres || gres === '(null)' ? null : gres,
    }));
}

function absent(id: string): CheckResult {
  return { id, status: 'absent', finding: 'SLURM is not installed here (optional)', detail: ABSENT_DETAIL, fix: ABSENT_FIX };
}

export async function checkSlurmConfig(timeoutMs: number, env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const r = await runTool('scontrol', ['show', 'config'], timeoutMs, env);
  if (r.isMissing) return absent('slurm');
  const limits = parseConfig(r.stdout);
  if (r.exitCode !== 0 || r.isTimedOut || !limits.maxArraySize || !limits.maxJobCount)
    return {
      id: 'slurm',
      status: 'fail',
      finding:
        r.exitCode === 0 && !r.isTimedOut
          ? 'Could not make sense of `scontrol show config`: no MaxArraySize/MaxJobCount'
          : `SLURM controller not reachable: ${describeToolFailure('scontrol show config', r, timeoutMs)}`,
      detail: 'submit, status and resubmit cannot reach SLURM; `run --executor local` still works.',
      fix: 'Check `scontrol ping` and SLURM_CONF; ask the admins whether slurmctld is up. submit also takes --max-array-size and --max-job-count.',
    };
  const cluster = /^ClusterName\s*=\s*(\S+)/m.exec(r.stdout)?.[1] ?? null;
  return {
    id: 'slurm',
    status: 'ok',
    finding: `controller reachable${cluster ? ` (cluster ${cluster})` : ''}: MaxArraySize ${limits.maxArraySize}, MaxJobCount ${limits.maxJobCount}`,
    data: { cluster, maxArraySize: limits.maxArraySize, maxJobCount: limits.maxJobCount },
  };
}

export async function checkPartitions(timeoutMs: number, env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const r = await runTool('sinfo', ['-h', '-o', '%P %a %l %D %G'], timeoutMs, env);
  if (r.isMissing) return absent('slurm-partitions');
  if (r.exitCode !== 0 || r.isTimedOut)
    return {
      id: 'slurm-partitions',
      status: 'fail',
      finding: `partitions unknown: ${describeToolFailure('sinfo', r, timeoutMs)}`,
      detail: 'submit cannot place jobs without a reachable controller.',
      fix: 'Check `sinfo` and `scontrol ping`.',
    };
  const partitions = parseSinfoPartitions(r.stdout);
  const up = partitions.filter((p) => p.availability === 'up');
  const finding = partitions
    .map(
      (p) =>
        `${p.name}${p.isDefault ? '*' : ''} (${p.availability}, ${p.nodes} node${p.nodes === 1 ? '' : 's'}, ${p.timeLimit}${p.gres ? `, ${p.gres}` : ''})`,
    )
    .join('; ');
  if (up.length) return { id: 'slurm-partitions', status: 'ok', finding, data: { partitions } };
  return {
    id: 'slurm-partitions',
    status: 'warn',
    finding: partitions.length ? `no partition is up: ${finding}` : 'sinfo lists no partition',
    detail: 'Jobs submitted now stay pending until a partition is up.',
    fix: 'Ask the admins, or pick a partition that is up with --partition (per stage: --pack-partition, --infer-partition, --merge-partition).',
    data: { partitions },
  };
}

export async function checkAccounting(timeoutMs: number, env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const r = await runTool('sacct', ['-n', '-X', '-S', 'now-1minutes'], timeoutMs, env);
  if (r.isMissing) return absent('slurm-accounting');
  const said = (r.stderr || r.stdout).trim();
  if (r.exitCode === 0 && !r.isTimedOut && !isAccountingDisabled(said))
    return { id: 'slurm-accounting', status: 'ok', finding: 'accounting answers (sacct)', data: { isEnabled: true } };
  const disabled = isAccountingDisabled(said);
  return {
    id: 'slurm-accounting',
    status: 'warn',
    finding: disabled
      ? 'accounting is disabled on this cluster (sacct)'
      : `sacct does not answer: ${describeToolFailure('sacct', r, timeoutMs)}`,
    detail:
      'status falls back to scontrol and squeue, which remember a finished job only for MinJobAge (default 300 s): ' +
      'after that a task that left no marker is shown as failed and its exit code is lost.',
    fix: 'Nothing to do for short runs; for long ones ask the admins to enable slurmdbd accounting, and check `wsi-hpc status` while jobs are fresh.',
    data: { isEnabled: false },
  };
}
