// The config file through the real CLI: ./wsi-hpc.yaml, --config and $WSI_HPC_CONFIG give option defaults
// (command line > command section > top level > built-in), --print-config shows the merge and does nothing,
// a bad file stops every command with exit 2 before anything is written.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { cli, makeCohort, makeTempDir, parseJson, pathExists } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;
let n = 0;

beforeAll(async () => {
  tmp = await makeTempDir('config-file');
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 1, 3000, 2400, 23);
}, 120_000);
afterAll(() => tmp?.cleanup());

/** A fresh folder holding `wsi-hpc.yaml` (or `name`) with `text`. */
async function folderWithConfig(text: string, name = 'wsi-hpc.yaml'): Promise<{ dir: string; file: string }> {
  const dir = join(tmp.dir, `case-${++n}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), text);
  return { dir, file: join(dir, name) };
}

const gridOf = async (run: string) => JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')).params.grid;

describe('./wsi-hpc.yaml gives plan its defaults', () => {
  test('top-level mpp and stride and a plan: section patch-size reach plan.json', async () => {
    const { dir } = await folderWithConfig('mpp: 1\nstride: 112\nplan:\n  patch-size: 128\n  layout: patches\n');
    const r = await cli(['plan', slides, '--out', 'run', '-q'], { cwd: dir });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(await gridOf(join(dir, 'run'))).toMatchObject({ targetMpp: 1, stridePx: 112, patchSizePx: 128 });
  }, 60_000);

  test('the plan: section wins over the top level, and the command line over both', async () => {
    const { dir } = await folderWithConfig('mpp: 1\nstride: 112\nlayout: patches\nplan:\n  stride: 96\n');
    const section = await cli(['plan', slides, '--out', 'a', '-q'], { cwd: dir });
    expect(section.exitCode, String(section.stderr)).toBe(0);
    expect((await gridOf(join(dir, 'a'))).stridePx).toBe(96);
    const typed = await cli(['plan', slides, '--out', 'b', '-q', '--stride', '64'], { cwd: dir });
    expect(typed.exitCode, String(typed.stderr)).toBe(0);
    expect((await gridOf(join(dir, 'b'))).stridePx).toBe(64);
  }, 60_000);

  test('a value from the file is named on stderr, so an error about it can be traced', async () => {
    const { dir, file } = await folderWithConfig('stride: 0\n');
    const r = await cli(['plan', slides, '--out', 'run'], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toContain(`config: ${file}: --stride 0\n`);
    expect(String(r.stderr)).toContain('error: Expected `--stride` to be a positive integer, received `0`');
    expect(await pathExists(join(dir, 'run'))).toBe(false);
  });
});

describe('--print-config', () => {
  const text = 'mpp: 1\nstride: 112\npartition: gpu\nplan:\n  patch-size: 128\n';

  test('prints the merged options as YAML, each with its source, names the file, and does nothing', async () => {
    const { dir, file } = await folderWithConfig(text);
    const r = await cli(['plan', slides, '--out', 'run', '--stride', '64', '--print-config'], { cwd: dir });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const out = String(r.stdout);
    expect(out).toContain(`# config file: ${file}\n`);
    expect(out).toContain('  stride: 64 # command line\n');
    expect(out).toContain('  mpp: 1 # config\n');
    expect(out).toContain('  patch-size: 128 # config (plan:)\n');
    expect(out).toContain('  min-tissue: 0.25 # default\n');
    // The output is itself a valid plan: section; `partition` is a plan option (plan --executor slurm).
    const doc = parse(out);
    expect(doc.plan).toMatchObject({ stride: 64, mpp: 1, 'patch-size': 128, out: 'run', 'min-tissue': 0.25, partition: 'gpu' });
    // An option plan lacks (batch-size, infer's) is left out of plan's view.
    const withBatch = await folderWithConfig(`${text}batch-size: 8\n`);
    const r2 = await cli(['plan', slides, '--out', 'run', '--print-config'], { cwd: withBatch.dir });
    expect(r2.exitCode, String(r2.stderr)).toBe(0);
    expect(parse(String(r2.stdout)).plan).not.toHaveProperty('batch-size');
    expect(await pathExists(join(dir, 'run'))).toBe(false);
  });

  test('--json prints one document with the options, their sources and the file', async () => {
    const { dir, file } = await folderWithConfig(text);
    const r = await cli(['submit', 'run1', '--partition', 'long', '--print-config', '--json'], { cwd: dir });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const j = parseJson(r);
    expect(j).toMatchObject({
      command: 'submit',
      configFile: file,
      options: { partition: 'long' },
      sources: { partition: 'command line' },
    });
    // submit plans too (submit SLIDES --out RUN): top-level stride applies; the plan: section does not.
    expect(j.sources).toMatchObject({ stride: 'config', 'patch-size': 'default' });
    expect(j.options).not.toHaveProperty('annotations');
    const dflt = parseJson(await cli(['submit', 'run1', '--print-config', '--json'], { cwd: dir }));
    expect(dflt.options.partition).toBe('gpu');
    expect(dflt.sources.partition).toBe('config');
    expect(dflt.sources['dry-run']).toBe('default');
  });

  test('without a config file it shows built-in defaults and the command line', async () => {
    const dir = join(tmp.dir, 'no-config');
    await mkdir(dir, { recursive: true });
    const j = parseJson(await cli(['plan', slides, '--out', 'run', '--print-config', '--json'], { cwd: dir }));
    expect(j.configFile).toBeNull();
    expect(j.sources).toMatchObject({ out: 'command line', 'patch-size': 'default' });
  });

  test('shows a command line yargs accepts: an unknown option is still exit 2; positionals are not options', async () => {
    const { dir } = await folderWithConfig('plan:\n  out: runs/a\n');
    const bad = await cli(['plan', slides, '--strid', '3', '--print-config'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
    expect(String(bad.stderr)).toContain('Did you mean --stride?');
    // --out from the file satisfies the required option.
    const j = parseJson(await cli(['plan', slides, '--print-config', '--json'], { cwd: dir }));
    expect(j.options.out).toBe(join(dir, 'runs/a'));
    expect(j.options).not.toHaveProperty('slides');
    const inspect = parseJson(await cli(['model', 'inspect', 'net.onnx', '--card', 'c.json', '--print-config', '--json'], { cwd: dir }));
    expect(inspect.options).toEqual({ card: 'c.json', quiet: false });
  });

  test('a file value of mpp gives way to --level typed on the command line (they exclude each other)', async () => {
    const { dir } = await folderWithConfig('mpp: 1\n');
    const j = parseJson(await cli(['plan', slides, '--out', 'run', '--level', '0', '--print-config', '--json'], { cwd: dir }));
    expect(j.options.level).toBe(0);
    expect(j.options).not.toHaveProperty('mpp');
  });
});

