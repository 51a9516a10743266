// The shared arena: rows copied in WebAssembly equal the JS copy, views made before the memory grew still
// copy right, released blocks are reused, a full arena hands out plain SharedArrayBuffers (JS copy), and
// copies reaching past a view are refused rather than written into a neighbouring block.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { copyRowsJs, SharedArena } from '../../src/util/shared-arena.js';

function arena(maxPages?: number): SharedArena {
  const a = SharedArena.create(maxPages);
  if (!a) throw new Error('shared WebAssembly memory is not available');
  return a;
}

// A patch of `len` x `rows` bytes cut at (at, pitch) from src into a packed dst, by both routes.
function expectSameCut(a: SharedArena, src: Uint8Array, at: number, pitch: number, len: number, rows: number, dst: Uint8Array): void {
  const want = new Uint8Array(len * rows);
  copyRowsJs({ src, srcAt: at, srcPitch: pitch, dst: want, dstAt: 0, dstPitch: len, len, rows });
  dst.fill(0);
  a.copyRows({ src, srcAt: at, srcPitch: pitch, dst, dstAt: 0, dstPitch: len, len, rows });
  expect(Buffer.compare(Buffer.from(dst.subarray(0, len * rows)), Buffer.from(want))).toBe(0);
}

describe('SharedArena', () => {
  it('cuts rows in WebAssembly exactly as the JS copy does, at any offset and pitch', () => {
    const a = arena();
    const band = a.alloc(3 * 1000 * 300);
    band.set(randomBytes(band.length));
    const out = a.alloc(224 * 224 * 3 + 7).subarray(7);
    expect(a.isInside(band) && a.isInside(out)).toBe(true);
    for (const [x, y] of [
      [0, 0],
      [1, 1],
      [776, 76],
      [333, 17],
    ])
      expectSameCut(a, band, (y * 1000 + x) * 3, 3000, 224 * 3, 224, out);
    // Into a plain buffer (outside the arena): the JS route, same bytes.
    expectSameCut(a, band, 3 * 1001, 3000, 672, 224, new Uint8Array(224 * 224 * 3));
  });

  it('views made before the memory grew still copy right', () => {
    const a = arena();
    const early = a.alloc(2 ** 20);
    early.set(randomBytes(early.length));
    const grownFrom = a.bytes;
    const blocks = Array.from({ length: 3 }, () => a.alloc(64 * 2 ** 20));
    expect(a.bytes).toBeGreaterThan(grownFrom);
    expect(a.isInside(early) && blocks.every((b) => a.isInside(b))).toBe(true);
    expectSameCut(a, early, 5, 1024, 512, 1000, blocks[2]);
    // And the other way: from a new block into the early one.
    blocks[1].set(randomBytes(1024 * 1000), 0);
    expectSameCut(a, blocks[1], 0, 1024, 1000, 1000, early);
  });

  it('reuses released blocks (no fresh pages for each tile row)', () => {
    const a = arena();
    const first = a.alloc(3 * 2 ** 20);
    const offset = first.byteOffset;
    a.release(first);
    expect(a.inUseBytes).toBe(0);
    // A smaller request takes the free block (best fit) instead of growing.
    const bytes = a.bytes;
    const again = a.alloc(2 ** 20 + 1);
    expect(again.byteOffset).toBe(offset);
    expect(a.bytes).toBe(bytes);
    expect(a.inUseBytes).toBe(4 * 2 ** 20);
    // Releasing twice, or a view the arena did not hand out, changes nothing.
    a.release(again);
    a.release(again);
    a.release(new Uint8Array(10));
    expect(a.inUseBytes).toBe(0);
  });

  it('hands out plain SharedArrayBuffers once full; copies between the two kinds still work', () => {
    const a = arena(64); // 4 MiB
    const inside = a.alloc(3 * 2 ** 20);
    const outside = a.alloc(3 * 2 ** 20);
    expect(a.isInside(inside)).toBe(true);
    expect(a.isInside(outside)).toBe(false);
    expect(outside.buffer).toBeInstanceOf(SharedArrayBuffer);
    inside.set(randomBytes(inside.length));
    expectSameCut(a, inside, 100, 4096, 3000, 500, outside);
  });

  it('refuses rows reaching past either view', () => {
    const a = arena();
    const src = a.alloc(1000);
    const dst = a.alloc(1000);
    const rows = { src, srcAt: 0, srcPitch: 100, dst, dstAt: 0, dstPitch: 100, len: 100, rows: 10 };
    a.copyRows(rows);
    expect(() => a.copyRows({ ...rows, rows: 11 })).toThrow(RangeError);
    expect(() => a.copyRows({ ...rows, dst: dst.subarray(0, 999) })).toThrow(RangeError);
    expect(() => a.copyRows({ ...rows, srcAt: -1 })).toThrow(RangeError);
    expect(() => copyRowsJs({ ...rows, dst: new Uint8Array(999) })).toThrow(RangeError);
    a.copyRows({ ...rows, rows: 0 });
  });
});
