// Parsers for what SLURM's commands print: sbatch --parsable, scontrol show config, sacct -P,
// scontrol show job -o and squeue. Unparseable output is an error that quotes it. Pure.
import { WsiHpcError } from '../errors.js';
import type { ClusterLimits, TaskState } from './types.js';

export function parseSbatch(output: string): string {
  const m = /^(\d+)(?:;\S+)?\s*$/.exec(output.trim().split('\n').pop() ?? '');
  if (!m) throw new WsiHpcError('TOOL_MISSING', `Could not make sense of sbatch output "${output.trim()}"`);
  return m[1];
}

export function parseConfig(output: string): Partial<ClusterLimits> {
  const get = (key: string) => {
    const m = new RegExp(`^${key}\\s*=\\s*(\\d+)`, 'm').exec(output);
    return m ? Number(m[1]) : undefined;
  };
  return { maxArraySize: get('MaxArraySize'), maxJobCount: get('MaxJobCount') };
}

/** Expand "5", "5-7", "1,3,5-7%2" into indices. */
export function expandIndices(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.replace(/%\d+$/, '').split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (!Number.isInteger(a)) continue;
    for (let i = a; i <= (Number.isInteger(b) ? b : a); i++) out.push(i);
  }
  return out;
}

/** "123_4", "123_[5-7%2]" or "123" into one TaskState per index. */
function statesFor(jobField: string, state: string, exitCode: string | null): TaskState[] {
  const m = /^(\d+)(?:_(\d+|\[[^\]]+\]))?/.exec(jobField.trim());
  if (!m) return [];
  const jobId = m[1];
  if (m[2] === undefined) return [{ jobId, index: null, state, exitCode }];
  if (m[2].startsWith('[')) return expandIndices(m[2].slice(1, -1)).map((index) => ({ jobId, index, state, exitCode }));
  return [{ jobId, index: Number(m[2]), state, exitCode }];
}

/** `sacct -X -P -n --format=JobID,State,ExitCode` lines. */
export function parseSacct(output: string): TaskState[] {
  return output
    .split('\n')
    .filter((l) => l.includes('|'))
    .flatMap((line) => {
      const [job, state, exit] = line.split('|');
      return statesFor(job, state.split(' ')[0], exit ?? null);
    });
}

/** `squeue -h -o %i|%T` lines. */
export function parseSqueue(output: string): TaskState[] {
  return output
    .split('\n')
    .filter((l) => l.includes('|'))
    .flatMap((line) => {
      const [job, state] = line.split('|');
      return statesFor(job, state.trim(), null);
    });
}

/** `scontrol show job -o`: one line per job record of `Key=Value` pairs. */
export function parseScontrolJobs(output: string): TaskState[] {
  return output
    .split('\n')
    .filter((l) => l.includes('JobId='))
    .flatMap((line) => {
      const kv = new Map<string, string>();
      for (const m of line.matchAll(/(\w+)=(\S*)/g)) if (!kv.has(m[1])) kv.set(m[1], m[2]);
      const state = kv.get('JobState') ?? 'UNKNOWN';
      const exitCode = kv.get('ExitCode') ?? null;
      const arrayJob = kv.get('ArrayJobId');
      const task = kv.get('ArrayTaskId');
      if (arrayJob && task) return statesFor(`${arrayJob}_${/^\d+$/.test(task) ? task : `[${task}]`}`, state, exitCode);
      return statesFor(kv.get('JobId') ?? '', state, exitCode);
    });
}

/** True when sacct's output says accounting is off (then scontrol/squeue are the source). */
export function isAccountingDisabled(output: string): boolean {
  return /accounting storage is disabled|Slurm accounting storage is disabled|accounting_storage\/none/i.test(output);
}
