// `--slides-from` refusals through the built CLI: each bad list exits 2 before anything is written, with
// the list file and the bad lines in the message (text and --json) and a hint; `plan`/`study` without
// slides exit 2; --help shows the option and an example.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execa } from 'execa';
import { BIN, cli, makeTempDir, parseJson, pathExists } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let run: string;

beforeAll(async () => {
  tmp = await makeTempDir('slides-from-cli');
  await mkdir(join(tmp.dir, 'slides'));
  for (const name of ['a.svs', 'b.tif']) await writeFile(join(tmp.dir, 'slides', name), 'not read: the list is refused first');
  run = join(tmp.dir, 'run');
});
afterAll(() => tmp?.cleanup());

async function listFile(name: string, text: string): Promise<string> {
  const file = join(tmp.dir, name);
  await writeFile(file, text);
  return file;
}

const CASES: Array<[string, string, string, (file: string) => string]> = [
  [
    'no slide column',
    'no-column.csv',
    'name,diagnosis\nslides/a.svs,x\n',
    () => 'line 1: the header has no slide column (slide, path, wsi)',
  ],
  ['a slide and a path column', 'both.csv', 'slide,path\nslides/a.svs,slides/b.tif\n', () => 'line 1: the header has 2 slide columns'],
  [
    'rows with more and fewer fields',
    'fields.csv',
    'slide,x\nslides/a.svs,1,2\nslides/b.tif\n',
    () => 'line 2: 3 field(s), but the header has 2\n  line 3: 1 field(s)',
  ],
  [
    'a slide listed twice',
    'twice.txt',
    'slides/a.svs\n# again:\nslides/a.svs\n',
    () => 'line 3: `slides/a.svs` is listed again (first on line 1)',
  ],
  [
    'two missing slides',
    'missing.csv',
    'slide\nslides/a.svs\nslides/nope-1.svs\nslides/nope-2.svs\n',
    () =>
      `2 problems in the list:\n  line 3: \`slides/nope-1.svs\` (${join(tmp.dir, 'slides', 'nope-1.svs')}) does not exist\n  line 4: \`slides/nope-2.svs\``,
  ],
  ['an empty list', 'empty.txt', '\n# none\n', () => 'the list names no slides'],
];

describe('wsi-hpc plan --slides-from refuses a bad list with exit 2, writing nothing', () => {
  test.each(CASES)('%s', async (_name, name, text, part) => {
    const file = await listFile(name, text);
    const r = await cli(['plan', '--slides-from', file, '--out', run]);
    expect(r.exitCode, String(r.stderr)).toBe(2);
    expect(String(r.stderr)).toContain(`error: --slides-from ${file}: `);
    expect(String(r.stderr)).toContain(part(file));
    expect(String(r.stderr)).toMatch(/\nhint: \S/);
    expect(await pathExists(run)).toBe(false);
    const j = await cli(['plan', '--slides-from', file, '--out', run, '--json']);
    expect(j.exitCode).toBe(2);
    const { error } = parseJson(j);
    expect([error.code, error.file]).toEqual(['INVALID_OPTION', file]);
    expect(error.message).toContain(part(file));
    expect(error.hint).toBeTruthy();
  });

  test('a list that does not exist', async () => {
    const file = join(tmp.dir, 'absent.csv');
    const r = await cli(['plan', '--slides-from', file, '--out', run, '--json']);
    expect(r.exitCode).toBe(2);
    expect(parseJson(r).error).toMatchObject({ code: 'INVALID_OPTION', message: `--slides-from ${file}: no such file`, file });
    expect(await pathExists(run)).toBe(false);
  });

  test('a relative --slides-from is relative to the current folder; its paths to the list folder', async () => {
    await mkdir(join(tmp.dir, 'lists'));
    await listFile('lists/rel.csv', 'slide\n../slides/a.svs\nslides/a.svs\n');
    const r = await cli(['plan', '--slides-from', 'lists/rel.csv', '--out', run, '--json'], { cwd: tmp.dir });
    expect(r.exitCode).toBe(2);
    expect(parseJson(r).error.message).toBe(
      `--slides-from ${join(tmp.dir, 'lists', 'rel.csv')}: 1 problem in the list:\n  line 3: \`slides/a.svs\` (${join(tmp.dir, 'lists', 'slides', 'a.svs')}) does not exist`,
    );
  });
});

test('a pipe as the list (bash process substitution): its relative paths are relative to the current folder', async () => {
  const r = await execa(
    'bash',
    ['-c', `node "$1" plan --slides-from <(printf 'slides/a.svs\\nslides/nope.svs\\n') --out run --json`, 'bash', BIN],
    {
      cwd: tmp.dir,
      reject: false,
    },
  );
  expect(r.exitCode).toBe(2);
  const { error } = JSON.parse(String(r.stdout));
  expect(error.message).toMatch(/^--slides-from \/\S+: 1 problem in the list:\n {2}line 2: /);
  expect(error.message.split('\n')[1]).toBe(`  line 2: \`slides/nope.svs\` (${join(tmp.dir, 'slides', 'nope.svs')}) does not exist`);
  expect(error.hint).toBe(
    `Fix or remove the lines named; relative paths are relative to the current folder (${tmp.dir}), the list being a pipe.`,
  );
});

describe('commands that take slides need SLIDES or --slides-from', () => {
  test('plan without either exits 2', async () => {
    const r = await cli(['plan', '--out', run]);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toContain('error: `wsi-hpc plan` needs slides: give SLIDES (files, folders or globs) or --slides-from FILE');
    expect(await pathExists(run)).toBe(false);
  });

  test('study without either exits 2; with a bad list, the list is refused', async () => {
    const base = ['study', '--annotations', tmp.dir, '--model', join(tmp.dir, 'm.onnx'), '--out', join(tmp.dir, 'study')];
    const r = await cli([...base, '--json']);
    expect(r.exitCode).toBe(2);
    expect(parseJson(r).error.message).toBe('`wsi-hpc study` needs slides: give SLIDES (files, folders or globs) or --slides-from FILE');
    const file = await listFile('study.csv', 'slide\nslides/gone.svs\n');
    const bad = await cli([...base, '--slides-from', file, '--json']);
    expect(bad.exitCode).toBe(2);
    expect(parseJson(bad).error.message).toContain('line 2: `slides/gone.svs`');
    expect(await pathExists(join(tmp.dir, 'study'))).toBe(false);
  });

  test.each(['plan', 'study'])('%s --help shows --slides-from and an example using it', async (command) => {
    const r = await cli([command, '--help']);
    expect(r.exitCode).toBe(0);
    expect(String(r.stdout)).toContain('--slides-from');
    expect(String(r.stdout)).toMatch(new RegExp(`wsi-hpc ${command} --slides-from \\S+`));
  });
});
