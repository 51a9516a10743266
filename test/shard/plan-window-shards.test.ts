// Window shard planning (src/shard/plan-window-shards.ts): every window in exactly one shard, in plan
// and window order; segments' window and position offsets consistent; balance by bytes and positions.
import { describe, expect, test } from 'vitest';
import { normalizeShardOptions, planWindowShards, type ShardPlan, type SlideWindowCounts } from '../../src/shard/index.js';

const W = 1024 * 1024 * 3;

/** A deterministic xorshift stream in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const slide = (id: string, per: number[]): SlideWindowCounts => ({ slideId: id, positionsPerWindow: Int32Array.from(per) });

/** Checks every structural promise of a window shard plan against its input. */
function expectConsistent(plan: ShardPlan, input: SlideWindowCounts[], windowBytes: number): void {
  const seen: string[] = [];
  for (const [i, shard] of plan.shards.entries()) {
    expect(shard.index).toBe(i);
    expect(shard.id).toBe(`shard-${String(i).padStart(5, '0')}`);
    let offset = 0;
    let positions = 0;
    for (const seg of shard.segments) {
      const per = input.find((s) => s.slideId === seg.slideId)?.positionsPerWindow as Int32Array;
      expect(seg.offset).toBe(offset);
      expect(seg.positionOffset).toBe(positions);
      expect(seg.start).toBeLessThan(seg.end);
      expect(seg.end).toBeLessThanOrEqual(per.length);
      const held = per.slice(seg.start, seg.end).reduce((a, b) => a + b, 0);
      expect(seg.positions).toBe(held);
      offset += seg.end - seg.start;
      positions += held;
      for (let w = seg.start; w < seg.end; w++) seen.push(`${seg.slideId}:${w}`);
    }
    // A slide appears at most once per shard (it stays contiguous).
    expect(new Set(shard.segments.map((s) => s.slideId)).size).toBe(shard.segments.length);
    expect(shard.windows).toBe(offset);
    expect(shard.patches).toBe(positions);
    expect(shard.expectedBytes).toBe(offset * windowBytes);
  }
  // Every window in exactly one shard, in plan order then window order.
  expect(seen).toEqual(input.flatMap((s) => Array.from(s.positionsPerWindow, (_, w) => `${s.slideId}:${w}`)));
  // Tasks cover every shard once, in order.
  expect(plan.tasks.flatMap((t) => t.shards)).toEqual(plan.shards.map((s) => s.index));
}

const maxOverMean = (xs: number[]) => Math.max(...xs) / (xs.reduce((a, b) => a + b, 0) / xs.length);