describe('--config FILE and $WSI_HPC_CONFIG', () => {
  test('relative paths in the file are relative to its folder, whatever the current directory', async () => {
    const { dir } = await folderWithConfig(
      'model: models/net.onnx\nsetup: "@env/setup.sh"\nplan:\n  out: runs/r1\n  masks: masks\n  stain-target: builtin\n',
      'cluster.yaml',
    );
    const elsewhere = { cwd: tmp.dir };
    const infer = parseJson(await cli(['infer', 'run', '--config', join(dir, 'cluster.yaml'), '--print-config', '--json'], elsewhere));
    expect(infer.options.model).toBe(join(dir, 'models/net.onnx'));
    const submit = parseJson(await cli(['submit', 'run', '--config', join(dir, 'cluster.yaml'), '--print-config', '--json'], elsewhere));
    expect(submit.options.setup).toBe(`@${join(dir, 'env/setup.sh')}`);
    const plan = parseJson(await cli(['plan', slides, '--config', join(dir, 'cluster.yaml'), '--print-config', '--json'], elsewhere));
    expect(plan.options).toMatchObject({ out: join(dir, 'runs/r1'), masks: join(dir, 'masks'), 'stain-target': 'builtin' });
  });

  test('$WSI_HPC_CONFIG names the file, --config wins over it, and either one wins over ./wsi-hpc.yaml', async () => {
    const { dir } = await folderWithConfig('stride: 100\n');
    const env = (await folderWithConfig('stride: 200\n', 'env.yaml')).file;
    const flag = (await folderWithConfig('stride: 300\n', 'flag.yaml')).file;
    const stride = async (args: string[], e: Record<string, string> = {}) =>
      parseJson(await cli(['plan', slides, '--out', 'r', '--print-config', '--json', ...args], { cwd: dir, env: e })).options.stride;
    expect(await stride([])).toBe(100);
    expect(await stride([], { WSI_HPC_CONFIG: env })).toBe(200);
    expect(await stride(['--config', flag], { WSI_HPC_CONFIG: env })).toBe(300);
    expect(await stride([`--config=${flag}`])).toBe(300);
  });

  test.each([
    ['--config', (f: string) => ['--config', f], {}],
    ['$WSI_HPC_CONFIG', () => [], { WSI_HPC_CONFIG: 'missing.yaml' }],
  ])('a file named by %s that does not exist is an error (exit 2, nothing written)', async (via, args, env) => {
    const dir = join(tmp.dir, `missing-${via.replace(/\W/g, '')}`);
    await mkdir(dir, { recursive: true });
    const r = await cli(['plan', slides, '--out', 'run', ...args('missing.yaml'), '--json'], { cwd: dir, env });
    expect(r.exitCode).toBe(2);
    expect(parseJson(r).error).toMatchObject({
      code: 'CONFIG_INVALID',
      message: `Config file ${join(dir, 'missing.yaml')} (from ${via}) does not exist`,
      file: join(dir, 'missing.yaml'),
      hint: `Check the path given to ${via}, or leave it out`,
    });
    expect(await pathExists(join(dir, 'run'))).toBe(false);
  });
});

