// Test fixtures of the slide tests: a known synthetic RGB pattern written as pyramidal tiled TIFF by `vips`,
// the OpenSlide oracle (test/oracles/openslide_region.py under Debian's /usr/bin/python3), and the shared SVS.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { RgbImage } from '../../src/slide/index.js';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ORACLE = join(ROOT, 'test/oracles/openslide_region.py');
export const SYSTEM_PYTHON = '/usr/bin/python3';
export const SMALL_HE = resolve(ROOT, '../shared/testdata/small_HE.svs');

/** The shared Aperio SVS, or null when absent outside CI; under CI=true a missing file fails the test. */
export function smallHePath(): string | null {
  if (existsSync(SMALL_HE)) return SMALL_HE;
  if (process.env.CI === 'true') throw new Error(`${SMALL_HE} is missing; CI must have ../shared/testdata/small_HE.svs`);
  return null;
}

export async function makeTempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `wsi-hpc-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A deterministic RGB pattern: smooth gradients, sharp "text-like" strokes and blocks, and seeded noise. */
export function makePattern(width: number, height: number, seed = 1): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let state = seed >>> 0 || 1;
  const noise = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) % 41) - 20;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      let r = (x * 255) / width;
      let g = (y * 255) / height;
      let b = 128 + 100 * Math.sin((x + y) / 37);
      // Dark strokes on a 40 px grid of "glyphs": horizontal and vertical bars of varying length.
      const cx = x % 40;
      const cy = y % 40;
      const glyph = (Math.floor(x / 40) * 7 + Math.floor(y / 40) * 13) % 5;
      if ((cy >= 8 && cy < 11 && cx < 10 + glyph * 6) || (cx >= 20 && cx < 23 && cy < 12 + glyph * 5)) {
        r = 20;
        g = 30;
        b = 90;
      }
      data[i] = clamp(r + noise());
      data[i + 1] = clamp(g + noise());
      data[i + 2] = clamp(b + noise());
    }
  }
  return { width, height, data };
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

export type TiffKind = 'jpeg' | 'deflate' | 'lzw' | 'none' | 'bigtiff-jpeg';

/** Write `image` as PNG then as a 256x256-tiled pyramid with `vips tiffsave`; returns the TIFF path. */
export async function writePyramid(image: RgbImage, dir: string, kind: TiffKind, extra: string[] = []): Promise<string> {
  const png = join(dir, `source-${image.width}x${image.height}.png`);
  if (!existsSync(png)) {
    await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .png({ compressionLevel: 1 })
      .toFile(png);
  }
  const out = join(dir, `${kind}-${image.width}x${image.height}.tif`);
  const compression = kind === 'bigtiff-jpeg' ? 'jpeg' : kind;
  const args = ['tiffsave', png, out, '--tile', '--pyramid', '--compression', compression, '--tile-width', '256', '--tile-height', '256'];
  if (compression === 'jpeg') args.push('--Q', '90');
  if (kind === 'bigtiff-jpeg') args.push('--bigtiff');
  await run('vips', [...args, ...extra]);
  return out;
}

/** Write `image` with `vips tiffsave` in strips (no --tile). */
export async function writeStripped(image: RgbImage, dir: string): Promise<string> {
  const png = join(dir, 'stripped-source.png');
  await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toFile(png);
  const out = join(dir, 'stripped.tif');
  await run('vips', ['tiffsave', png, out, '--compression', 'deflate']);
  return out;
}

export interface Region {
  level: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface OracleResult {
  levelCount: number;
  levelDimensions: [number, number][];
  levelDownsamples: number[];
  properties: Record<string, string>;
  associated: Record<string, [number, number]>;
  images: RgbImage[];
}

/** Ask OpenSlide for the slide's facts and the RGB (outside = white) of each region. */
export async function openSlideOracle(slide: string, outDir: string, regions: Region[] = []): Promise<OracleResult> {
  const specs = regions.map((r) => `${r.level},${r.x},${r.y},${r.width},${r.height}`);
  const { stdout } = await run(SYSTEM_PYTHON, [ORACLE, slide, ...(specs.length > 0 ? [outDir, ...specs] : [])], { maxBuffer: 64 << 20 });
  const parsed = JSON.parse(stdout) as Omit<OracleResult, 'images'> & { regions?: { file: string; width: number; height: number }[] };
  const images = await Promise.all(
    (parsed.regions ?? []).map(async (r) => ({ width: r.width, height: r.height, data: new Uint8Array(await readFile(r.file)) })),
  );
  return { ...parsed, images };
}

/** Mean absolute difference per channel (R, G, B) between two images of the same size. */
export function meanAbsError(a: RgbImage, b: RgbImage): [number, number, number] {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`size ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  const sums = [0, 0, 0];
  for (let i = 0; i < a.data.length; i++) sums[i % 3] += Math.abs(a.data[i] - b.data[i]);
  const n = a.width * a.height;
  return [sums[0] / n, sums[1] / n, sums[2] / n];
}

/** Crop a region out of an in-memory image, white outside (reference for what the reader must return). */
export function cropWhite(image: RgbImage, x: number, y: number, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3).fill(255);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const sx = x + col;
      const sy = y + row;
      if (sx < 0 || sy < 0 || sx >= image.width || sy >= image.height) continue;
      const from = (sy * image.width + sx) * 3;
      data.set(image.data.subarray(from, from + 3), (row * width + col) * 3);
    }
  }
  return { width, height, data };
}

/** Overwrite the value of every `tag` entry (SHORT, stored inline) in every IFD of a classic little-endian TIFF. */
export async function patchShortTag(path: string, tag: number, value: number): Promise<number> {
  const bytes = await readFile(path);
  if (bytes.toString('latin1', 0, 2) !== 'II' || bytes.readUInt16LE(2) !== 42)
    throw new Error('patchShortTag wants classic little-endian TIFF');
  let patched = 0;
  for (let ifd = bytes.readUInt32LE(4); ifd !== 0; ) {
    const count = bytes.readUInt16LE(ifd);
    for (let e = 0; e < count; e++) {
      const at = ifd + 2 + e * 12;
      if (bytes.readUInt16LE(at) === tag && bytes.readUInt16LE(at + 2) === 3) {
        bytes.writeUInt16LE(value, at + 8);
        patched++;
      }
    }
    ifd = bytes.readUInt32LE(ifd + 2 + count * 12);
  }
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, bytes);
  return patched;
}
