import { describe, expect, test } from 'vitest';
import {
  detectTissue,
  fillSmallHoles,
  inkMask,
  normalizeTissueOptions,
  otsuThreshold,
  removeSmallRegions,
  close,
  open,
  histogram,
} from '../../src/tissue/index.js';
import type { RgbImage } from '../../src/slide/index.js';

type Rgb = readonly [number, number, number];
const WHITE: Rgb = [242, 242, 244];
const PINK: Rgb = [225, 150, 190];
const PURPLE: Rgb = [150, 90, 170];

/** A test thumbnail: background with noise, painted by a function of (x, y). */
function image(width: number, height: number, paint: (x: number, y: number) => Rgb | null, seed = 1): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let s = seed;
  const noise = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return (s % 9) - 4;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = paint(x, y) ?? WHITE;
      for (let k = 0; k < 3; k++) data[(y * width + x) * 3 + k] = Math.max(0, Math.min(255, c[k] + noise()));
    }
  }
  return { width, height, data };
}

const disc = (cx: number, cy: number, r: number) => (x: number, y: number) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const count = (m: Uint8Array) => m.reduce((a, b) => a + b, 0);
const cfg = normalizeTissueOptions({});

describe('detectTissue', () => {
  test('an all-background slide finds no tissue (the saturation floor holds)', async () => {
    const d = await detectTissue(
      image(200, 150, () => null),
      8,
      cfg,
    );
    expect(count(d.mask.data)).toBe(0);
    expect(d.threshold).toBeGreaterThanOrEqual(cfg.saturationFloor);
  });

  test('finds an H&E blob with nuclei texture and nothing outside it', async () => {
    const inBlob = disc(100, 80, 50);
    const img = image(220, 160, (x, y) => (inBlob(x, y) ? ((x * 31 + y * 17) % 7 === 0 ? PURPLE : PINK) : null));
    const d = await detectTissue(img, 8, cfg);
    let inside = 0;
    let outside = 0;
    for (let y = 0; y < 160; y++) for (let x = 0; x < 220; x++) if (d.mask.data[y * 220 + x]) inBlob(x, y) ? inside++ : outside++;
    expect(inside / (Math.PI * 50 * 50)).toBeGreaterThan(0.95);
    expect(outside).toBeLessThan(0.03 * Math.PI * 50 * 50);
  });

  test.each([
    ['blue', [40, 70, 200] as Rgb],
    ['green', [40, 150, 80] as Rgb],
    ['black', [30, 30, 35] as Rgb],
  ])('rejects a %s pen stroke across the background and the tissue', async (_name, ink) => {
    const inBlob = disc(70, 80, 45);
    const stroke = (x: number, y: number) => Math.abs(y - 0.3 * x - 40) < 4;
    const img = image(240, 160, (x, y) => (stroke(x, y) ? ink : inBlob(x, y) ? PINK : null));
    const d = await detectTissue(img, 8, cfg);
    let onStrokeOutsideBlob = 0;
    for (let y = 0; y < 160; y++)
      for (let x = 0; x < 240; x++) if (d.mask.data[y * 240 + x] && stroke(x, y) && !inBlob(x, y)) onStrokeOutsideBlob++;
    expect(onStrokeOutsideBlob).toBe(0);
    expect(count(d.mask.data)).toBeGreaterThan(0.8 * Math.PI * 45 * 45 - 400);
    expect(d.inkFraction).toBeGreaterThan(0.02);
  });

  test('without ink rejection a blue stroke counts as tissue', async () => {
    const stroke = (_x: number, y: number) => Math.abs(y - 80) < 5;
    const img = image(240, 160, (x, y) => (stroke(x, y) ? [40, 70, 200] : null));
    const d = await detectTissue(img, 8, normalizeTissueOptions({ rejectInk: false }));
    expect(count(d.mask.data)).toBeGreaterThan(1000);
  });

  test('drops specks smaller than minRegionUm2 and fills small holes', async () => {
    // At 8 µm/px a 3 px speck is ~450 µm² (dropped); a 4 px hole inside tissue (~800 µm²) is filled.
    const big = disc(80, 80, 50);
    const hole = disc(80, 80, 2);
    const img = image(200, 160, (x, y) => (disc(170, 20, 1.5)(x, y) || (big(x, y) && !hole(x, y)) ? PINK : null));
    const d = await detectTissue(img, 8, normalizeTissueOptions({ openRadiusUm: 0, closeRadiusUm: 0 }));
    expect(d.mask.data[20 * 200 + 170]).toBe(0);
    expect(d.mask.data[80 * 200 + 80]).toBe(1);
  });
});

describe('mask helpers', () => {
  const m = (rows: string[]) => ({
    width: rows[0].length,
    height: rows.length,
    data: Uint8Array.from(rows.join('').split('').map(Number)),
  });
  test('close bridges a one-pixel gap and open removes a one-pixel spur', async () => {
    expect(Array.from((await close(m(['11011', '11011', '11011']), 1)).data)).toEqual(Array(15).fill(1));
    expect(Array.from((await open(m(['00000', '00100', '00000']), 1)).data)).toEqual(Array(15).fill(0));
  });
  test('dilate grows tissue (1) by the radius and erode does not eat the image border', async () => {
    const { dilate, erode } = await import('../../src/tissue/index.js');
    expect(Array.from((await dilate(m(['00000', '00100', '00000']), 1)).data).join('')).toBe('011100111001110');
    expect(Array.from((await erode(m(['11111', '11111', '11111']), 1)).data).join('')).toBe('111111111111111');
    expect(Array.from((await erode(m(['11111', '11011', '11111']), 1)).data).join('')).toBe('100011000110001');
  });
  test('removeSmallRegions keeps regions at the size limit', () => {
    const out = removeSmallRegions(m(['1100', '1100', '0001']), 4);
    expect(Array.from(out.data)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
  });
  test('fillSmallHoles fills enclosed holes only', () => {
    const out = fillSmallHoles(m(['11100', '10100', '11100']), 5);
    expect(Array.from(out.data)).toEqual([1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0]);
  });
  test('otsu splits a bimodal histogram between the modes', () => {
    const values = Uint8Array.from([...Array(100).fill(10), ...Array(50).fill(120)]);
    const t = otsuThreshold(histogram(values));
    expect(t).toBeGreaterThanOrEqual(10);
    expect(t).toBeLessThan(120);
  });
  test('inkMask leaves H&E pink and purple alone', () => {
    const img = image(2, 1, (x) => (x === 0 ? PINK : PURPLE));
    expect(Array.from(inkMask(img))).toEqual([0, 0]);
  });
});
