// Usage errors stop every command before it does anything: an unknown option, a missing required
// argument, an option without its value or a number that is not one exits 2 with "error: ..." and
// a --help pointer (or {"error":...} with --json), no stack trace, and an existing run folder unchanged.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, hashTree, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;
let run: string;
let model: string;
let annotations: string;

beforeAll(async () => {
  tmp = await makeTempDir('usage');
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 1, 3000, 2400, 17);
  annotations = join(slides, 'annotations');
  model = await writeTinyModel(tmp.dir);
  run = join(tmp.dir, 'run');
  // Not the defaults: a plan rewritten with defaults would differ.
  const planned = await cli(['plan', slides, '--out', run, '--stride', '112', '--patches-per-shard', '30', '-q']);
  expect(planned.exitCode, String(planned.stderr)).toBe(0);
}, 120_000);
afterAll(() => tmp?.cleanup());

type Case = [command: string, kind: string, args: () => string[]];
const cases: Case[] = [
  ['plan', 'unknown option', () => ['plan', slides, '--out', run, '--stide', '16']],
  ['plan', 'missing --out', () => ['plan', slides]],
  ['plan', 'option without value', () => ['plan', slides, '--out', run, '--stride']],
  ['plan', 'option followed by a flag', () => ['plan', slides, '--out', run, '--stride', '--json']],
  ['plan', 'number that is not one', () => ['plan', slides, '--out', run, '--stride', 'abc']],
  ['plan', 'empty number', () => ['plan', slides, '--out', run, '--stride=']],
  ['plan', 'option given twice', () => ['plan', slides, '--out', run, '--stride', '56', '--stride', '112']],
  ['pack', 'unknown option', () => ['pack', run, '--bogus']],
  ['pack', 'missing <run>', () => ['pack']],
  ['pack', 'option without value', () => ['pack', run, '--task']],
  ['pack', 'number that is not one', () => ['pack', run, '--task', 'abc']],
  ['infer', 'unknown option', () => ['infer', run, '--model', model, '--bogus']],
  ['infer', 'missing --model', () => ['infer', run]],
  ['infer', 'option without value', () => ['infer', run, '--model']],
  ['merge', 'unknown option', () => ['merge', run, '--bogus']],
  ['merge', 'missing <run>', () => ['merge']],
  ['merge', 'option without value', () => ['merge', run, '--top-k']],
  ['run', 'unknown option', () => ['run', run, '--model', model, '--bogus']],
  ['run', 'missing <run>', () => ['run', '--model', model]],
  ['run', 'option without value', () => ['run', run, '--model']],
  ['submit', 'unknown option', () => ['submit', run, '--model', model, '--bogus']],
  ['submit', 'missing <run>', () => ['submit', '--model', model]],
  ['submit', 'option without value', () => ['submit', run, '--model', model, '--partition']],
  ['status', 'unknown option', () => ['status', run, '--bogus']],
  ['status', 'missing <run>', () => ['status']],
  ['status', 'option without value', () => ['status', run, '--interval']],
  ['resubmit', 'unknown option', () => ['resubmit', run, '--model', model, '--bogus']],
  ['resubmit', 'missing <run>', () => ['resubmit', '--model', model]],
  ['resubmit', 'option without value', () => ['resubmit', run, '--model', model, '--throttle']],
  ['evaluate', 'unknown option', () => ['evaluate', run, '--annotations', annotations, '--bogus']],
  ['evaluate', 'missing --annotations', () => ['evaluate', run]],
  ['evaluate', 'option without value', () => ['evaluate', run, '--annotations']],
  ['study', 'unknown option', () => ['study', slides, '--annotations', annotations, '--model', model, '--out', run, '--bogus']],
  ['study', 'missing --out', () => ['study', slides, '--annotations', annotations, '--model', model]],
  ['study', 'option without value', () => ['study', slides, '--annotations', annotations, '--model', model, '--out']],
  ['model inspect', 'unknown option', () => ['model', 'inspect', model, '--bogus']],
  ['model inspect', 'missing <model>', () => ['model', 'inspect']],
  ['model inspect', 'option without value', () => ['model', 'inspect', model, '--card']],
  ['synth', 'unknown option', () => ['synth', run, '--bogus']],
  ['synth', 'missing <outDir>', () => ['synth']],
  ['synth', 'option without value', () => ['synth', run, '--slides']],
  ['report', 'unknown option', () => ['report', run, '--bogus']],
  ['report', 'missing <run>', () => ['report']],
  ['report', 'option without value', () => ['report', run, '--out']],
  ['(none)', 'misspelt command', () => ['plna', slides, '--out', run]],
];

