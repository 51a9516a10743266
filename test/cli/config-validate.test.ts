// The config file's checks and merge, pure: parsed text -> checked values per command, against the option
// tables read from the real command builders. Every rule's message is asserted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { commands } from '../../src/cli/commands/index.js';
import { ConfigError, parseConfigText } from '../../src/cli/config-file.js';
import { optionTablesOf } from '../../src/cli/config-options.js';
import { configValuesFor, normalizeConfig } from '../../src/cli/config-validate.js';
import { ROOT } from '../fixtures/index.js';

const tables = optionTablesOf(commands);
const FILE = '/lab/wsi-hpc.yaml';
const check = (text: string) => normalizeConfig(parseConfigText(text, FILE), tables, FILE, '/lab');
const problem = (text: string): ConfigError => {
  try {
    check(text);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`no ConfigError for ${JSON.stringify(text)}`);
};

describe('option tables', () => {
  test('come from the builders: types, choices and aliases, positionals and yargs options left out', () => {
    expect(tables.plan.stride).toEqual({ kind: 'number', choices: undefined, aliases: [] });
    expect(tables.plan.layout.choices).toEqual(['auto', 'patches', 'windows']);
    expect(tables.infer.model.aliases).toEqual(['m']);
    expect(tables.study.vary.kind).toBe('array');
    expect(tables.plan).not.toHaveProperty('slides');
    expect(tables.synth.slides.kind).toBe('number');
    expect(tables.infer).not.toHaveProperty('run');
    expect(tables.plan).not.toHaveProperty('help');
    expect(tables.status.quiet.kind).toBe('boolean');
  });
});

