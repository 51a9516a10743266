// Benchmark of the slide reader (run `npm run build` first, then `node bench/slide-decode.mjs`):
// (a) JPEG tile decode, sharp vs geotiff's JS decoder; (b) 224x224 region reads at level 0, ours vs OpenSlide vs
// the libvips decode limit. Generates a >= 20480x20480 JPEG pyramid into bench/out/ (gitignored) on first run.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { getDecoder } from 'geotiff';
import { openSlide } from '../dist/slide/index.js';
import { readTiffStructure } from '../dist/slide/tiff/tiff-structure.js';
import { decodeJpegTile } from '../dist/slide/tiff/decode-tile.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'bench/out');
const SLIDE = join(OUT, 'slide-bench-20480.tif');
const ORACLE = join(ROOT, 'test/oracles/openslide_region.py');
const PATCH = 224;
const TILE_SAMPLE = Number(process.env.TILES ?? 400);
const REGION_COUNT = Number(process.env.REGIONS ?? 1500);

function log(...args) {
  console.error(...args);
}

// A 5120x5120 blurred colour-noise texture enlarged 4x by vips (cubic), saved as a 256-tiled JPEG Q90 BigTIFF pyramid.
async function ensureSlide() {
  if (existsSync(SLIDE)) return;
  mkdirSync(OUT, { recursive: true });
  const texture = join(OUT, 'texture-5120.png');
  log('generating texture ...');
  await sharp({ create: { width: 5120, height: 5120, channels: 3, noise: { type: 'gaussian', mean: 150, sigma: 60 } } })
    .blur(1.2)
    .linear([0.8, 0.55, 0.75], [60, 40, 60])
    .png({ compressionLevel: 1 })
    .toFile(texture);
  log('enlarging with vips and writing the pyramid ...');
  execFileSync(
    'vips',
    ['resize', texture, `${SLIDE}[tile,pyramid,compression=jpeg,Q=90,tile-width=256,tile-height=256,bigtiff]`, '4', '--kernel', 'cubic'],
    { stdio: 'inherit' },
  );
}

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function benchTileDecode(file, dir) {
  const stride = Math.max(1, Math.floor(dir.tileOffsets.length / TILE_SAMPLE));
  const tiles = [];
  for (let i = 0; i < dir.tileOffsets.length && tiles.length < TILE_SAMPLE; i += stride) {
    const bytes = new Uint8Array(dir.tileByteCounts[i]);
    await file.handle.read(bytes, 0, bytes.length, dir.tileOffsets[i]);
    tiles.push(bytes);
  }
  const geotiffJpeg = await getDecoder(7, {
    tileWidth: dir.tileWidth,
    tileHeight: dir.tileHeight,
    predictor: 1,
    bitsPerSample: dir.bitsPerSample,
    planarConfiguration: 1,
    JPEGTables: dir.jpegTables,
  });
  const time = async (fn) => {
    const t0 = performance.now();
    await fn();
    return (performance.now() - t0) / 1000;
  };
  await decodeJpegTile(tiles[0], dir.jpegTables, dir.photometric);
  const sharpSerial = await time(async () => {
    for (const t of tiles) await decodeJpegTile(t, dir.jpegTables, dir.photometric);
  });
  const sharpParallel = await time(() => Promise.all(tiles.map((t) => decodeJpegTile(t, dir.jpegTables, dir.photometric))));
  const geotiffSerial = await time(async () => {
    for (const t of tiles) await geotiffJpeg.decode(t.buffer.slice(t.byteOffset, t.byteOffset + t.byteLength));
  });
  const n = tiles.length;
  return { tiles: n, sharpSerialPerS: n / sharpSerial, sharpAllInFlightPerS: n / sharpParallel, geotiffSerialPerS: n / geotiffSerial };
}

async function readAll(slide, coords, inFlight) {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < coords.length) {
      const [, x, y] = coords[next++];
      await slide.readRegion(0, x, y, PATCH, PATCH);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return coords.length / ((performance.now() - t0) / 1000);
}

function openslideRate(coords, name) {
  const path = join(OUT, `coords-${name}.json`);
  writeFileSync(path, JSON.stringify(coords));
  const { count, seconds } = JSON.parse(execFileSync('/usr/bin/python3', [ORACLE, SLIDE, '--time', path], { encoding: 'utf8' }));
  return count / seconds;
}

// libvips decoding all of level 0 (both cores), expressed as 224x224 patches per second.
function vipsDecodeLimit(width, height) {
  const t0 = performance.now();
  execFileSync('vips', ['avg', `${SLIDE}[page=0]`], { encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, patchesPerS: (width * height) / (PATCH * PATCH) / seconds };
}

await ensureSlide();
const file = await readTiffStructure(SLIDE);
const [dir] = file.directories;
const { width, height } = dir;
const bitsPerPixel = (dir.tileByteCounts.reduce((a, b) => a + b, 0) * 8) / (width * height);
log(`slide ${width}x${height}, ${(statSync(SLIDE).size / 2 ** 20).toFixed(0)} MiB, level 0 ${bitsPerPixel.toFixed(2)} bits/px`);
const decode = await benchTileDecode(file, dir);
await file.handle.close();
log('tile decode', decode);

const random = rng(42);
const randomCoords = Array.from({ length: REGION_COUNT }, () => [
  0,
  Math.floor(random() * (width - PATCH)),
  Math.floor(random() * (height - PATCH)),
]);
const gridCoords = [];
for (let y = 0; y + PATCH <= height && gridCoords.length < REGION_COUNT; y += PATCH) {
  for (let x = 0; x + PATCH <= width && gridCoords.length < REGION_COUNT; x += PATCH) gridCoords.push([0, x, y, PATCH, PATCH]);
}
for (const c of randomCoords) c.push(PATCH, PATCH);

const regions = {};
for (const [name, coords] of [
  ['random', randomCoords],
  ['grid', gridCoords],
]) {
  const rates = {};
  for (const inFlight of [1, 4]) {
    const slide = await openSlide(SLIDE);
    rates[`ours${inFlight}`] = await readAll(slide, coords, inFlight);
    await slide.close();
  }
  rates.openslide = openslideRate(coords, name);
  regions[name] = rates;
  log(name, rates);
}
const limit = vipsDecodeLimit(width, height);
log('vips decode limit', limit);

console.log(
  JSON.stringify(
    {
      machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
      slide: { width, height, bitsPerPixel },
      decode,
      regions,
      vipsDecodeLimit: limit,
    },
    null,
    2,
  ),
);
