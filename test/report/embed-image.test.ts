// embedImage: large pictures are downscaled to fit MAX_IMAGE_EDGE_PX, small ones kept, SVG
// embedded as is, absent or corrupt files give null (the report shows a placeholder).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { embedImage, MAX_IMAGE_EDGE_PX } from '../../src/report/index.js';
import { makeTempDir } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('embed');
});
afterAll(() => tmp?.cleanup());

async function png(name: string, width: number, height: number): Promise<string> {
  const path = join(tmp.dir, name);
  await sharp({ create: { width, height, channels: 3, background: '#c06090' } })
    .png()
    .toFile(path);
  return path;
}

test.each([
  ['wide.png', 2000, 1000, 'jpeg', MAX_IMAGE_EDGE_PX, 400],
  ['tall.png', 300, 1600, 'png', 150, MAX_IMAGE_EDGE_PX],
  ['small.png', 120, 90, 'png', 120, 90],
] as const)('embedImage of %s (%i x %i) as %s fits %i x %i', async (name, w, h, format, ew, eh) => {
  const image = await embedImage(await png(name, w, h), format);
  expect(image).toMatchObject({ width: ew, height: eh });
  expect(image?.dataUri.startsWith(`data:image/${format};base64,`)).toBe(true);
  const decoded = await sharp(Buffer.from(image?.dataUri.split(',')[1] ?? '', 'base64')).metadata();
  expect([decoded.width, decoded.height, decoded.format]).toEqual([ew, eh, format]);
});

test('embedImage keeps an SVG as it is and reads its size', async () => {
  const path = join(tmp.dir, 'plot.svg');
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360"><rect width="10" height="10"/></svg>';
  await writeFile(path, svg);
  const image = await embedImage(path);
  expect(image).toMatchObject({ width: 640, height: 360 });
  expect(Buffer.from(image?.dataUri.split(',')[1] ?? '', 'base64').toString()).toBe(svg);
});

test('embedImage returns null for an absent or corrupt picture', async () => {
  const corrupt = join(tmp.dir, 'corrupt.png');
  await writeFile(corrupt, Buffer.from('\x89PNG\r\n\x1a\nnot really'));
  expect(await embedImage(join(tmp.dir, 'absent.png'))).toBeNull();
  expect(await embedImage(corrupt)).toBeNull();
});
