import { expect, test } from 'vitest';
import { decodeGrid, encodeGrid } from '../../src/grid/index.js';

test('grid files round-trip coordinates and tissue fractions', () => {
  const coords = Int32Array.from([0, 0, 224, 0, 99_776, 79_776]);
  const tissue = Float32Array.from([1, 0.5, 0.25]);
  const bytes = encodeGrid({ coords, tissue });
  expect(bytes.byteLength).toBe(16 + 3 * 12);
  const back = decodeGrid(bytes);
  expect(Array.from(back.coords)).toEqual(Array.from(coords));
  expect(Array.from(back.tissue)).toEqual([1, 0.5, 0.25]);
});

test('a truncated grid file is refused with its name', () => {
  const bytes = encodeGrid({ coords: Int32Array.from([1, 2]), tissue: Float32Array.from([1]) });
  expect(() => decodeGrid(bytes.subarray(0, 20), 'run/grids/a.grid')).toThrow(/run\/grids\/a\.grid: grid file is 20 bytes, expected 28/);
  expect(() => decodeGrid(new Uint8Array(32), 'x.grid')).toThrow(/not a wsi-hpc grid file/);
});