describe('planWindowShards', () => {
  test('small hand-checked input: 2 slides, 6 windows, 2 per shard by positions', () => {
    const input = [slide('a', [4, 1, 1]), slide('b', [2, 3, 1])];
    const plan = planWindowShards(input, normalizeShardOptions({ patchesPerShard: 6 }), W);
    // 12 positions / 6 per shard = 2 shards; weights balance windows and positions: 3 windows each.
    expect(plan.shards.length).toBe(2);
    expectConsistent(plan, input, W);
    expect(plan.shards[0].segments).toEqual([{ slideId: 'a', start: 0, end: 3, offset: 0, positions: 6, positionOffset: 0 }]);
    expect(plan.shards[1].segments).toEqual([{ slideId: 'b', start: 0, end: 3, offset: 0, positions: 6, positionOffset: 0 }]);
    expect(plan.targetPatches).toBe(6);
    expect(plan.maxOverMean).toBe(1);
    expect(plan.bytesMaxOverMean).toBe(1);
  });

  test('a slide spanning shards: its segments continue where the previous shard stopped', () => {
    const input = [
      slide('a', [1, 1]),
      slide(
        'big',
        Array.from({ length: 40 }, (_, i) => 1 + (i % 5)),
      ),
      slide('c', [3]),
    ];
    const plan = planWindowShards(input, normalizeShardOptions({ patchesPerShard: 25, shardsPerTask: 2 }), W);
    expectConsistent(plan, input, W);
    const big = plan.shards.flatMap((s) => s.segments.filter((g) => g.slideId === 'big'));
    expect(big.length).toBeGreaterThan(1);
    for (let i = 1; i < big.length; i++) expect(big[i].start).toBe(big[i - 1].end);
    expect(plan.tasks.every((t) => t.shards.length <= 2)).toBe(true);
  });

  test('patchesPerShard: shards = ceil(positions / per shard), none far above it', () => {
    const r = rng(7);
    const input = Array.from({ length: 6 }, (_, i) =>
      slide(
        `s${i}`,
        Array.from({ length: 200 + 50 * i }, () => 1 + Math.floor(r() * 196)),
      ),
    );
    const total = input.reduce((n, s) => n + Array.from(s.positionsPerWindow).reduce((a, b) => a + b, 0), 0);
    const plan = planWindowShards(input, normalizeShardOptions({ patchesPerShard: 5000 }), W);
    expectConsistent(plan, input, W);
    expect(plan.shards.length).toBe(Math.ceil(total / 5000));
    expect(plan.targetPatches).toBe(Math.ceil(total / plan.shards.length));
    // One window holds at most 196 positions: the midpoint rule overshoots the mean by about a window.
    for (const s of plan.shards) expect(s.patches).toBeLessThanOrEqual(5000 * 1.1);
  });

  test('shard size in bytes: shards = ceil(windows x window bytes / size)', () => {
    const input = [
      slide(
        'a',
        Array.from({ length: 1000 }, () => 10),
      ),
      slide(
        'b',
        Array.from({ length: 234 }, () => 3),
      ),
    ];
    const plan = planWindowShards(input, normalizeShardOptions({ shardSizeBytes: 100 * W }), W);
    expectConsistent(plan, input, W);
    expect(plan.shards.length).toBe(Math.ceil(1234 / 100));
  });

  test('skewed tissue (1 to 196 positions per window, mixed): bytes and positions both within 10% of the mean', () => {
    // Real slides mix border windows (few kept positions) and interior ones (all k^2) along each row.
    const r = rng(11);
    const input = Array.from({ length: 8 }, (_, i) =>
      slide(
        `s${i}`,
        Array.from({ length: 300 + 97 * i }, () => (r() < 0.5 ? 1 + Math.floor(r() * 5) : 196)),
      ),
    );
    const plan = planWindowShards(input, normalizeShardOptions({ patchesPerShard: 20_000 }), W);
    expectConsistent(plan, input, W);
    expect(plan.shards.length).toBeGreaterThan(10);
    const bytes = plan.shards.map((s) => s.expectedBytes);
    const positions = plan.shards.map((s) => s.patches);
    expect(plan.bytesMaxOverMean).toBeCloseTo(maxOverMean(bytes), 12);
    expect(plan.maxOverMean).toBeCloseTo(maxOverMean(positions), 12);
    expect(plan.bytesMaxOverMean).toBeLessThan(1.1);
    expect(plan.maxOverMean).toBeLessThan(1.1);
  });

  test('worst case (all sparse windows, then all dense): each measure is within 2x of its mean, their mix within 5%', () => {
    // Each shard takes an equal share of 0.5 x bytes share + 0.5 x positions share, so a shard of only
    // 1-position windows may take up to twice the mean windows, and one of only full windows twice the
    // mean positions: 2 is the bound the design gives (plus one window of granularity).
    const input = [
      slide(
        'sparse',
        Array.from({ length: 4000 }, () => 1),
      ),
      slide(
        'dense',
        Array.from({ length: 4000 }, () => 196),
      ),
    ];
    const plan = planWindowShards(input, normalizeShardOptions({ patchesPerShard: 40_000 }), W);
    expectConsistent(plan, input, W);
    const totalW = 8000;
    const totalP = 4000 + 4000 * 196;
    const mixed = plan.shards.map((s) => 0.5 * ((s.windows as number) / totalW) + 0.5 * (s.patches / totalP));
    expect(maxOverMean(mixed)).toBeLessThan(1.05);
    expect(plan.bytesMaxOverMean).toBeLessThanOrEqual(2.05);
    expect(plan.maxOverMean).toBeLessThanOrEqual(2.05);
    // It is a real trade-off here, not a degenerate split: the sparse shards hold about twice the mean windows.
    expect(plan.bytesMaxOverMean).toBeGreaterThan(1.5);
  });

  test('empty input, and slides without windows, give no shards and no tasks', () => {
    for (const input of [[], [slide('a', []), slide('b', [])]]) {
      const plan = planWindowShards(input, normalizeShardOptions({ patchesPerShard: 10 }), W);
      expect(plan.shards).toEqual([]);
      expect(plan.tasks).toEqual([]);
      expect(plan.targetPatches).toBe(0);
      expect(plan.maxOverMean).toBe(1);
      expect(plan.bytesMaxOverMean).toBe(1);
    }
    // A slide with no windows between two others takes no segment.
    const input = [slide('a', [2, 2]), slide('empty', []), slide('c', [1])];
    const plan = planWindowShards(input, normalizeShardOptions({ patchesPerShard: 100 }), W);
    expectConsistent(plan, input, W);
    expect(plan.shards.length).toBe(1);
    expect(plan.shards[0].segments.map((s) => s.slideId)).toEqual(['a', 'c']);
    expect(plan.shards[0].segments[1]).toMatchObject({ offset: 2, positionOffset: 4, positions: 1 });
  });

  test('never more shards than windows, and never an empty shard', () => {
    const input = [slide('a', [196, 196, 196])];
    const plan = planWindowShards(input, normalizeShardOptions({ patchesPerShard: 1 }), W);
    expectConsistent(plan, input, W);
    expect(plan.shards.length).toBe(3);
    for (const s of plan.shards) expect(s.windows).toBe(1);
  });
});
