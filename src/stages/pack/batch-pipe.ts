// The read-hash-write loop of every shard writer: units (patches or windows) are read into one of two
// reused batch buffers while the previous batch is consumed (hashed and written synchronously), so packing
// allocates no per-batch memory (big short-lived buffers cost more in V8's GC than the copies themselves).
import pLimit from 'p-limit';
import { allocShared, releaseShared } from '../../util/shared-arena.js';

export interface BatchPipe {
  units: number;
  unitBytes: number;
  perBatch: number;
  /** Units read at once. */
  concurrency: number;
  /** Read unit `unit` into `into` (unitBytes). */
  read(unit: number, into: Uint8Array): Promise<void>;
  /** Hash and write the batch starting at unit `start`; `pixels` is reused once this returns. */
  consume(pixels: Uint8Array, start: number): void;
}

export async function pipeBatches(o: BatchPipe): Promise<void> {
  const limit = pLimit(o.concurrency);
  const size = Math.min(o.perBatch, o.units) * o.unitBytes;
  // In the shared arena, so patches are cut into them by one WebAssembly call each (band-reader.ts).
  const buffers = [allocShared(size), allocShared(o.units > o.perBatch ? size : 0)];
  try {
    await pipe(o, limit, buffers);
  } finally {
    for (const b of buffers) releaseShared(b);
  }
}

async function pipe(o: BatchPipe, limit: ReturnType<typeof pLimit>, buffers: Uint8Array[]): Promise<void> {
  const readBatch = (start: number, buf: Uint8Array): Promise<Uint8Array> => {
    const end = Math.min(o.units, start + o.perBatch);
    const into = buf.subarray(0, (end - start) * o.unitBytes);
    const reads: Promise<void>[] = [];
    for (let u = start; u < end; u++) {
      const at = (u - start) * o.unitBytes;
      reads.push(limit(() => o.read(u, into.subarray(at, at + o.unitBytes))));
    }
    // Every read settles before a failure is passed on: none may still write into a buffer handed back.
    return Promise.allSettled(reads).then((settled) => {
      for (const r of settled) if (r.status === 'rejected') throw r.reason;
      return into;
    });
  };
  let next = o.units > 0 ? readBatch(0, buffers[0]) : null;
  for (let start = 0, b = 0; start < o.units; start += o.perBatch, b ^= 1) {
    const pixels = await (next as Promise<Uint8Array>);
    // Read the next batch into the other buffer while this one is consumed.
    next = start + o.perBatch < o.units ? readBatch(start + o.perBatch, buffers[b ^ 1]) : null;
    try {
      o.consume(pixels, start);
    } catch (err) {
      await next?.catch(() => undefined);
      throw err;
    }
  }
}