describe('a bad config file stops the command with exit 2, naming the file and the key, writing nothing', () => {
  test.each([
    [
      'YAML syntax (tab indentation)',
      'plan:\n\tstride: 3\n',
      'YAML syntax error: Tabs are not allowed as indentation at line 2',
      'at that line (indent with spaces',
    ],
    ['a key twice', 'mpp: 1\nmpp: 2\n', 'YAML syntax error: Map keys must be unique at line 2', 'at that line'],
    ['an unknown key', 'mpp: 1\nstrid: 112\n', 'line 2: `strid` is not an option of any command', 'Did you mean `stride`?'],
    [
      'a number that is not one',
      'plan:\n  mpp: fast\n',
      'line 2: `plan: mpp`: Expected `mpp` to be a number, received `fast` (string)',
      'Write e.g. `mpp: 4`',
    ],
    [
      'a value outside the choices',
      'layout: tiles\n',
      'line 1: Expected `layout` to be one of auto, patches, windows, received `tiles` (string)',
      'Write e.g.',
    ],
    [
      'an option the section\u2019s command lacks',
      'plan:\n  batch-size: 8\n',
      'line 2: `plan: batch-size`: `wsi-hpc plan` has no option --batch-size',
      'submit',
    ],
  ])('%s', async (_, text, message, hint) => {
    const { dir, file } = await folderWithConfig(text);
    const r = await cli(['plan', slides, '--out', 'run'], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toContain(`error: ${file}: `);
    expect(String(r.stderr)).toContain(message);
    const hintLine = String(r.stderr)
      .split('\n')
      .find((l) => l.startsWith('hint: '));
    expect(hintLine).toContain(hint);
    expect(hintLine).toContain(`Fix ${file}`);
    expect(await pathExists(join(dir, 'run'))).toBe(false);
    const j = parseJson(await cli(['plan', slides, '--out', 'run', '--json'], { cwd: dir }));
    expect(j.error).toMatchObject({ code: 'CONFIG_INVALID', file });
  });
});
