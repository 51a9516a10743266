import { describe, expect, test } from 'vitest';
import { normalizeShardOptions, parseSize, planShards, type ShardPlan, type SlidePatches } from '../../src/shard/index.js';

const P = 224 * 224 * 3;
const slides = (...counts: number[]): SlidePatches[] => counts.map((count, i) => ({ slideId: `s${i}`, count, patchBytes: P }));

/** Every patch of every slide appears exactly once, in slide order then grid order. */
function expectCoversInOrder(plan: ShardPlan, input: SlidePatches[]): void {
  const seen: string[] = [];
  for (const shard of plan.shards) {
    let offset = 0;
    for (const seg of shard.segments) {
      expect(seg.offset).toBe(offset);
      offset += seg.end - seg.start;
      for (let i = seg.start; i < seg.end; i++) seen.push(`${seg.slideId}:${i}`);
    }
    expect(offset).toBe(shard.patches);
  }
  expect(seen).toEqual(input.flatMap((s) => Array.from({ length: s.count }, (_, i) => `${s.slideId}:${i}`)));
}

describe('planShards', () => {
  test.each([
    ['no patches gives no shards and no tasks', [0, 0], 10, 0],
    ['one patch gives one shard', [1], 10, 1],
    ['an exact multiple fills shards exactly', [30], 10, 3],
    ['a remainder adds a shard and rebalances', [31], 10, 4],
    ['small slides are grouped', [3, 3, 3], 10, 1],
    ['a big slide is split across shards', [25, 2], 10, 3],
  ])('%s', (_name, counts, perShard, expected) => {
    const input = slides(...counts);
    const plan = planShards(input, normalizeShardOptions({ patchesPerShard: perShard }));
    expect(plan.shards.length).toBe(expected);
    expectCoversInOrder(plan, input);
    for (const s of plan.shards) expect(s.patches).toBeLessThanOrEqual(perShard);
  });

  test('shards differ by at most one patch, so the largest is within 2% of the mean at real sizes', () => {
    const input = slides(12_345, 87, 40_001, 3, 19_999, 5_000);
    const plan = planShards(input, normalizeShardOptions({ shardSizeBytes: 1024 ** 3 }));
    const sizes = plan.shards.map((s) => s.patches);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(plan.maxOverMean).toBeLessThan(1.02);
    expect(plan.targetPatches).toBe(Math.floor(1024 ** 3 / P));
    expectCoversInOrder(plan, input);
  });

  test('random cohorts are always covered exactly once and balanced', () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 16807) % 2147483647;
      return seed % n;
    };
    for (let trial = 0; trial < 200; trial++) {
      const input = slides(...Array.from({ length: 1 + rnd(12) }, () => rnd(5000)));
      const plan = planShards(input, normalizeShardOptions({ patchesPerShard: 1 + rnd(3000), shardsPerTask: 1 + rnd(4) }));
      expectCoversInOrder(plan, input);
      const sizes = plan.shards.map((s) => s.patches);
      if (sizes.length) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(plan.tasks.flatMap((t) => t.shards)).toEqual(plan.shards.map((s) => s.index));
    }
  });

  test('tasks take shardsPerTask shards each, the last one the rest', () => {
    const plan = planShards(slides(100), normalizeShardOptions({ patchesPerShard: 10, shardsPerTask: 4 }));
    expect(plan.tasks.map((t) => t.shards)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  test('the same input gives the same shards (deterministic) with stable ids', () => {
    const a = planShards(slides(1000, 7, 300), normalizeShardOptions({ patchesPerShard: 128 }));
    const b = planShards(slides(1000, 7, 300), normalizeShardOptions({ patchesPerShard: 128 }));
    expect(a).toEqual(b);
    expect(a.shards[10].id).toBe('shard-00010');
  });
});

describe('shard options', () => {
  test.each([
    ['1GiB', 1024 ** 3],
    ['512MiB', 512 * 1024 ** 2],
    ['2.5GB', 2.5e9],
    ['1000000', 1e6],
    ['64 kb', 64e3],
  ])('parseSize(%s)', (text, bytes) => expect(parseSize(text)).toBe(bytes));

  test.each([
    [() => parseSize('1 parsec', 'shardSize'), 'Expected `shardSize` to be a size like 1GiB, 500MB or 1000000, received `1 parsec`'],
    [() => normalizeShardOptions({ patchesPerShard: 0 }), 'Expected `patchesPerShard` to be a positive integer, received `0` (number)'],
    [() => normalizeShardOptions({ shardsPerTask: -2 }), 'Expected `shardsPerTask` to be a positive integer, received `-2` (number)'],
    [() => normalizeShardOptions({ patchesPerShard: 10, shardSizeBytes: 100 }), 'Give either `shardSizeBytes` or `patchesPerShard`'],
  ])('rejects bad options with a clear message (%#)', (fn, message) => expect(fn).toThrowError(message));
});
