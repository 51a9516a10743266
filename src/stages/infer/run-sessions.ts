// Runs an infer task as several ONNX Runtime sessions at once, one child process per session
// (`wsi-hpc infer --shards ... --sessions 1`), each seeing only its own GPU in CUDA_VISIBLE_DEVICES
// (or its share of the CPU threads). A child that crashes fails only its own shards; the parent
// relays warnings once, forwards SIGUSR2/SIGTERM, and merges the children's results.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { InferShardResult } from './infer-shard.js';
import type { SessionSlot } from './session-split.js';

const BIN = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../..'), 'dist/cli/bin.js');

export interface SessionRunArgs {
  run: string;
  model: string;
  card?: string;
  task: number | null;
  device: 'auto' | 'cpu' | 'cuda';
  batchSize: number;
  method: string;
  /** Storage of a features model's output, passed to each child. */
  featuresDtype: string;
  env: NodeJS.ProcessEnv;
  /** Plan shard id by index, for the shards of a child that left no result. */
  shardIds: string[];
  onWarning?: (m: string) => void;
}

export interface SessionOutcome {
  session: number;
  gpu: string | null;
  threads: number;
  pid: number | null;
  exitCode: number | null;
  provider: 'cuda' | 'cpu' | null;
  reason: string;
  warning: string | null;
  shards: InferShardResult[];
  /** The error a child stopped with before running any shard (e.g. CUDA_UNAVAILABLE), if any. */
  error: { code: string; message: string; hint?: string } | null;
}

interface ChildResult {
  provider: 'cuda' | 'cpu';
  reason: string;
  warning: string | null;
  shards: InferShardResult[];
}

function childArgs(slot: SessionSlot, a: SessionRunArgs): string[] {
  return [
    BIN,
    'infer',
    a.run,
    '--model',
    a.model,
    ...(a.card ? ['--card', a.card] : []),
    ...(a.task === null ? [] : ['--task', String(a.task)]),
    '--shards',
    slot.shards.join(','),
    '--sessions',
    '1',
    '--device',
    a.device,
    '--threads',
    String(slot.threads),
    '--batch-size',
    String(a.batchSize),
    '--method',
    a.method,
    '--features-dtype',
    a.featuresDtype,
    '--json',
    '--quiet',
  ];
}

function parseChild(stdout: string): ChildResult | null {
  try {
    const r = JSON.parse(stdout) as Partial<ChildResult> & { error?: unknown };
    return Array.isArray(r.shards) ? (r as ChildResult) : null;
  } catch {
    return null;
  }
}

const tail = (text: string) => text.trim().split('\n').slice(-3).join(' | ');

export async function runSessions(slots: SessionSlot[], a: SessionRunArgs): Promise<SessionOutcome[]> {
  const children = slots.map((slot) =>
    execa(process.execPath, childArgs(slot, a), {
      env: { ...a.env, ...(slot.gpu === null ? {} : { CUDA_VISIBLE_DEVICES: slot.gpu }) },
      extendEnv: false,
      reject: false,
      all: false,
    }),
  );
  const forward = (signal: NodeJS.Signals) => () => {
    for (const c of children) c.kill(signal);
  };
  const onUsr2 = forward('SIGUSR2');
  const onTerm = forward('SIGTERM');
  process.on('SIGUSR2', onUsr2);
  process.on('SIGTERM', onTerm);
  try {
    const done = await Promise.all(children);
    const warned = new Set<string>();
    return done.map((r, i) => {
      const slot = slots[i];
      const parsed = parseChild(r.stdout);
      const error = parseError(r.stdout);
      // Every session falling back for the same reason is said once (the GPU ids aside).
      const same = parsed?.warning?.replace(/CUDA_VISIBLE_DEVICES=\S+/g, 'CUDA_VISIBLE_DEVICES=…');
      if (parsed?.warning && same && !warned.has(same)) {
        warned.add(same);
        a.onWarning?.(parsed.warning);
      }
      const why = `session ${slot.session}${slot.gpu === null ? '' : ` (GPU ${slot.gpu})`} ${
        r.signal ? `was killed by ${r.signal}` : `exited with code ${r.exitCode}`
      }${error ? `: ${error.code}: ${error.message}` : r.stderr ? `: ${tail(r.stderr)}` : ''}`;
      const shards: InferShardResult[] =
        parsed?.shards ??
        slot.shards.map((s) => ({
          shard: a.shardIds[s],
          status: 'failed' as const,
          patches: 0,
          seconds: 0,
          error: { code: error?.code ?? 'SESSION_FAILED', message: why, hint: error?.hint },
        }));
      return {
        session: slot.session,
        gpu: slot.gpu,
        threads: slot.threads,
        pid: children[i].pid ?? null,
        exitCode: r.exitCode ?? null,
        provider: parsed?.provider ?? null,
        reason: parsed?.reason ?? why,
        warning: parsed?.warning ?? null,
        shards,
        error: parsed ? null : error,
      };
    });
  } finally {
    process.off('SIGUSR2', onUsr2);
    process.off('SIGTERM', onTerm);
  }
}

function parseError(stdout: string): { code: string; message: string; hint?: string } | null {
  try {
    const e = (JSON.parse(stdout) as { error?: { code: string; message: string; hint?: string } }).error;
    return e ?? null;
  } catch {
    return null;
  }
}
