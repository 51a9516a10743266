// discoverSlideFiles on a folder holding every extension either backend reads, multi-file slides (an MRXS
// file with its companion folder, DICOM folders) and whole-slide formats neither backend reads.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { discoverSlideFiles, NATIVE_EXTENSIONS, OPENSLIDE_EXTENSIONS, type SkippedEntry } from '../../src/plan/index.js';
import { makeTempDir, SYSTEM_PYTHON } from '../slide/fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let d: string;

const SLIDES = [...NATIVE_EXTENSIONS, ...OPENSLIDE_EXTENSIONS].map((ext) => `slide${ext}`);

beforeAll(async () => {
  tmp = await makeTempDir('discover-formats');
  d = join(tmp.dir, 'cohort');
  await mkdir(d);
  // Empty or fake files: discovery goes by name; reading them is plan's job.
  for (const f of [...SLIDES, 'UPPER.NDPI', 'lonely.mrxs', 'notes.txt', 'scan.czi', 'scan.isyntax']) await writeFile(join(d, f), 'fake');
  // 3DHistech MIRAX: case.mrxs plus the folder case/ with Slidedat.ini and the .dat files.
  await writeFile(join(d, 'case.mrxs'), '');
  await mkdir(join(d, 'case'));
  for (const f of ['Slidedat.ini', 'Data0000.dat', 'Index.dat']) await writeFile(join(d, 'case', f), '');
  // A DICOM WSI: a folder of .dcm files; and two loose .dcm files of one series.
  await mkdir(join(d, 'dicom-wsi'));
  for (const f of ['b.dcm', 'a.dcm', 'c.dcm']) await writeFile(join(d, 'dicom-wsi', f), '');
  for (const f of ['s1.dcm', 's2.DCM']) await writeFile(join(d, f), '');
  await mkdir(join(d, 'plain-folder'));
});
afterAll(() => tmp?.cleanup());

const rel = (p: string) => p.slice(d.length + 1);
const reasons = (skipped: SkippedEntry[]) => skipped.map((s) => [rel(s.path), s.reason]);

describe('discovery of every slide format', () => {
  test('every extension either backend reads is a slide; an MRXS and its folder are one slide, the folder not skipped', async () => {
    const r = await discoverSlideFiles([d], { openSlideVersion: async () => '3.4.1' });
    expect(r.slides.map(rel)).toEqual([...SLIDES, 'UPPER.NDPI', 'case.mrxs', 'lonely.mrxs'].sort());
    expect(r.skipped.map((s) => rel(s.path))).not.toContain('case');
    expect(reasons(r.skipped)).toEqual([
      ['dicom-wsi', 'needs-openslide-4'],
      ['notes.txt', 'unsupported-format'],
      ['plain-folder', 'directory'],
      ['s1.dcm', 'needs-openslide-4'],
      ['s2.DCM', 'needs-openslide-4'],
      ['scan.czi', 'unsupported-format'],
      ['scan.isyntax', 'unsupported-format'],
    ]);
  });

  test('unsupported files say why: formats neither backend reads, and what slides are', async () => {
    const detail = new Map((await discoverSlideFiles([d])).skipped.map((s) => [rel(s.path), s.detail]));
    expect(detail.get('scan.czi')).toBe(
      'unsupported format .czi (Zeiss CZI: neither the built-in TIFF reader nor OpenSlide reads it; convert it to a pyramidal TIFF)',
    );
    expect(detail.get('scan.isyntax')).toMatch(/^unsupported format \.isyntax \(Philips iSyntax: neither the built-in TIFF reader nor/);
    expect(detail.get('notes.txt')).toBe(
      'unsupported format .txt (slides are .svs .tif .tiff .btf .tf8 .tf2 .ndpi .vms .vmu .scn .mrxs .bif .svslide)',
    );
  });

  test('DICOM is skipped with its reason when the OpenSlide found is older than 4.0 or missing', async () => {
    const old = await discoverSlideFiles([d], { openSlideVersion: async () => '3.4.1' });
    const detail = new Map(old.skipped.map((s) => [rel(s.path), s.detail]));
    expect(detail.get('dicom-wsi')).toBe(
      'a DICOM slide folder (3 .dcm files): needs OpenSlide 4 (DICOM); the OpenSlide found is 3.4.1 (install OpenSlide >= 4.0, or convert it to a pyramidal TIFF)',
    );
    expect(detail.get('s1.dcm')).toMatch(/^a DICOM file: needs OpenSlide 4 \(DICOM\); the OpenSlide found is 3\.4\.1/);
    const none = await discoverSlideFiles([d], { openSlideVersion: async () => null });
    expect(none.skipped.find((s) => rel(s.path) === 'dicom-wsi')?.detail).toMatch(
      /needs OpenSlide 4 \(DICOM\); no OpenSlide library was found/,
    );
  });

  test('with OpenSlide 4 a folder of .dcm files is one slide (its first file), loose .dcm files of a folder too', async () => {
    let asked = 0;
    const r = await discoverSlideFiles([d], {
      openSlideVersion: async () => {
        asked++;
        return '4.0.0';
      },
    });
    expect(asked).toBe(1);
    expect(r.slides.map(rel)).toEqual(expect.arrayContaining(['dicom-wsi/a.dcm', 's1.dcm']));
    expect(r.slides.map(rel)).not.toContain('dicom-wsi/b.dcm');
    expect(r.slides.map(rel)).not.toContain('s2.DCM');
    expect(reasons(r.skipped).filter(([, why]) => why === 'needs-openslide-4')).toEqual([]);
  });

  test('OpenSlide is not asked about when no .dcm file is seen', async () => {
    let asked = 0;
    await discoverSlideFiles([join(d, 'slide.svs'), join(d, 'case.mrxs')], {
      openSlideVersion: async () => {
        asked++;
        return null;
      },
    });
    expect(asked).toBe(0);
  });

  test('by default the version is the OpenSlide the backend loads (Python OpenSlide names the same system library)', async () => {
    const system = execFileSync(SYSTEM_PYTHON, ['-c', 'import openslide; print(openslide.__library_version__)'], {
      encoding: 'utf8',
    }).trim();
    const r = await discoverSlideFiles([d]);
    if (Number.parseInt(system, 10) >= 4) expect(r.slides.map(rel)).toContain('dicom-wsi/a.dcm');
    else expect(r.skipped.find((s) => rel(s.path) === 'dicom-wsi')?.detail).toContain(`the OpenSlide found is ${system} `);
  });

  test('a glob over the folder treats the MRXS companion folder the same way', async () => {
    const r = await discoverSlideFiles([join(d, 'ca*')]);
    expect(r.slides.map(rel)).toEqual(['case.mrxs']);
    expect(r.skipped).toEqual([]);
  });
});
