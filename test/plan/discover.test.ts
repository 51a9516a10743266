// discoverSlideFiles on a real folder holding every kind of entry a cohort folder can hold: slides,
// a symlinked slide, other formats, a folder named like a slide, dangling symlinks, symlink loops and a FIFO.
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { discoverSlideFiles, type SkippedEntry } from '../../src/plan/index.js';
import { makeTempDir } from '../slide/fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let d: string;

beforeAll(async () => {
  tmp = await makeTempDir('discover');
  d = join(tmp.dir, 'cohort');
  await mkdir(join(d, 'x.svs'), { recursive: true });
  await mkdir(join(d, 'sub'));
  for (const f of ['a.svs', 'B.TIF', 'c.ndpi', 'd.mrxs', 'notes.txt', 'README']) await writeFile(join(d, f), 'x');
  await symlink('a.svs', join(d, 'link.svs'));
  await symlink('missing.svs', join(d, 'dangling.svs'));
  await symlink('self.svs', join(d, 'self.svs'));
  await symlink('ping.tif', join(d, 'pong.tif'));
  await symlink('pong.tif', join(d, 'ping.tif'));
  await symlink('..', join(d, 'sub', 'up'));
  execFileSync('mkfifo', [join(d, 'fifo.svs')]);
});
afterAll(() => tmp?.cleanup());

const reasons = (skipped: SkippedEntry[]) => skipped.map((s) => [s.path.slice(d.length + 1), s.reason]);

describe('discoverSlideFiles', () => {
  test('a folder gives its slides and every other entry with the reason it was skipped', async () => {
    const r = await discoverSlideFiles([d]);
    // .ndpi and .mrxs are slides OpenSlide reads: discovered, and plan says if OpenSlide cannot read them.
    expect(r.slides).toEqual([join(d, 'B.TIF'), join(d, 'a.svs'), join(d, 'c.ndpi'), join(d, 'd.mrxs'), join(d, 'link.svs')]);
    expect(reasons(r.skipped)).toEqual([
      ['README', 'unsupported-format'],
      ['dangling.svs', 'dangling-symlink'],
      ['fifo.svs', 'special-file'],
      ['notes.txt', 'unsupported-format'],
      ['ping.tif', 'symlink-loop'],
      ['pong.tif', 'symlink-loop'],
      ['self.svs', 'symlink-loop'],
      ['sub', 'directory'],
      ['x.svs', 'directory'],
    ]);
    const detail = new Map(r.skipped.map((s) => [s.path.slice(d.length + 1), s.detail]));
    expect(detail.get('notes.txt')).toBe(
      'unsupported format .txt (slides are .svs .tif .tiff .btf .tf8 .tf2 .ndpi .vms .vmu .scn .mrxs .bif .svslide)',
    );
    expect(detail.get('README')).toMatch(/^unsupported format \(no extension\)/);
    expect(detail.get('dangling.svs')).toBe('dangling symlink to `missing.svs`, which does not exist');
    expect(detail.get('self.svs')).toBe('symlink loop (too many levels of symbolic links)');
    expect(detail.get('x.svs')).toMatch(/^a directory named like a slide/);
    expect(detail.get('sub')).toMatch(/^a directory \(folders are not searched recursively/);
  });

  test('a glob reports the broken links, folders and other formats it matched instead of dropping them', async () => {
    const svs = await discoverSlideFiles([join(d, '*.svs')]);
    expect(svs.slides).toEqual([join(d, 'a.svs'), join(d, 'link.svs')]);
    expect(reasons(svs.skipped)).toEqual([
      ['dangling.svs', 'dangling-symlink'],
      ['self.svs', 'symlink-loop'],
      ['x.svs', 'directory'],
    ]);
    const all = await discoverSlideFiles([join(d, '*')]);
    expect(all.slides).toEqual([join(d, 'B.TIF'), join(d, 'a.svs'), join(d, 'c.ndpi'), join(d, 'd.mrxs'), join(d, 'link.svs')]);
    expect(reasons(all.skipped)).toEqual(
      expect.arrayContaining([
        ['README', 'unsupported-format'],
        ['notes.txt', 'unsupported-format'],
        ['sub', 'directory'],
      ]),
    );
  });

  test('a recursive glob through a symlink loop ends', async () => {
    const r = await discoverSlideFiles([join(tmp.dir, '**/*.svs')]);
    expect(r.slides).toEqual(expect.arrayContaining([join(d, 'a.svs'), join(d, 'link.svs')]));
  }, 10_000);

  test('a slide named twice (folder and file) is listed once and not as skipped', async () => {
    const r = await discoverSlideFiles([d, join(d, 'a.svs'), join(d, '*.svs')]);
    expect(r.slides.filter((s) => s === join(d, 'a.svs'))).toHaveLength(1);
    expect(r.skipped.map((s) => s.path)).not.toContain(join(d, 'a.svs'));
  });

  test('a folder with no slides is INVALID_OPTION listing what was skipped and why', async () => {
    const only = join(tmp.dir, 'no-slides');
    await mkdir(join(only, 'y.svs'), { recursive: true });
    await writeFile(join(only, 'scan.czi'), 'x');
    await symlink('gone.tif', join(only, 'gone-link.tif'));
    await expect(discoverSlideFiles([only])).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(
        /No slides found in .*no-slides.*skipped 3: .*gone-link\.tif: dangling symlink to `gone\.tif`.*scan\.czi: unsupported format \.czi.*y\.svs: a directory named like a slide/,
      ),
    });
  });

  test.each([
    ['a dangling symlink', 'dangling.svs', /`.*dangling\.svs` \(dangling symlink to `missing\.svs`/],
    ['a symlink loop', 'self.svs', /`.*self\.svs` \(symlink loop/],
    ['a missing path', 'nothing-here.svs', /No such slide file, folder or match: `.*nothing-here\.svs`$/],
  ])('naming %s as an argument is INVALID_OPTION saying so', async (_what, name, message) => {
    await expect(discoverSlideFiles([join(d, name)])).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(message),
    });
  });
});
