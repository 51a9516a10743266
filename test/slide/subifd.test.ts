// SubIFD pyramids (OME-TIFF layout, `vips tiffsave --pyramid --subifd`): the native reader finds levels 1..n in
// the SubIFDs of the full-resolution IFD, with vips' sizes and pixels, and damaged SubIFD offsets fail cleanly.

import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WsiHpcError } from '../../src/errors.js';
import { openSlide, type RgbImage } from '../../src/slide/index.js';
import { makePattern, makeTempDir, openSlideOracle, writePyramid } from './fixtures.js';

const run = promisify(execFile);
const WIDTH = 2000;
const HEIGHT = 1500;
const pattern = makePattern(WIDTH, HEIGHT, 11);
let temp: Awaited<ReturnType<typeof makeTempDir>>;
const paths = new Map<'classic' | 'bigtiff', string>();

beforeAll(async () => {
  temp = await makeTempDir('subifd');
  // 2000 px/mm = 0.5 µm/px.
  const extra = ['--subifd', '--xres', '2000', '--yres', '2000'];
  paths.set('classic', await writePyramid(pattern, temp.dir, 'jpeg', extra));
  paths.set('bigtiff', await writePyramid(pattern, temp.dir, 'bigtiff-jpeg', extra));
}, 60_000);

afterAll(async () => {
  await temp.cleanup();
});

/** Width and height of `spec` (a file, optionally with vips load options) as vips sees it. */
async function vipsSize(spec: string): Promise<[number, number]> {
  const { stdout } = await run('vipsheader', ['-f', 'width', spec]);
  const { stdout: h } = await run('vipsheader', ['-f', 'height', spec]);
  return [Number(stdout), Number(h)];
}

async function vipsCrop(spec: string, x: number, y: number, width: number, height: number): Promise<RgbImage> {
  const out = join(temp.dir, `crop-${Math.random().toString(36).slice(2)}.raw`);
  await run('vips', ['crop', spec, out, String(x), String(y), String(width), String(height)]);
  return { width, height, data: new Uint8Array(await readFile(out)) };
}

/** Offsets of the SubIFDs tag (330) entry of IFD 0 of a classic little-endian TIFF: where its values are stored. */
function subIfdEntry(bytes: Buffer): { ifd0: number; valuesAt: number; count: number } {
  const ifd0 = bytes.readUInt32LE(4);
  const n = bytes.readUInt16LE(ifd0);
  for (let e = 0; e < n; e++) {
    const at = ifd0 + 2 + e * 12;
    if (bytes.readUInt16LE(at) !== 330) continue;
    const count = bytes.readUInt32LE(at + 4);
    return { ifd0, valuesAt: count === 1 ? at + 8 : bytes.readUInt32LE(at + 8), count };
  }
  throw new Error('no SubIFDs tag in IFD 0');
}

