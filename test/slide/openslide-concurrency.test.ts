// The OpenSlide backend reads off the event loop (koffi async calls on worker threads): parallel reads on one
// handle equal serial ones, a timer fires while a large read runs, and close() waits for reads in flight.

import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openSlide, type RgbImage } from '../../src/slide/index.js';
import { synthSlide } from '../../src/synth/index.js';
import { makeTempDir } from './fixtures.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let svs: string;

beforeAll(async () => {
  temp = await makeTempDir('openslide-concurrency');
  svs = join(temp.dir, 'synth.svs');
  await synthSlide({ path: svs, width: 4096, height: 3072, flavour: 'aperio', seed: 11, concurrency: 2 });
});

afterAll(async () => {
  await temp.cleanup();
});

// 16 regions in a scattered order over the slide, some crossing tiles and the edge.
const REGIONS = Array.from({ length: 16 }, (_, i) => ({ x: ((i * 7919) % 4000) - 50, y: ((i * 104_729) % 3000) - 20 }));

test('16 parallel readRegion calls on one slide equal the same reads done one after another', async () => {
  const slide = await openSlide(svs, { reader: 'openslide' });
  try {
    const serial: RgbImage[] = [];
    for (const r of REGIONS) serial.push(await slide.readRegion(0, r.x, r.y, 224, 224));
    const parallel = await Promise.all(REGIONS.map((r) => slide.readRegion(0, r.x, r.y, 224, 224)));
    for (const [i, image] of parallel.entries()) {
      expect(Buffer.from(image.data).equals(Buffer.from(serial[i].data)), JSON.stringify(REGIONS[i])).toBe(true);
    }
    // Not all alike: the regions really differ, so equality is not trivial.
    expect(new Set(serial.map((s) => Buffer.from(s.data).toString('base64'))).size).toBe(16);
  } finally {
    await slide.close();
  }
});

test('the event loop keeps running during a large read: a timer set before it fires before it returns', async () => {
  const slide = await openSlide(svs, { reader: 'openslide' });
  try {
    const order: string[] = [];
    const timer = new Promise<void>((resolve) =>
      setTimeout(() => {
        order.push('timer');
        resolve();
      }, 1),
    );
    // The whole 4096x3072 level 0: hundreds of JPEG tiles, far longer than 1 ms. A blocking call would return
    // (and its continuation run as a microtask) before any timer could fire.
    const read = slide.readRegion(0, 0, 0, 4096, 3072).then((image) => {
      order.push('read');
      return image;
    });
    const [image] = await Promise.all([read, timer]);
    expect(image.data).toHaveLength(4096 * 3072 * 3);
    expect(order).toEqual(['timer', 'read']);
  } finally {
    await slide.close();
  }
});

test('close() waits for reads in flight, then refuses new ones', async () => {
  const slide = await openSlide(svs, { reader: 'openslide' });
  const reads = REGIONS.map((r) => slide.readRegion(0, r.x, r.y, 512, 512));
  await slide.close();
  const images = await Promise.all(reads);
  expect(images.every((image) => image.data.length === 512 * 512 * 3)).toBe(true);
  await expect(slide.readRegion(0, 0, 0, 8, 8)).rejects.toThrow(/readRegion called after close\(\)/);
});
