// readSlideList on real files: CSV lists (quotes, commas, newlines, BOM, CRLF, slide/path/wsi columns),
// plain lists (one path per line, # comments), and every refusal naming the file and the lines.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WsiHpcError } from '../../src/errors.js';
import { readSlideList } from '../../src/plan/index.js';
import { makeTempDir } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let dir: string;
let n = 0;

beforeAll(async () => {
  tmp = await makeTempDir('slide-list');
  dir = tmp.dir;
  await mkdir(join(dir, 'slides'));
  await mkdir(join(dir, 'lists'));
  for (const name of ['a.svs', 'b.tif', 'c d.svs', 'e,f.tiff']) await writeFile(join(dir, 'slides', name), 'x');
});
afterAll(() => tmp?.cleanup());

// A list file with a fresh name under lists/ (slides are at ../slides relative to it).
async function list(text: string, ext = '.csv'): Promise<string> {
  const file = join(dir, 'lists', `list-${++n}${ext}`);
  await writeFile(file, text);
  return file;
}

async function refusal(file: string): Promise<WsiHpcError> {
  const err = await readSlideList(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WsiHpcError);
  const e = err as WsiHpcError;
  expect(e.code).toBe('INVALID_OPTION');
  expect(e.file).toBe(file);
  expect(e.message.startsWith(`--slides-from ${file}: `)).toBe(true);
  expect(e.hint).toBeTruthy();
  return e;
}

describe('CSV lists', () => {
  test('quoted fields with commas, doubled quotes and a newline, a BOM and CRLF; paths relative to the list', async () => {
    const text =
      '\ufeffSlide,diagnosis,"note, free"\r\n../slides/a.svs,"carcinoma, ductal","say ""hi""\r\nline 2"\r\n"../slides/e,f.tiff",normal,\r\n';
    const file = await list(text);
    const l = await readSlideList(file);
    expect(l.file).toBe(file);
    expect(l.columns).toEqual(['diagnosis', 'note, free']);
    expect(l.entries).toEqual([
      { path: join(dir, 'slides', 'a.svs'), metadata: { diagnosis: 'carcinoma, ductal', 'note, free': 'say "hi"\r\nline 2' }, line: 2 },
      { path: join(dir, 'slides', 'e,f.tiff'), metadata: { diagnosis: 'normal', 'note, free': '' }, line: 4 },
    ]);
  });

  test.each(['slide', 'PATH', 'wsi'])('the slide column may be named %s (any case), anywhere in the header', async (name) => {
    const file = await list(`id,${name}\n7,${join(dir, 'slides', 'b.tif')}\n8, ../slides/c d.svs \n`);
    const l = await readSlideList(file);
    expect(l.columns).toEqual(['id']);
    expect(l.entries.map((e) => [e.path, e.metadata.id, e.line])).toEqual([
      [join(dir, 'slides', 'b.tif'), '7', 2],
      [join(dir, 'slides', 'c d.svs'), '8', 3],
    ]);
  });

  test("TRIDENT's --custom_list_of_wsis CSV (wsi, mpp) reads with mpp kept as metadata", async () => {
    const file = await list('wsi,mpp\n../slides/a.svs,0.25\n../slides/b.tif,0.5\n');
    const l = await readSlideList(file);
    expect(l.columns).toEqual(['mpp']);
    expect(l.entries.map((e) => e.metadata.mpp)).toEqual(['0.25', '0.5']);
  });

  test('hostile values stay text; blank and all-empty rows are skipped; a __proto__ column is data', async () => {
    const file = await list('slide,__proto__,x\n../slides/a.svs,=cmd(),$(touch /tmp/x)\n\n,,\n');
    const l = await readSlideList(file);
    expect(l.entries).toHaveLength(1);
    expect(Object.entries(l.entries[0].metadata)).toEqual([
      ['__proto__', '=cmd()'],
      ['x', '$(touch /tmp/x)'],
    ]);
    expect(Object.getPrototypeOf(l.entries[0].metadata)).toBe(Object.prototype);
  });
});

describe('plain lists', () => {
  test('one path per line (any extension but .csv): blank lines and # comments ignored, whitespace trimmed, CRLF', async () => {
    const file = await list(
      `# cohort A\r\n../slides/a.svs\r\n\r\n  ${join(dir, 'slides', 'e,f.tiff')}  \r\n#../slides/b.tif\r\n../slides/c d.svs`,
      '.txt',
    );
    const l = await readSlideList(file);
    expect(l.columns).toEqual([]);
    expect(l.entries).toEqual([
      { path: join(dir, 'slides', 'a.svs'), metadata: {}, line: 2 },
      { path: join(dir, 'slides', 'e,f.tiff'), metadata: {}, line: 4 },
      { path: join(dir, 'slides', 'c d.svs'), metadata: {}, line: 6 },
    ]);
  });

  test('a file without an extension is a plain list too', async () => {
    const l = await readSlideList(await list('../slides/b.tif\n', ''));
    expect(l.entries.map((e) => e.path)).toEqual([join(dir, 'slides', 'b.tif')]);
  });
});