describe('usage errors stop the command before it does anything', () => {
  test.each(cases)('%s: %s exits 2, no stack trace, run folder unchanged', async (_command, _kind, args) => {
    const before = await hashTree(run);
    const argv = args();
    const r = await cli(argv);
    const stderr = String(r.stderr);
    expect(r.exitCode, stderr).toBe(2);
    expect(stderr).not.toMatch(/\n\s+at /);
    if (argv.includes('--json')) {
      expect(parseJson(r).error.hint).toContain('--help');
    } else {
      expect(stderr).toMatch(/^error: .+\n/);
      expect(stderr).toContain('--help');
    }
    expect(await hashTree(run)).toEqual(before);
  });

  test('a misspelt option is named with the option it resembles', async () => {
    const r = await cli(['plan', slides, '--out', run, '--stide', '16']);
    expect(String(r.stderr)).toBe('error: Unknown option `--stide`\nDid you mean --stride? Run `wsi-hpc plan --help` for usage.');
  });

  test.each([
    ['pack RUN --task', () => ['pack', run, '--task'], '`--task` was given without a value'],
    ['plan --stride (end)', () => ['plan', slides, '--out', run, '--stride'], '`--stride` was given without a value'],
    ['plan --stride --quiet', () => ['plan', slides, '--out', run, '--stride', '--quiet'], '`--stride` was given without a value'],
    ['plan --stride abc', () => ['plan', slides, '--out', run, '--stride', 'abc'], 'Expected `--stride` to be a number, received `abc`'],
    ['plan --stride=', () => ['plan', slides, '--out', run, '--stride='], '`--stride` was given without a value'],
    ['infer without --model', () => ['infer', run], 'Missing required option `--model`'],
    ['pack without <run>', () => ['pack', '--json=false'], 'Missing `<run>`: wsi-hpc pack <run>'],
    [
      'plan --stride twice',
      () => ['plan', slides, '--out', run, '--stride', '56', '--stride', '112'],
      '`--stride` was given 2 times (`56`, `112`); it takes one value',
    ],
    ["report ''", () => ['report', ''], '`<run>` was given an empty value'],
  ])('%s says what is wrong', async (_name, args, message) => {
    const r = await cli(args());
    expect(r.exitCode, String(r.stderr)).toBe(2);
    expect(String(r.stderr)).toContain(`error: ${message}\n`);
  });

  test('with --json the usage error is one JSON document on stdout', async () => {
    const r = await cli(['pack', run, '--json', '--bogus']);
    expect(r.exitCode).toBe(2);
    expect(parseJson(r)).toEqual({
      error: { code: 'USAGE', message: 'Unknown option `--bogus`', hint: 'Run `wsi-hpc pack --help` for usage.' },
    });
    const nan = await cli(['pack', run, '--task', 'x', '--json']);
    expect(nan.exitCode).toBe(2);
    expect(parseJson(nan).error).toMatchObject({ code: 'INVALID_OPTION', message: 'Expected `--task` to be a number, received `x`' });
  });

  test('--help and --version still exit 0', async () => {
    for (const args of [['--help'], ['plan', '--help'], ['model', 'inspect', '--help'], ['--version']]) {
      const r = await cli(args);
      expect(r.exitCode, args.join(' ')).toBe(0);
      expect(String(r.stdout).length).toBeGreaterThan(0);
    }
  });
});
