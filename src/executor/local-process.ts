// One local array task as its own process: `bash SCRIPT` (the sbatch script SLURM would run) in its own
// process group, stdout/stderr into its log file, `warning:` lines relayed, killable as a group (cancel).
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { constants } from 'node:os';

export interface TaskProcessSpec {
  script: string;
  log: string;
  env: NodeJS.ProcessEnv;
  onWarning?: (message: string) => void;
}

export interface TaskProcessOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  pid: number | null;
}

export interface TaskProcess {
  done: Promise<TaskProcessOutcome>;
  /** SIGTERM to the task's process group, SIGKILL after `graceMs` if it is still there (like scancel). */
  kill(graceMs?: number): void;
}

const WARNING = /^warning: (.*)$/;

export function startTaskProcess(spec: TaskProcessSpec): TaskProcess {
  const out = createWriteStream(spec.log, { flags: 'w' });
  // detached: the task leads its own process group, so a kill reaches bash and the stage it runs.
  const child = spawn('bash', [spec.script], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: spec.env });
  let isExited = false;
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      out.write(chunk);
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) relay(line, spec.onWarning);
    });
    stream.on('end', () => relay(rest, spec.onWarning));
  }
  const done = new Promise<TaskProcessOutcome>((resolve) => {
    let spawnError: Error | null = null;
    child.on('error', (err) => {
      spawnError = err;
    });
    child.on('close', (exitCode, signal) => {
      isExited = true;
      if (spawnError) out.write(`wsi-hpc: could not start bash: ${spawnError.message}\n`);
      out.end(() => resolve({ exitCode: spawnError ? 127 : exitCode, signal, pid: child.pid ?? null }));
    });
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  return {
    done,
    kill(graceMs = 5000) {
      if (isExited) return;
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      timer.unref();
      void done.then(() => clearTimeout(timer));
    },
  };
}

function relay(line: string, onWarning?: (message: string) => void): void {
  const m = WARNING.exec(line.trimEnd());
  if (m && onWarning) onWarning(m[1]);
}

/** How a task ended, in words: `exit 1`, `exit 137 (killed by SIGKILL: out of memory?)`, `killed by SIGTERM`. */
export function describeEnd(o: Pick<TaskProcessOutcome, 'exitCode' | 'signal'>): string {
  const name = (n: number) => Object.entries(constants.signals).find(([, v]) => v === n)?.[0];
  const oom = (sig: string) => (sig === 'SIGKILL' ? `killed by ${sig}: out of memory?` : `killed by ${sig}`);
  if (o.signal) return oom(o.signal);
  const code = o.exitCode ?? -1;
  // bash reports a child killed by signal N as exit 128+N.
  const sig = code > 128 ? name(code - 128) : undefined;
  return sig ? `exit ${code} (${oom(sig)})` : `exit ${code}`;
}

/** The last `n` non-empty lines of a log file (empty when unreadable). */
export async function logTail(path: string, n = 12): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .slice(-n);
}
