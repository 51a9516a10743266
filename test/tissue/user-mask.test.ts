// Tests of src/tissue/user-mask.ts on real files: `_2`/Exclusion polygons are holes, unknown groups,
// empty masks and PNGs of the wrong aspect ratio are errors naming the mask file.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { applyUserMask, readUserMask } from '../../src/tissue/index.js';
import { makeTempDir } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('user-mask');
});
afterAll(() => tmp?.cleanup());

// A 1000 x 500 level-0 slide seen as a 100 x 50 mask (10 level-0 px per mask pixel).
const geometry = { width: 100, height: 50, scaleX: 10, scaleY: 10 };
const rect = (group: string, x0: number, y0: number, x1: number, y1: number) =>
  `<Annotation Name="${group}" Type="Polygon" PartOfGroup="${group}"><Coordinates><Coordinate Order="0" X="${x0}" Y="${y0}" /><Coordinate Order="1" X="${x1}" Y="${y0}" /><Coordinate Order="2" X="${x1}" Y="${y1}" /><Coordinate Order="3" X="${x0}" Y="${y1}" /></Coordinates></Annotation>`;
const asap = (...annotations: string[]) => `<ASAP_Annotations><Annotations>${annotations.join('')}</Annotations></ASAP_Annotations>`;
const count = (data: Uint8Array) => data.reduce((a, b) => a + b, 0);

async function write(name: string, text: string): Promise<string> {
  const file = join(tmp.dir, name);
  await writeFile(file, text);
  return file;
}

describe('polygon masks', () => {
  test('a CAMELYON16 `_2` polygon is a hole in the `_0` area, not more mask', async () => {
    // `_0` covers mask pixels 10..59 x 10..39 (50 x 30 = 1500); `_2` cuts 20..29 x 20..29 (100).
    const file = await write('hole.xml', asap(rect('_0', 100, 100, 600, 400), rect('_2', 200, 200, 300, 300)));
    const m = await readUserMask(file, geometry);
    expect(count(m.data)).toBe(1400);
    expect([m.data[15 * 100 + 15], m.data[25 * 100 + 25]]).toEqual([1, 0]);
  });

  test('--exclude-groups and --tumour-groups change what is kept and cut', async () => {
    const file = await write('groups.xml', asap(rect('keep', 100, 100, 600, 400), rect('cut', 200, 200, 300, 300)));
    const m = await readUserMask(file, geometry, { tumour: ['keep'], exclude: ['cut'] });
    expect(count(m.data)).toBe(1400);
  });

  test('a group that is neither kept nor cut is an error naming the file and the group', async () => {
    const file = await write('roi.xml', asap(rect('_0', 100, 100, 600, 400), rect('ROI', 0, 0, 50, 50)));
    await expect(readUserMask(file, geometry)).rejects.toMatchObject({
      code: 'MASK_INVALID',
      file,
      message: `${file}: annotation group(s) "ROI" are neither included (_0,_1,Tumor,metastases) nor subtracted (_2,Exclusion)`,
      hint: 'Add them to --tumour-groups (keep) or --exclude-groups (cut out), e.g. --tumour-groups _0,_1,Tumor,metastases,ROI',
    });
  });

  test('polygons outside the slide select nothing: MASK_EMPTY naming the file', async () => {
    const file = await write('outside.xml', asap(rect('_0', 5000, 5000, 6000, 6000)));
    await expect(readUserMask(file, geometry)).rejects.toMatchObject({
      code: 'MASK_EMPTY',
      file,
      message: `${file}: the mask selects nothing on this slide`,
    });
  });

  test('a mask that misses the detected tissue (restrict) is MASK_EMPTY naming the file', async () => {
    const file = await write('elsewhere.xml', asap(rect('_0', 0, 0, 100, 100)));
    const auto = { width: 100, height: 50, data: new Uint8Array(5000).fill(0).fill(1, 2500) };
    await expect(applyUserMask(auto, file, geometry, 'restrict')).rejects.toMatchObject({ code: 'MASK_EMPTY', file });
    // With replace, the mask is the tissue: 10 x 10 pixels kept.
    expect(count((await applyUserMask(auto, file, geometry, 'replace')).data)).toBe(100);
  });

  test('unparseable XML is an error naming the file', async () => {
    const file = await write('broken.xml', '<Other/>');
    await expect(readUserMask(file, geometry)).rejects.toMatchObject({
      code: 'MASK_INVALID',
      file,
      message: `${file}: Expected an <ASAP_Annotations> root element`,
    });
  });
});

describe('PNG masks', () => {
  async function png(name: string, width: number, height: number, white: boolean): Promise<string> {
    const file = join(tmp.dir, name);
    await sharp({ create: { width, height, channels: 3, background: white ? '#fff' : '#000' } })
      .png()
      .toFile(file);
    return file;
  }

  test('a PNG of the slide aspect (within 2%) is stretched over the slide', async () => {
    const file = await png('ok.png', 202, 100, true);
    expect(count((await readUserMask(file, geometry)).data)).toBe(5000);
  });

  test('a PNG whose aspect differs from the slide by more than 2% is refused, naming the file', async () => {
    const file = await png('square.png', 100, 100, true);
    await expect(readUserMask(file, geometry)).rejects.toMatchObject({
      code: 'MASK_INVALID',
      file,
      message: `${file}: the PNG mask is 100x100 (aspect 1.000) but the slide is 1000x500 (aspect 2.000); a PNG mask must cover the whole slide`,
    });
  });

  test('an all-black PNG selects nothing: MASK_EMPTY naming the file', async () => {
    const file = await png('black.png', 200, 100, false);
    await expect(readUserMask(file, geometry)).rejects.toMatchObject({ code: 'MASK_EMPTY', file });
  });

  test('a file that is not a PNG is an error naming the file', async () => {
    const file = await write('fake.png', 'not a png');
    await expect(readUserMask(file, geometry)).rejects.toMatchObject({
      code: 'MASK_INVALID',
      file,
      message: expect.stringMatching(/^.*fake\.png: could not read the mask: /),
    });
  });
});
