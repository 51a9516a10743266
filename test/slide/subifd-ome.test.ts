// OME-TIFF: a SubIFD pyramid whose IFD 0 carries OME-XML (written by our TIFF writer, pyramided by
// `vips tiffsave --subifd`, which keeps the description): levels from the SubIFDs, MPP from PhysicalSizeX/Y.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openSlide } from '../../src/slide/index.js';
import { omeMpp } from '../../src/slide/tiff/ome-description.js';
import { TiffWriter } from '../../src/synth/tiff-writer.js';
import { makePattern, makeTempDir } from './fixtures.js';

const run = promisify(execFile);
let temp: Awaited<ReturnType<typeof makeTempDir>>;

const ome = (pixels: string): string =>
  '<?xml version="1.0" encoding="UTF-8"?><!-- Warning: this comment is an OME-XML metadata block --><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06">' +
  `<Image ID="Image:0" Name="slide"><Pixels ID="Pixels:0" DimensionOrder="XYCZT" Type="uint8" SizeC="3" SizeZ="1" SizeT="1" ${pixels}>` +
  '<Channel ID="Channel:0:0" SamplesPerPixel="3"/></Pixels></Image></OME>';

/** An uncompressed stripped RGB TIFF with `description`, pyramided into SubIFDs by vips (which keeps the description). */
async function writeOmeSubifd(name: string, description: string, extra: string[] = []): Promise<string> {
  const image = makePattern(1200, 900, 31);
  const base = join(temp.dir, `${name}-base.tif`);
  const writer = await TiffWriter.create(base);
  const strip = await writer.writeBlock(image.data);
  writer.addImage({ width: 1200, height: 900, compression: 'none', photometric: 'rgb', newSubfileType: 0, description, blocks: [strip] });
  await writer.finish('never');
  const out = join(temp.dir, `${name}.tif`);
  await run('vips', ['tiffsave', base, out, '--tile', '--pyramid', '--subifd', '--compression', 'jpeg', '--Q', '90', ...extra]);
  return out;
}

beforeAll(async () => {
  temp = await makeTempDir('subifd-ome');
});
afterAll(() => temp?.cleanup());

describe('omeMpp', () => {
  test.each([
    ['PhysicalSizeX="0.2525" PhysicalSizeY="0.2525"', { mppX: 0.2525, mppY: 0.2525 }],
    ['PhysicalSizeX="0.25" PhysicalSizeXUnit="µm" PhysicalSizeY="0.26" PhysicalSizeYUnit="µm"', { mppX: 0.25, mppY: 0.26 }],
    ['PhysicalSizeX="500" PhysicalSizeXUnit="nm" PhysicalSizeY="500" PhysicalSizeYUnit="nm"', { mppX: 0.5, mppY: 0.5 }],
    ['PhysicalSizeX="0.001" PhysicalSizeXUnit="mm"', { mppX: 1, mppY: 1 }],
  ])('%s', (pixels, expected) => {
    const got = omeMpp(ome(pixels));
    expect(got?.mppX).toBeCloseTo(expected.mppX, 12);
    expect(got?.mppY).toBeCloseTo(expected.mppY, 12);
  });

  test.each([
    ['no PhysicalSize', ome('SizeX="10"')],
    ['an unknown unit', ome('PhysicalSizeX="3" PhysicalSizeXUnit="furlong"')],
    ['a negative size', ome('PhysicalSizeX="-0.5"')],
    ['not OME-XML', 'Aperio Image Library v10 PhysicalSizeX="0.5"'],
    ['empty', ''],
  ])('%s: null', (_what, description) => {
    expect(omeMpp(description)).toBeNull();
  });
});

test('an OME-TIFF SubIFD pyramid: levels from the SubIFDs and MPP from OME-XML (resolution tags say 10 px/cm)', async () => {
  const path = await writeOmeSubifd('ome', ome('SizeX="1200" SizeY="900" PhysicalSizeX="0.2525" PhysicalSizeY="0.2525"'));
  expect((await run('vipsheader', ['-f', 'image-description', path])).stdout).toContain('<OME');
  const slide = await openSlide(path);
  try {
    expect(slide.info.format).toBe('generic-tiff');
    expect(slide.info.levels.map((l) => [l.width, l.height])).toEqual([
      [1200, 900],
      [600, 450],
      [300, 225],
      [150, 112],
      [75, 56],
    ]);
    expect(slide.info).toMatchObject({ mppX: 0.2525, mppY: 0.2525, mppSource: 'ome' });
  } finally {
    await slide.close();
  }
});

test('OME-XML without a physical size falls back to the resolution tags', async () => {
  const path = await writeOmeSubifd('ome-nosize', ome('SizeX="1200" SizeY="900"'), ['--xres', '4000', '--yres', '4000']);
  const slide = await openSlide(path);
  try {
    expect(slide.info).toMatchObject({ mppX: 0.25, mppY: 0.25, mppSource: 'tiff-resolution' });
    expect(slide.info.levels.length).toBe(5);
  } finally {
    await slide.close();
  }
});
