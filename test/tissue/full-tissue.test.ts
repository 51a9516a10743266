// A slide covered by tissue edge to edge keeps its tissue: Otsu alone splits pale from dark tissue
// (12.8 % kept on the slide below); tissueThreshold falls back to the floor. Slides with glass keep
// Otsu's threshold, so the cohort and the real small_HE.svs are detected as before.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pointInPolygon, type Polygon } from '../../src/geometry/index.js';
import { openSlide } from '../../src/slide/index.js';
import { synthSlide } from '../../src/synth/index.js';
import { localizeTissue, normalizeTissueOptions, tissueThreshold } from '../../src/tissue/index.js';
import { makeCohort, makeTempDir, smallHePath } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let fullSlide: string;
const cfg = normalizeTissueOptions({});

// The largest square centred on a tissue piece that lies wholly inside it and clear of its holes.
function squareInside(pieces: Polygon[]): { x: number; y: number; side: number } {
  let best = { x: 0, y: 0, side: 0 };
  for (const p of pieces) {
    const xs = p.rings[0].map((q) => q[0]);
    const ys = p.rings[0].map((q) => q[1]);
    const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
    const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
    for (let side = 4000; side > best.side; side -= 50) {
      const x = Math.round(cx - side / 2);
      const y = Math.round(cy - side / 2);
      const edge: [number, number][] = [];
      for (let t = 0; t <= 1; t += 0.02)
        edge.push([x + t * side, y], [x + t * side, y + side], [x, y + t * side], [x + side, y + t * side]);
      const isInside = edge.every(([ex, ey]) => pointInPolygon({ rings: [p.rings[0]] }, ex, ey));
      const isClear = p.rings.slice(1).every((h) => h.every(([hx, hy]) => hx < x || hx > x + side || hy < y || hy > y + side));
      if (isInside && isClear) {
        best = { x, y, side };
        break;
      }
    }
  }
  return best;
}

beforeAll(async () => {
  tmp = await makeTempDir('full-tissue');
  const source = join(tmp.dir, 'source.tif');
  await synthSlide({ path: source, width: 8000, height: 6000, seed: 4, hasPenMarks: false, hasTumour: true });
  const sidecar = JSON.parse(await readFile(join(tmp.dir, 'source.geometry.json'), 'utf8')) as { tissue: Polygon[] };
  const sq = squareInside(sidecar.tissue);
  expect(sq.side).toBeGreaterThan(1000);
  // A real pyramidal JPEG TIFF of nothing but tissue: the square tiled 4 x 3 with vips.
  fullSlide = join(tmp.dir, 'full.tif');
  execFileSync('sh', [
    '-c',
    `cd "$1" && vips crop source.tif crop.v ${sq.x} ${sq.y} ${sq.side} ${sq.side} && vips replicate crop.v rep.v 4 3 && vips tiffsave rep.v full.tif --tile --pyramid --compression jpeg --Q 85 && rm crop.v rep.v`,
    'sh',
    tmp.dir,
  ]);
}, 120_000);

afterAll(() => tmp?.cleanup());

async function localize(path: string) {
  const reader = await openSlide(path, { mppOverride: 0.5, isOverrideOnlyWhenMissing: true });
  try {
    return await localizeTissue(reader, { ...cfg, userMask: null });
  } finally {
    await reader.close();
  }
}

describe('a slide covered by tissue edge to edge', () => {
  test('keeps all its tissue (the floor is the threshold, not Otsu)', async () => {
    const { mask } = await localize(fullSlide);
    expect(mask.otsuThreshold).toBeGreaterThan(2 * cfg.saturationFloor);
    expect(mask.threshold).toBe(cfg.saturationFloor);
    expect(mask.tissueFraction).toBeGreaterThan(0.98);
  }, 60_000);

  test('slides with glass keep Otsu (synthetic cohort and the real small_HE.svs)', async () => {
    const cohort = await makeCohort(join(tmp.dir, 'cohort'), 3, 4000, 3000, 5);
    const paths = cohort.manifest.slides.map((s: { file: string }) => join(tmp.dir, 'cohort', s.file));
    const real = smallHePath();
    if (real) paths.push(real);
    for (const path of paths) {
      const { mask } = await localize(path);
      expect(mask.threshold, path).toBe(Math.max(mask.otsuThreshold, cfg.saturationFloor));
      expect(mask.tissueFraction, path).toBeLessThan(0.6);
    }
  }, 120_000);
});

describe('tissueThreshold', () => {
  /** A histogram from (value, count) pairs. */
  const hist = (...pairs: [number, number][]) => {
    const h = new Float64Array(256);
    for (const [v, n] of pairs) h[v] += n;
    return h;
  };

  test.each([
    ['glass and tissue: Otsu', hist([3, 700], [5, 100], [70, 150], [110, 50]), false],
    ['pale and dark tissue, no glass: the floor', hist([60, 500], [70, 300], [110, 200]), true],
    ['all glass: the floor holds, nothing found', hist([2, 900], [4, 100]), false],
    ['low class just under twice the floor: Otsu', hist([35, 600], [39, 100], [120, 300]), false],
    ['a little glass beside pale and dark tissue: the floor', hist([3, 100], [55, 500], [65, 200], [120, 200]), true],
  ])('%s', (_name, h, isFullyCovered) => {
    const t = tissueThreshold(h, 20);
    expect(t.isFullyCovered).toBe(isFullyCovered);
    expect(t.threshold).toBe(isFullyCovered ? 20 : Math.max(t.otsu, 20));
  });
});
