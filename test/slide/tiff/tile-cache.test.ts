// TileCache: LRU eviction by bytes and in-flight de-duplication.

import { expect, test } from 'vitest';
import { TileCache } from '../../../src/slide/tiff/tile-cache.js';

const tile = (bytes: number, fill = 1): Uint8Array => new Uint8Array(bytes).fill(fill);

test('two concurrent gets of the same key call load once', async () => {
  const cache = new TileCache(1000);
  let loads = 0;
  const load = async (): Promise<Uint8Array> => {
    loads++;
    await new Promise((r) => setTimeout(r, 10));
    return tile(10);
  };
  const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
  expect(loads).toBe(1);
  expect(a).toBe(b);
  await cache.get('k', load);
  expect(loads).toBe(1);
});

test('the least recently used tiles are evicted once the byte bound is exceeded', async () => {
  const cache = new TileCache(30);
  for (const key of ['a', 'b', 'c']) await cache.get(key, async () => tile(10));
  await cache.get('a', async () => tile(10, 9));
  await cache.get('d', async () => tile(10));
  expect(cache.sizeBytes).toBe(30);
  expect(cache.entryCount).toBe(3);
  let reloaded = '';
  const loadAs = (key: string) => async () => {
    reloaded += key;
    return tile(10);
  };
  await cache.get('b', loadAs('b'));
  await cache.get('a', loadAs('a'));
  expect(reloaded).toBe('b');
});

test('a failed load is not cached and the next get retries', async () => {
  const cache = new TileCache(100);
  await expect(cache.get('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  await expect(cache.get('k', async () => tile(4))).resolves.toHaveLength(4);
});

test.each([0, 5])('a cache of %d bytes still de-duplicates but keeps nothing larger', async (maxBytes) => {
  const cache = new TileCache(maxBytes);
  let loads = 0;
  const load = async () => {
    loads++;
    return tile(10);
  };
  await Promise.all([1, 2, 3].map(() => cache.get('k', load)));
  expect(loads).toBe(1);
  expect(cache.entryCount).toBe(0);
});
