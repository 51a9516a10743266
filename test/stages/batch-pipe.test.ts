// The read-hash-write loop: units arrive in order, batches are consumed whole, and a failed read is passed on
// only once every other read of its batch has settled (so none still writes into a buffer handed back to the
// shared arena, where the next shard's bands or batches would be).
import { describe, expect, it } from 'vitest';
import { pipeBatches } from '../../src/stages/pack/batch-pipe.js';
import { defaultBatchPatches } from '../../src/stages/pack/defaults.js';
import { sharedArena } from '../../src/util/shared-arena.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('pipeBatches', () => {
  it('consumes every unit once, in order, in batches of perBatch', async () => {
    const seen: number[] = [];
    const sizes: number[] = [];
    await pipeBatches({
      units: 23,
      unitBytes: 4,
      perBatch: 5,
      concurrency: 3,
      read: async (u, into) => {
        await tick((u * 7) % 5);
        into.fill(u);
      },
      consume: (pixels, start) => {
        sizes.push(pixels.length / 4);
        for (let i = 0; i < pixels.length; i += 4) seen.push(pixels[i]);
        expect(pixels[0]).toBe(start);
      },
    });
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(sizes).toEqual([5, 5, 5, 5, 3]);
  });

  it('a failed read is passed on after the slower reads of its batch have finished writing', async () => {
    const inUse = sharedArena()?.inUseBytes ?? 0;
    const finished: number[] = [];
    const run = pipeBatches({
      units: 8,
      unitBytes: 2 ** 20,
      perBatch: 4,
      concurrency: 4,
      read: async (u, into) => {
        if (u === 1) throw new Error('tile 1 is damaged');
        await tick(50 * u);
        into.fill(u);
        finished.push(u);
      },
      consume: () => {},
    });
    await expect(run).rejects.toThrow('tile 1 is damaged');
    expect(finished).toEqual([0, 2, 3]);
    // And the batch buffers went back to the arena.
    expect(sharedArena()?.inUseBytes ?? 0).toBe(inUse);
  });

  it('a failing consume waits for the next batch being read before passing the error on', async () => {
    const finished: number[] = [];
    const run = pipeBatches({
      units: 6,
      unitBytes: 8,
      perBatch: 3,
      concurrency: 3,
      read: async (u, into) => {
        await tick(u < 3 ? 0 : 80);
        into.fill(u);
        finished.push(u);
      },
      consume: (_pixels, start) => {
        if (start === 0) throw new Error('disk full');
      },
    });
    await expect(run).rejects.toThrow('disk full');
    expect(finished.sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('defaultBatchPatches', () => {
  it('is 16 patches in whole chunks: never a partial chunk per write', () => {
    expect([1, 4, 10, 16, 64].map(defaultBatchPatches)).toEqual([16, 16, 20, 16, 64]);
  });
});
