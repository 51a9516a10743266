// Content checksums: the native xxh64 (@node-rs/xxhash) and the hash-wasm fallback give the same digests,
// whatever the update boundaries and whatever memory the bytes live in (shard writers hash shared buffers).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentHasher, nativeXxh64Class } from '../../src/util/hash.js';

async function digest(chunks: Uint8Array[], native: boolean, algorithm: 'xxh64' | 'xxh128' = 'xxh64'): Promise<string> {
  const h = await contentHasher(algorithm, { native });
  for (const c of chunks) h.update(c);
  return h.digest();
}

describe('contentHasher', () => {
  it('loads the native xxh64 here (CI installs its prebuilt binary)', () => {
    expect(nativeXxh64Class()).not.toBeNull();
  });

  it('gives the reference xxh64 values both ways (seed 0)', async () => {
    for (const native of [true, false]) {
      expect(await digest([], native)).toBe('ef46db3751d8e999');
      expect(await digest([new TextEncoder().encode('abc')], native)).toBe('44bc2cf5ad770999');
    }
  });

  it('native and hash-wasm agree over split updates, shared memory and leading zeros', async () => {
    const data = randomBytes(3 * 150528 + 17);
    const shared = new Uint8Array(new SharedArrayBuffer(data.length + 64)).subarray(64);
    shared.set(data);
    const whole = await digest([data], false);
    expect(await digest([data], true)).toBe(whole);
    expect(await digest([data.subarray(0, 1), data.subarray(1, 150529), data.subarray(150529)], true)).toBe(whole);
    expect(await digest([shared.subarray(0, 5000), shared.subarray(5000)], true)).toBe(whole);
    expect(whole).toMatch(/^[0-9a-f]{16}$/);
    // Small digests keep their leading zeros (16 hex digits), as hash-wasm writes them.
    for (let i = 0; i < 64; i++) {
      const b = randomBytes(8);
      const [n, w] = [await digest([b], true), await digest([b], false)];
      expect(n).toBe(w);
    }
  });

  it('xxh128 (older markers) still comes from hash-wasm whatever `native` says', async () => {
    const data = randomBytes(1000);
    expect(await digest([data], true, 'xxh128')).toBe(await digest([data], false, 'xxh128'));
    expect(await digest([data], true, 'xxh128')).toMatch(/^[0-9a-f]{32}$/);
  });
});