describe('values', () => {
  test('top-level values reach every command declaring them; a section only its command, over the top level', () => {
    const c = check('mpp: 1\npartition: cpu\nsubmit:\n  partition: short\n');
    // plan has partition too (plan --executor slurm); synth has neither partition nor a submit: section.
    expect(Object.fromEntries(configValuesFor(c, 'plan', tables.plan))).toEqual({
      mpp: { value: 1, source: 'config' },
      partition: { value: 'cpu', source: 'config' },
    });
    expect(Object.fromEntries(configValuesFor(c, 'synth', tables.synth))).toEqual({ mpp: { value: 1, source: 'config' } });
    expect(configValuesFor(c, 'submit', tables.submit).get('partition')).toEqual({ value: 'short', source: 'config section' });
    expect(configValuesFor(c, 'run', tables.run).get('partition')).toEqual({ value: 'cpu', source: 'config' });
    expect(configValuesFor(null, 'run', tables.run).size).toBe(0);
  });

  test('numbers become strings for string options, a single value a list for list options', () => {
    const c = check('time: 60\nstudy:\n  vary: stride=112\n');
    expect(c.topLevel.time).toBe('60');
    expect(c.sections.study.vary).toEqual(['stride=112']);
  });

  test('paths resolve against the file folder; builtin, image references and setup snippets stay', () => {
    const c = check(
      'model: nets/a.onnx\ncontainer: docker://ghcr.io/x/wsi-hpc:1\nsetup: module load cuda\nplan:\n  stain-target: builtin\n  out: /abs/run\n',
    );
    expect(c.topLevel.model).toBe('/lab/nets/a.onnx');
    expect(c.topLevel.setup).toBe('module load cuda');
    expect(c.sections.plan).toEqual({ 'stain-target': 'builtin', out: '/abs/run' });
    expect(c.topLevel.container).toBe('docker://ghcr.io/x/wsi-hpc:1');
    expect(check('setup: "@env.sh"\nannotations: ann\n').topLevel).toEqual({ setup: '@/lab/env.sh', annotations: '/lab/ann' });
  });

  test('the example in docs/CONFIG.md is a valid config file', () => {
    const example = /```yaml\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, 'docs/CONFIG.md'), 'utf8'))?.[1] ?? '';
    const c = check(example);
    expect(c.topLevel).toMatchObject({ model: '/lab/models/googlenet.onnx', time: '02:00:00', container: '/lab/images/wsi-hpc.sif' });
    expect(c.sections.submit).toMatchObject({ 'infer-partition': 'gpu', 'infer-gres': 'gpu:a100:1' });
    expect(c.sections.infer).toEqual({ device: 'cuda', 'batch-size': 64 });
  });

  test('an empty file is no options', () => {
    expect(check('# nothing yet\n')).toEqual({ file: FILE, topLevel: {}, sections: {} });
    expect(check('plan:\n  # stride: 112\n').sections).toEqual({ plan: {} });
  });
});

describe('problems', () => {
  test.each([
    ['strid: 1\n', 'line 1: `strid` is not an option of any command', 'Did you mean `stride`?'],
    ['memGb: 4\n', 'line 1: `memGb` is not an option of any command', 'Did you mean `mem-gb`?'],
    ['m: a.onnx\n', 'line 1: `m` is not an option of any command', 'Did you mean `model`?'],
    ['plan:\n  stridee: 1\n', 'line 2: `stridee` is not an option of `wsi-hpc plan`', 'Did you mean `stride`?'],
    [
      'plan:\n  gpus: 1\n',
      'line 2: `plan: gpus`: `wsi-hpc plan` has no option --gpus',
      'under a section of a command that has it (run, submit',
    ],
    ['stride: fast\n', 'line 1: Expected `stride` to be a number, received `fast` (string)', 'Write e.g. `stride: 4`'],
    ['force: yes\n', 'line 1: Expected `force` to be true or false, received `yes` (string)', 'Write e.g. `force: true`'],
    ['partition:\n', 'line 1: Expected `partition` to be a string, received `null` (no value)', 'Write e.g. `partition: VALUE`'],
    ['partition: ""\n', 'line 1: Expected `partition` to be a non-empty value', ''],
    ['partition: [a, b]\n', 'line 1: Expected `partition` to be a string, received `["a","b"]` (list)', ''],
    [
      'executor: cloud\n',
      'line 1: Expected `executor` to be one of local, slurm, received `cloud` (string)',
      'Write e.g. `executor: local`',
    ],
    ['stride:\n  x: 1\n', 'line 1: Expected `stride` to be a value, received a mapping', ''],
    ['plans:\n  stride: 1\n', 'line 1: `plans` is not a command (sections are named after commands:', 'Did you mean `plan`?'],
    ['plan: 3\n', 'line 1: `plan` is a section for `wsi-hpc plan` but holds `3` (number)', 'Indent the options of plan under it'],
    ['json: true\n', 'line 1: `json` cannot be set in a config file', 'Give --json on the command line'],
    ['submit:\n  print-config: true\n', 'line 2: `submit: print-config` cannot be set in a config file', ''],
  ])('%j', (text, message, hint) => {
    const e = problem(text);
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.file).toBe(FILE);
    expect(e.message).toContain(`${FILE}: ${message}`);
    expect(e.hint).toContain(hint);
    expect(e.hint).toContain(`Fix ${FILE}, or point --config elsewhere`);
  });

  test('several problems are reported at once, each on its line with its fix', () => {
    const e = problem('strid: 1\nmpp: 1\nexecutor: cloud\n');
    expect(e.message).toBe(
      `${FILE} has 2 problems:\n  line 1: \`strid\` is not an option of any command — Did you mean \`stride\`?\n` +
        '  line 3: Expected `executor` to be one of local, slurm, received `cloud` (string) — Write e.g. `executor: local`.',
    );
  });

  test.each([
    ['plan:\n\tstride: 3\n', 'YAML syntax error: Tabs are not allowed as indentation at line 2, column 1'],
    ['mpp: 1\nmpp: 2\n', 'YAML syntax error: Map keys must be unique at line 2, column 1'],
    ['- mpp\n', 'expected `option: value` lines at the top level, found a list'],
    ['just words\n', 'expected `option: value` lines at the top level, found a single value'],
  ])('text %j cannot be read', (text, message) => {
    expect(() => parseConfigText(text, FILE)).toThrow(`${FILE}: ${message}`);
  });
});
