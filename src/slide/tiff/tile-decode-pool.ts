// A pool of tile-decode worker threads (one per core of the allocation): each tile row's JPEG tiles are split
// among the workers, which decode into one shared buffer, so the main thread only cuts, hashes and writes.
// Starting fails (a reason, never an exception) when TurboJPEG cannot be loaded; callers then use libvips.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TileJob, TileJobReply } from './tile-job.js';

/** A failed tile: `isDataError` when its bytes are damaged (TILE_CORRUPT), else the decoder failed. */
export class TileDecodeError extends Error {
  constructor(
    message: string,
    readonly tile: number,
    readonly isDataError: boolean,
  ) {
    super(message);
    this.name = 'TileDecodeError';
  }
}

// Built code runs dist/.../tile-decode-worker.js beside this file; tests that import src/*.ts use the built one.
function workerUrl(): URL {
  const here = new URL('./tile-decode-worker.js', import.meta.url);
  if (!import.meta.url.endsWith('.ts') || existsSync(fileURLToPath(here))) return here;
  return new URL('../../../dist/slide/tiff/tile-decode-worker.js', import.meta.url);
}

interface Pending {
  left: number;
  failures: TileDecodeError[];
  error?: Error;
  resolve: (failures: TileDecodeError[]) => void;
  reject: (err: Error) => void;
}

export class TileDecodePool {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private next = 0;

  /** Set once a worker died or the pool was closed: later jobs fail at once instead of waiting forever. */
  private broken: Error | null = null;

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (reply: TileJobReply) => this.settle(reply));
      w.on('error', (err) => this.failAll(new Error(`a tile-decode worker failed: ${err.message}`)));
      w.on('exit', (code) => this.failAll(new Error(`a tile-decode worker exited (code ${code})`)));
      w.unref();
    }
  }

  get threads(): number {
    return this.workers.length;
  }

  /** `threads` workers with TurboJPEG loaded, or why they could not start. */
  static async start(threads: number): Promise<TileDecodePool | string> {
    const url = workerUrl();
    if (!existsSync(fileURLToPath(url))) return `the tile-decode worker ${fileURLToPath(url)} is missing (run \`npm run build\`)`;
    const workers = Array.from({ length: Math.max(1, threads) }, () => new Worker(url));
    const ready = await Promise.all(
      workers.map(
        (w) =>
          new Promise<string | null>((resolve) => {
            w.once('message', (m: { ready: boolean; reason?: string }) => resolve(m.ready ? null : (m.reason ?? 'not ready')));
            w.once('error', (err) => resolve(err.message));
          }),
      ),
    );
    const reason = ready.find((r) => r !== null);
    if (reason) {
      await Promise.all(workers.map((w) => w.terminate()));
      return reason;
    }
    return new TileDecodePool(workers);
  }

  /**
   * Decode the job's tiles, split among the workers; resolves with the tiles that failed (the others are
   * decoded), rejects when a part could not run at all.
   */
  decode(job: Omit<TileJob, 'id'>): Promise<TileDecodeError[]> {
    if (this.broken) return Promise.reject(this.broken);
    const parts = Math.min(this.workers.length, job.tiles.length);
    if (parts === 0) return Promise.resolve([]);
    return new Promise<TileDecodeError[]>((resolve, reject) => {
      const pending: Pending = { left: parts, failures: [], resolve, reject };
      const per = Math.ceil(job.tiles.length / parts);
      for (let p = 0; p < parts; p++) {
        const id = this.nextId++;
        this.pending.set(id, pending);
        const worker = this.workers[this.next++ % this.workers.length];
        worker.ref();
        worker.postMessage({ ...job, id, tiles: job.tiles.slice(p * per, (p + 1) * per) } satisfies TileJob);
      }
    });
  }

  private settle(reply: TileJobReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (reply.error) p.error ??= new Error(reply.error);
    for (const f of reply.failures) p.failures.push(new TileDecodeError(f.message, f.tile, f.isDataError));
    if (--p.left === 0) {
      if (p.error) p.reject(p.error);
      else p.resolve(p.failures);
    }
    // Idle workers must not keep the process alive.
    if (this.pending.size === 0) for (const w of this.workers) w.unref();
  }

  private failAll(err: Error): void {
    this.broken ??= err;
    for (const p of new Set(this.pending.values())) p.reject(err);
    this.pending.clear();
  }

  async close(): Promise<void> {
    this.broken ??= new Error('the tile-decode pool is closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
