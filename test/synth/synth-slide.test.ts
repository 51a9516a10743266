// Tests of src/synth/synth-slide.ts against independent oracles: OpenSlide 3.4.1 must open both
// flavours with the right structure and colours, vips must decode every page, and output is seeded.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readAsapXml } from '../../src/geometry/index.js';
import { synthSlide } from '../../src/synth/index.js';
import type { SynthSidecar, SynthSlideResult } from '../../src/synth/index.js';
import { openSlideView, vipsDecodesPage } from './openslide-oracle.js';

let dir: string;
let generic: SynthSlideResult;
let aperio: SynthSlideResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wsi-synth-'));
  generic = await synthSlide({ path: join(dir, 'g.tif'), width: 4096, height: 3072, seed: 7, annotationsPath: join(dir, 'g.xml') });
  aperio = await synthSlide({ path: join(dir, 'a.svs'), width: 4096, height: 4096, flavour: 'aperio', seed: 11, mppX: 0.25 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const readSidecar = async (r: SynthSlideResult) => JSON.parse(await readFile(r.sidecarPath, 'utf8')) as SynthSidecar;

describe('generic flavour', () => {
  test('OpenSlide opens it as generic-tiff with two levels 4x apart and the resolution in cm', async () => {
    const view = await openSlideView(generic.path);
    expect(view.vendor).toBe('generic-tiff');
    expect(view.levelDimensions).toEqual([
      [4096, 3072],
      [1024, 768],
    ]);
    expect(view.levelDownsamples).toEqual([1, 4]);
    // OpenSlide 3.4.1 derives no openslide.mpp-x for generic TIFF; the tags say 20000 px/cm = 0.5 µm.
    expect(view.properties['tiff.ResolutionUnit']).toBe('centimeter');
    expect(Number(view.properties['tiff.XResolution'])).toBeCloseTo(20000, 3);
    expect(view.properties['openslide.level[0].tile-width']).toBe('256');
  });

  test('tumour is darker and more purple than stroma, glass near white, ink its colour', async () => {
    const sidecar = await readSidecar(generic);
    const box = (p: [number, number]): [number, number, number, number] => [p[0] - 16, p[1] - 16, 32, 32];
    const points = [
      sidecar.samples.background[0],
      sidecar.samples.stroma[0],
      sidecar.samples.tumour[0],
      ...sidecar.samples.pen.map((s) => s.point),
    ];
    const [glass, stroma, tumour, ...inks] = (await openSlideView(generic.path, points.map(box))).means;
    expect(Math.min(...glass)).toBeGreaterThan(225);
    expect(stroma[0] - stroma[1]).toBeGreaterThan(40);
    const lum = (c: number[]) => (c[0] + c[1] + c[2]) / 3;
    expect(lum(tumour)).toBeLessThan(lum(stroma) - 20);
    expect(tumour[2] / tumour[0]).toBeGreaterThan(stroma[2] / stroma[0]);
    expect(sidecar.samples.pen.length).toBeGreaterThan(0);
    sidecar.samples.pen.forEach(({ colour }, k) => {
      const [r, g, b] = inks[k];
      if (colour === 'blue') expect(b - Math.max(r, g)).toBeGreaterThan(40);
      if (colour === 'green') expect(g - Math.max(r, b)).toBeGreaterThan(25);
      if (colour === 'black') expect(Math.max(r, g, b)).toBeLessThan(80);
    });
  });

  test('the ASAP XML holds exactly the sidecar tumours', async () => {
    const sidecar = await readSidecar(generic);
    expect(sidecar.tumours.length).toBeGreaterThan(0);
    expect(readAsapXml(await readFile(join(dir, 'g.xml'), 'utf8'))).toEqual(sidecar.tumours);
    expect(sidecar.tumours[0]).toMatchObject({ name: 'Tumor 1', group: 'Tumor' });
  });

  test('vips decodes every page completely', async () => {
    for (const page of [0, 1]) expect(await vipsDecodesPage(generic.path, page, join(dir, `g${page}.v`))).toBe(0);
  });
});

describe('aperio flavour', () => {
  test('OpenSlide opens it as aperio with levels, MPP, objective power and associated images', async () => {
    const view = await openSlideView(aperio.path);
    expect(view.vendor).toBe('aperio');
    expect(view.levelDimensions).toEqual([
      [4096, 4096],
      [1024, 1024],
    ]);
    expect(view.levelDownsamples).toEqual([1, 4]);
    expect(view.properties['openslide.mpp-x']).toBe('0.25');
    expect(view.properties['openslide.mpp-y']).toBe('0.25');
    expect(view.properties['openslide.objective-power']).toBe('40');
    expect(Object.keys(view.associated).sort()).toEqual(['label', 'macro', 'thumbnail']);
    expect(Math.max(...view.associated.thumbnail)).toBe(768);
  });

  test('vips decodes every page: level 0, thumbnail, level 1, label, macro', async () => {
    for (const page of [0, 1, 2, 3, 4]) expect(await vipsDecodesPage(aperio.path, page, join(dir, `a${page}.v`))).toBe(0);
    expect(await vipsDecodesPage(aperio.path, 5, join(dir, 'a5.v'))).not.toBe(0);
  });
});

describe('determinism and containers', () => {
  test('the same seed gives identical bytes, another seed different bytes', async () => {
    // The file name is part of the Aperio description, so the copies share a name in different folders.
    const make = (sub: string, seed: number) =>
      synthSlide({ path: join(dir, sub, 's.svs'), width: 1024, height: 1024, seed, flavour: 'aperio' });
    const [a, b, c] = [await make('one', 5), await make('two', 5), await make('three', 6)];
    const [ba, bb, bc] = await Promise.all([a, b, c].map((r) => readFile(r.path)));
    expect(ba.equals(bb)).toBe(true);
    expect(ba.equals(bc)).toBe(false);
    expect(await readFile(a.sidecarPath, 'utf8')).toBe(await readFile(b.sidecarPath, 'utf8'));
  });

  test('a forced BigTIFF opens in OpenSlide and vips, with 4:4:4 chroma and 512 px tiles', async () => {
    const r = await synthSlide({
      path: join(dir, 'big.tif'),
      width: 2048,
      height: 2048,
      bigTiff: 'always',
      chromaSubsampling: '4:4:4',
      tileSize: 512,
    });
    expect(r.isBigTiff).toBe(true);
    const header = (await readFile(r.path)).subarray(0, 4);
    expect([...header]).toEqual([0x49, 0x49, 43, 0]);
    const view = await openSlideView(r.path);
    expect(view.levelDimensions).toEqual([
      [2048, 2048],
      [512, 512],
    ]);
    expect(view.properties['openslide.level[0].tile-width']).toBe('512');
    expect(await vipsDecodesPage(r.path, 1, join(dir, 'big1.v'))).toBe(0);
  });

  test('a normal slide has no tumour and writes no ASAP XML', async () => {
    const r = await synthSlide({
      path: join(dir, 'n.tif'),
      width: 1024,
      height: 1024,
      hasTumour: false,
      annotationsPath: join(dir, 'n.xml'),
    });
    expect(r.hasTumour).toBe(false);
    expect(r.annotationsPath).toBeNull();
    expect((await readSidecar(r)).tumours).toEqual([]);
  });

  test('most tiles are reused from the texture bank', () => {
    expect(generic.tiles.total).toBe(16 * 12 + 4 * 3);
    expect(generic.tiles.reused).toBeGreaterThan(generic.tiles.composited);
  });
});