describe('refusals', () => {
  test('a list that does not exist, and a folder given as the list', async () => {
    expect((await refusal(join(dir, 'lists', 'nope.csv'))).message).toMatch(/: no such file$/);
    await mkdir(join(dir, 'lists', 'folder.csv'));
    expect((await refusal(join(dir, 'lists', 'folder.csv'))).message).toMatch(/: is a folder, not a list$/);
  });

  test('a CSV without a slide column names the columns found and says how to name it', async () => {
    const file = await list('name,diagnosis\n../slides/a.svs,x\n');
    const e = await refusal(file);
    expect(e.message).toBe(
      `--slides-from ${file}: line 1: the header has no slide column (slide, path, wsi); its columns are \`name\`, \`diagnosis\``,
    );
    expect(e.hint).toMatch(/does not end in \.csv/);
  });

  test('a CSV with both a slide and a path column is ambiguous', async () => {
    const file = await list('slide,Path\n../slides/a.svs,../slides/b.tif\n');
    expect((await refusal(file)).message).toBe(
      `--slides-from ${file}: line 1: the header has 2 slide columns (\`slide\`, \`Path\`); it is unclear which holds the slides`,
    );
  });

  test.each([
    ['an unnamed column', 'slide,,x\n', 'line 1: column 2 of the header has no name'],
    ['a repeated column', 'slide,x,x\n', 'line 1: column `x` appears twice (columns 2 and 3)'],
    ['an empty file', '', 'line 1: no header (the first line must name the columns)'],
    ['a quote never closed', 'slide,x\n../slides/a.svs,"open\n', 'line 2: not valid CSV: the quote opened on line 2 is never closed'],
  ])('a CSV with %s', async (_name, text, message) => {
    const file = await list(text);
    expect((await refusal(file)).message).toBe(`--slides-from ${file}: ${message}`);
  });

  test('every bad row at once, in line order: missing slides, field counts, an empty path, a slide listed twice', async () => {
    const text = [
      'slide,diagnosis',
      '../slides/a.svs,x',
      '../slides/missing-1.svs,x',
      '../slides/b.tif,x,extra',
      ',x',
      '../slides/a.svs,again',
      '../slides,x',
      '/no/such/missing-2.svs,x',
      '../slides/b.tif',
    ].join('\n');
    const file = await list(text);
    const e = await refusal(file);
    expect(e.message).toBe(
      [
        `--slides-from ${file}: 7 problems in the list:`,
        `  line 3: \`../slides/missing-1.svs\` (${join(dir, 'slides', 'missing-1.svs')}) does not exist`,
        '  line 4: 3 field(s), but the header has 2',
        '  line 5: no slide path (the `slide` field is empty)',
        '  line 6: `../slides/a.svs` is listed again (first on line 2)',
        `  line 7: \`../slides\` (${join(dir, 'slides')}) is a folder, not a slide file`,
        '  line 8: `/no/such/missing-2.svs` (/no/such/missing-2.svs) does not exist',
        '  line 9: 1 field(s), but the header has 2',
      ].join('\n'),
    );
    expect(e.hint).toBe(`Fix or remove the lines named; relative paths are relative to the list's folder (${join(dir, 'lists')}).`);
  });

  test('a plain list: a dangling symlink and a repeat (same file, other spelling); a first line like a header hints at .csv', async () => {
    await symlink(join(dir, 'gone.svs'), join(dir, 'slides', 'dangling.svs'));
    const file = await list('slide,diagnosis\n../slides/dangling.svs\n../slides/a.svs\n./../slides/a.svs\n', '.txt');
    const e = await refusal(file);
    expect(e.message.split('\n').slice(1)).toEqual([
      `  line 1: \`slide,diagnosis\` (${join(dir, 'lists', 'slide,diagnosis')}) does not exist`,
      `  line 2: \`../slides/dangling.svs\` (${join(dir, 'slides', 'dangling.svs')}) does not exist`,
      '  line 4: `./../slides/a.svs` is listed again (first on line 3)',
    ]);
    expect(e.hint).toMatch(/rename it to \.csv to read its first line as a header/);
  });

  test.each([
    ['a CSV with a header only', 'slide,diagnosis\r\n\r\n', '.csv', 'Add one row per slide under the header'],
    ['a plain list of comments', '# nothing yet\n\n', '.txt', 'Add one slide path per line (lines starting with # are comments)'],
  ])('%s names no slides', async (_name, text, ext, hint) => {
    const file = await list(text, ext);
    const e = await refusal(file);
    expect(e.message).toBe(`--slides-from ${file}: the list names no slides`);
    expect(e.hint).toBe(hint);
  });
});
