// Tests of src/synth/synth-options.ts: defaults, derived paths and every validation message.
import { expect, test } from 'vitest';
import { SYNTH_DEFAULTS, normalizeSynthCohortOptions, normalizeSynthSlideOptions } from '../../src/synth/index.js';

test('defaults fill every option and the sidecar goes next to the slide', () => {
  const config = normalizeSynthSlideOptions({ path: '/x/slide-1.svs' });
  expect(config).toMatchObject({
    ...SYNTH_DEFAULTS,
    path: '/x/slide-1.svs',
    sidecarPath: '/x/slide-1.geometry.json',
    annotationsPath: null,
  });
  expect(Object.isFrozen(config)).toBe(true);
});

test('undefined options do not override defaults', () => {
  expect(normalizeSynthSlideOptions({ path: 'a.tif', width: undefined }).width).toBe(SYNTH_DEFAULTS.width);
});

test.each([
  [{ width: 10 }, 'Expected `width` to be an integer from 64 to 1000000, received `10` (number)'],
  [{ height: 1.5 }, 'Expected `height` to be an integer from 64 to 1000000, received `1.5` (number)'],
  [{ mppX: 0 }, 'Expected `mppX` to be a number from 0.05 to 20 microns per pixel, received `0` (number)'],
  [{ flavour: 'ndpi' }, "Expected `flavour` to be one of 'generic', 'aperio', received `ndpi` (string)"],
  [{ tileSize: 200 }, 'Expected `tileSize` to be a multiple of 16, received `200` (number)'],
  [{ quality: 101 }, 'Expected `quality` to be an integer from 1 to 100, received `101` (number)'],
  [{ chromaSubsampling: '4:2:2' }, "Expected `chromaSubsampling` to be one of '4:2:0', '4:4:4', received `4:2:2` (string)"],
  [{ bigTiff: 'yes' }, "Expected `bigTiff` to be one of 'auto', 'always', 'never', received `yes` (string)"],
  [{ concurrency: 0 }, 'Expected `concurrency` to be an integer from 1 to 64, received `0` (number)'],
  [{ seed: -1 }, 'Expected `seed` to be an integer from 0 to 4294967295, received `-1` (number)'],
])('normalizeSynthSlideOptions refuses %o', (bad, message) => {
  expect(() => normalizeSynthSlideOptions({ path: 'a.tif', ...(bad as object) })).toThrow(message);
});

test('several problems are reported together', () => {
  expect(() => normalizeSynthSlideOptions({ path: '', width: 1 })).toThrow(/^2 invalid options:\n {2}Expected `path`/);
});

test.each([
  [{ slides: 0 }, 'Expected `slides` to be an integer from 1 to 10000, received `0` (number)'],
  [{ flavour: 'svs' }, "Expected `flavour` to be one of 'mixed', 'generic', 'aperio', received `svs` (string)"],
])('normalizeSynthCohortOptions refuses %o', (bad, message) => {
  expect(() => normalizeSynthCohortOptions({ outDir: 'c', ...(bad as object) })).toThrow(message);
});