async function openError(path: string): Promise<WsiHpcError> {
  const err = await openSlide(path).then(
    async (slide) => {
      await slide.close();
      return null;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WsiHpcError);
  return err as WsiHpcError;
}

describe.each(['classic', 'bigtiff'] as const)('SubIFD pyramid written by vips, %s', (kind) => {
  test('levels are IFD 0 and its SubIFDs, with vips’ sizes and the mean-ratio downsamples', async () => {
    const path = paths.get(kind) as string;
    const { stdout } = await run('vipsheader', ['-f', 'n-subifds', path]);
    const subifds = Number(stdout);
    expect(subifds).toBeGreaterThanOrEqual(3);
    const expected = [await vipsSize(path)];
    for (let n = 0; n < subifds; n++) expected.push(await vipsSize(`${path}[subifd=${n}]`));
    const slide = await openSlide(path);
    try {
      expect(slide.info.isBigTiff).toBe(kind === 'bigtiff');
      expect(slide.info.levels.map((l) => [l.width, l.height])).toEqual(expected);
      expect(slide.info.levels[1].downsample).toBe(2);
      for (const level of slide.info.levels) {
        expect(level.downsample).toBeCloseTo((WIDTH / level.width + HEIGHT / level.height) / 2, 10);
        expect(level.compression).toBe('jpeg');
      }
      expect(slide.info.mppX).toBeCloseTo(0.5, 10);
    } finally {
      await slide.close();
    }
  });

  test('regions at levels 0-3 equal `vips crop` of the same SubIFD, byte for byte', async () => {
    const path = paths.get(kind) as string;
    const slide = await openSlide(path);
    try {
      const regions = [
        { level: 0, x: 250, y: 130, width: 300, height: 260 },
        { level: 1, x: 0, y: 0, width: 224, height: 224 },
        { level: 1, x: 700, y: 500, width: 300, height: 250 },
        { level: 2, x: 100, y: 90, width: 300, height: 200 },
        { level: 3, x: 0, y: 0, width: 250, height: 187 },
      ];
      for (const r of regions) {
        const spec = r.level === 0 ? path : `${path}[subifd=${r.level - 1}]`;
        const want = await vipsCrop(spec, r.x, r.y, r.width, r.height);
        const got = await slide.readRegion(r.level, r.x, r.y, r.width, r.height);
        expect(Buffer.from(got.data).equals(Buffer.from(want.data)), `level ${r.level} at ${r.x},${r.y}`).toBe(true);
      }
    } finally {
      await slide.close();
    }
  });
});

test('level 0 of the SubIFD pyramid equals Python OpenSlide’s read_region (OpenSlide 3.4 sees only that level)', async () => {
  const path = paths.get('classic') as string;
  const region = { level: 0, x: 1000, y: 700, width: 400, height: 300 };
  const oracle = await openSlideOracle(path, temp.dir, [region]);
  expect(oracle.levelDimensions[0]).toEqual([WIDTH, HEIGHT]);
  const slide = await openSlide(path);
  try {
    const got = await slide.readRegion(region.level, region.x, region.y, region.width, region.height);
    expect(Buffer.from(got.data).equals(Buffer.from(oracle.images[0].data))).toBe(true);
    expect(slide.info.levels.length).toBeGreaterThan(oracle.levelCount);
  } finally {
    await slide.close();
  }
});

test('two planes (pages) with SubIFDs each: the levels are IFD 0 and its own SubIFDs, not the other plane', async () => {
  const png = join(temp.dir, 'planes.png');
  const planes = makePattern(1000, 1600, 23);
  await sharp(planes.data, { raw: { width: 1000, height: 1600, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toFile(png);
  const path = join(temp.dir, 'planes.tif');
  await run('vips', [
    'tiffsave',
    png,
    path,
    '--tile',
    '--pyramid',
    '--subifd',
    '--compression',
    'jpeg',
    '--Q',
    '90',
    '--page-height',
    '800',
  ]);
  expect((await run('vipsheader', ['-f', 'n-pages', path])).stdout.trim()).toBe('2');
  const slide = await openSlide(path);
  try {
    const expected = [await vipsSize(`${path}[page=0]`)];
    for (let n = 0; n < slide.info.levels.length - 1; n++) expected.push(await vipsSize(`${path}[page=0,subifd=${n}]`));
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(slide.info.levels.map((l) => [l.width, l.height])).toEqual(expected);
    for (const level of [1, 2]) {
      const got = await slide.readRegion(level, 20, 10, 200, 150);
      const mine = await vipsCrop(`${path}[page=0,subifd=${level - 1}]`, 20, 10, 200, 150);
      const other = await vipsCrop(`${path}[page=1,subifd=${level - 1}]`, 20, 10, 200, 150);
      expect(Buffer.from(got.data).equals(Buffer.from(mine.data)), `level ${level}`).toBe(true);
      expect(Buffer.from(got.data).equals(Buffer.from(other.data))).toBe(false);
    }
  } finally {
    await slide.close();
  }
});

describe('damaged SubIFD offsets', () => {
  async function damaged(name: string, patch: (bytes: Buffer) => void, kind: 'classic' | 'bigtiff' = 'classic'): Promise<string> {
    const bytes = await readFile(paths.get(kind) as string);
    patch(bytes);
    const out = join(temp.dir, name);
    await writeFile(out, bytes);
    return out;
  }

  test('a SubIFD offset past the end of the file is SLIDE_TRUNCATED naming the file and the SubIFD', async () => {
    const path = await damaged('past-eof.tif', (bytes) => {
      const { valuesAt } = subIfdEntry(bytes);
      bytes.writeUInt32LE(bytes.length + 4096, valuesAt + 4);
    });
    const err = await openError(path);
    expect(err.code).toBe('SLIDE_TRUNCATED');
    expect(err.message).toContain(path);
    expect(err.message).toContain('IFD 0 SubIFD 1');
    expect(err.message).toContain('beyond the end of the file');
  });

  test('BigTIFF: a SubIFD offset (IFD8) past the end of the file is SLIDE_TRUNCATED naming the SubIFD', async () => {
    const path = await damaged(
      'bigtiff-past-eof.tif',
      (bytes) => {
        const ifd0 = Number(bytes.readBigUInt64LE(8));
        const n = Number(bytes.readBigUInt64LE(ifd0));
        for (let e = 0; e < n; e++) {
          const at = ifd0 + 8 + e * 20;
          if (bytes.readUInt16LE(at) !== 330) continue;
          expect(bytes.readUInt16LE(at + 2)).toBe(18);
          const valuesAt = Number(bytes.readBigUInt64LE(at + 4)) === 1 ? at + 12 : Number(bytes.readBigUInt64LE(at + 12));
          bytes.writeBigUInt64LE(BigInt(bytes.length + 8192), valuesAt + 16);
          return;
        }
        throw new Error('no SubIFDs tag in IFD 0');
      },
      'bigtiff',
    );
    const err = await openError(path);
    expect(err.code).toBe('SLIDE_TRUNCATED');
    expect(err.message).toContain(path);
    expect(err.message).toContain('IFD 0 SubIFD 2 at offset');
  });

  test('a SubIFD pointing back at IFD 0 is SLIDE_UNREADABLE (loop)', async () => {
    const path = await damaged('loop-to-ifd0.tif', (bytes) => {
      const { ifd0, valuesAt } = subIfdEntry(bytes);
      bytes.writeUInt32LE(ifd0, valuesAt);
    });
    const err = await openError(path);
    expect(err.code).toBe('SLIDE_UNREADABLE');
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/loops .* at IFD 0 SubIFD 0/);
  });

  test('a SubIFD whose next-IFD pointer points at itself is SLIDE_UNREADABLE (loop in its chain)', async () => {
    const path = await damaged('self-chain.tif', (bytes) => {
      const { valuesAt } = subIfdEntry(bytes);
      const sub0 = bytes.readUInt32LE(valuesAt);
      const entries = bytes.readUInt16LE(sub0);
      bytes.writeUInt32LE(sub0, sub0 + 2 + entries * 12);
    });
    const err = await openError(path);
    expect(err.code).toBe('SLIDE_UNREADABLE');
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/loops .* at IFD 0 SubIFD 1/);
  });
});
