// How an infer task spreads its shards over several ONNX Runtime sessions, one child process each:
// one per visible GPU (each child sees only its GPU), or --sessions N on CPU with the task's threads
// divided among them. Shards go to the least-loaded session by patch count (largest first). Pure.
import { OptionError } from '../../errors.js';

export interface SessionShard {
  index: number;
  patches: number;
}

export interface SessionSlot {
  /** The session's number, 0-based. */
  session: number;
  /** Plan shard indexes, ascending. */
  shards: number[];
  patches: number;
  /** CUDA_VISIBLE_DEVICES for the child (its one GPU), or null on CPU. */
  gpu: string | null;
  /** Intra-op threads for the child. */
  threads: number;
}

export interface SessionSplitInput {
  shards: SessionShard[];
  device: 'auto' | 'cpu' | 'cuda';
  /** --sessions: a count, or undefined for automatic (one per visible GPU, else one). */
  sessions?: number;
  gpuIds: string[];
  threads: number;
}

/** The sessions to run, or a single slot when one session in this process is the plan. */
export function splitSessions(o: SessionSplitInput): SessionSlot[] {
  const gpus = o.device === 'cpu' ? [] : o.gpuIds;
  if (o.sessions !== undefined && gpus.length && o.sessions > gpus.length)
    throw new OptionError(
      `\`--sessions ${o.sessions}\` asks for more sessions than the task has GPUs (${gpus.length}: ${gpus.join(', ')})`,
      `Give --sessions at most ${gpus.length}, request more GPUs, or use --device cpu`,
    );
  const wanted = o.sessions ?? Math.max(1, gpus.length);
  const count = Math.max(1, Math.min(wanted, o.shards.length));
  const slots: SessionSlot[] = Array.from({ length: count }, (_, session) => ({
    session,
    shards: [],
    patches: 0,
    gpu: gpus.length ? gpus[session] : null,
    // On a GPU the threads only feed the provider; on CPU the task's threads are shared out.
    threads: gpus.length ? o.threads : Math.max(1, Math.floor(o.threads / count)),
  }));
  const bySize = [...o.shards].sort((a, b) => b.patches - a.patches || a.index - b.index);
  for (const s of bySize) {
    const slot = slots.reduce((best, x) => (x.patches < best.patches ? x : best));
    slot.shards.push(s.index);
    slot.patches += s.patches;
  }
  for (const s of slots) s.shards.sort((a, b) => a - b);
  return slots;
}
