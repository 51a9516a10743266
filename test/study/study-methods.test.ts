// `wsi-hpc study --vary stride=224,64 --vary method=sliding,dense,auto` end to end through the built
// CLI on two small synthetic slides with a tiny valid-padding FCN (total stride 32) whose card allows
// dense: each row says which method ran (auto: dense, with why), the bytes packed per slide are the
// shard files' sizes, and dense rows carry |p_dense - p_sliding| equal to an independent h5py
// computation over every position, below 1e-4 (0 here: ONNX Runtime sums each cell in the same order).
// With 'same' (zero) padding the two methods differ at patch borders, and the study says by how much.
import { execFileSync } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildFcn, type FcnHead } from '../../src/model/dense/index.js';
import { cli, makeCohort, makeTempDir, parseJson, pathExists, ROOT, SYSTEM_PYTHON } from '../fixtures/index.js';

interface Row {
  config: string;
  stride: number;
  method: string;
  methodReason: string;
  slides: number;
  patches: number;
  bytesPacked: number;
  bytesPackedPerSlide: number;
  denseMaxAbsDiff: number | null;
  denseMeanAbsDiff: number | null;
  patchAuc: number;
}

let tmp: { dir: string; cleanup: () => Promise<void> };
let out: string;
let slides: string;
let rows: Row[];
let studyArgs: string[];

/** The test FCN (valid padding: exactly translation-equivariant) with a card that allows dense. */
async function writeFcnModel(dir: string, padding: 'valid' | 'same' = 'valid', head: FcnHead = 'gap-gemm'): Promise<string> {
  const { bytes, card } = buildFcn({ padding, head, seed: 7 });
  const path = join(dir, `fcn-${padding}-${head}.onnx`);
  await writeFile(path, bytes);
  await writeFile(
    join(dir, `fcn-${padding}-${head}.json`),
    JSON.stringify({ ...card, dense: { allowed: true, totalStride: 32 } }, null, 2),
  );
  return path;
}

function oracleDiff(dense: string, sliding: string) {
  return JSON.parse(
    execFileSync(
      SYSTEM_PYTHON,
      [join(ROOT, 'test/study/oracles/method_diff.py'), join(out, 'configs', dense), join(out, 'configs', sliding)],
      {
        encoding: 'utf8',
      },
    ),
  );
}

async function shardBytes(run: string): Promise<number> {
  let n = 0;
  for (const name of await readdir(join(run, 'shards'))) n += (await stat(join(run, 'shards', name))).size;
  return n;
}

beforeAll(async () => {
  tmp = await makeTempDir('study-methods');
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 2400, 2000, 29);
  const model = await writeFcnModel(tmp.dir);
  out = join(tmp.dir, 'study');
  studyArgs = [
    'study',
    slides,
    '--annotations',
    join(slides, 'annotations'),
    '--model',
    model,
    '--vary',
    'stride=224,64',
    '--vary',
    'method=sliding,dense,auto',
    '--sample',
    '2',
    '--out',
    out,
    '--json',
  ];
  const r = await cli(studyArgs);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  rows = parseJson(r).table;
}, 900_000);
afterAll(() => tmp?.cleanup());

const row = (config: string): Row => {
  const r = rows.find((x) => x.config === config);
  if (!r) throw new Error(`no row ${config} in ${rows.map((x) => x.config).join(', ')}`);
  return r;
};

test('each configuration says which method ran: sliding, dense, and auto (dense: the card allows it and 32 | stride)', () => {
  expect(rows.map((r) => [r.config, r.method])).toEqual([
    ['stride-224_method-sliding', 'sliding'],
    ['stride-224_method-dense', 'dense'],
    // A stride of a patch plans patches, on which auto runs each patch as one model input.
    ['stride-224_method-auto', 'sliding'],
    ['stride-64_method-sliding', 'sliding'],
    ['stride-64_method-dense', 'dense'],
    ['stride-64_method-auto', 'dense'],
  ]);
  expect(row('stride-224_method-auto').methodReason).toContain('patch shards');
  expect(row('stride-64_method-auto').methodReason).toContain('stride 64 is a multiple of the network');
  for (const r of rows) {
    expect(r.slides, r.config).toBe(2);
    expect(r.patches, r.config).toBeGreaterThan(0);
  }
  // Same grid whatever the method.
  expect(row('stride-64_method-dense').patches).toBe(row('stride-64_method-sliding').patches);
});

test('bytes packed per slide are the shard files of the configuration over its slides', async () => {
  for (const r of rows) {
    const bytes = await shardBytes(join(out, 'configs', r.config));
    expect(r.bytesPacked, r.config).toBe(bytes);
    expect(r.bytesPackedPerSlide, r.config).toBe(bytes / 2);
  }
  const csv = (await readFile(join(out, 'study.csv'), 'utf8')).trim().split('\n');
  expect(csv[0].split(',')).toEqual(expect.arrayContaining(['method', 'bytesPackedPerSlide', 'denseMaxAbsDiff', 'denseMeanAbsDiff']));
  expect(csv.length).toBe(7);
});

test('dense rows carry |Δp| against their sliding twin, equal to h5py over every position and below 1e-4; others are null', () => {
  for (const r of rows.filter((x) => x.method === 'sliding')) {
    expect([r.denseMaxAbsDiff, r.denseMeanAbsDiff], r.config).toEqual([null, null]);
  }
  for (const config of ['stride-224_method-dense', 'stride-64_method-dense', 'stride-64_method-auto']) {
    const r = row(config);
    const twin = config.replace(/method-\w+$/, 'method-sliding');
    const oracle = oracleDiff(config, twin);
    expect(oracle.methods, config).toEqual([['dense'], ['sliding']]);
    expect(oracle.sameGrids, config).toBe(true);
    expect(oracle.onlyOne, config).toBe(0);
    expect(oracle.positions, config).toBe(r.patches);
    expect(r.denseMaxAbsDiff, config).toBeCloseTo(oracle.maxAbsDiff, 9);
    expect(r.denseMeanAbsDiff, config).toBeCloseTo(oracle.meanAbsDiff, 9);
    // Valid padding: every dense cell sees exactly its patch's pixels, so only float32 summation order differs.
    expect(Number.isFinite(r.denseMaxAbsDiff)).toBe(true);
    expect(r.denseMaxAbsDiff).toBeLessThan(1e-4);
    expect(r.denseMeanAbsDiff).toBeLessThanOrEqual(r.denseMaxAbsDiff as number);
  }
});

test('the study run again reuses each configuration with the method it ran, its reason and the same |Δp|', async () => {
  const r = await cli(studyArgs);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  const again: Array<Row & { reused: boolean }> = parseJson(r).table;
  expect(again.map((x) => x.reused)).toEqual(rows.map(() => true));
  const pick = (t: Row[]) =>
    t.map((x) => [x.config, x.method, x.methodReason, x.denseMaxAbsDiff, x.denseMeanAbsDiff, x.bytesPackedPerSlide]);
  expect(pick(again)).toEqual(pick(rows));
  const timings = JSON.parse(await readFile(join(out, 'configs', 'stride-64_method-auto', 'timings.json'), 'utf8'));
  expect(timings).toMatchObject({ schemaVersion: 2, method: 'dense', methodReason: row('stride-64_method-auto').methodReason });
}, 600_000);

test("with 'same' zero padding, dense differs from sliding at patch borders: the study reports the oracle's |Δp|", async () => {
  const model = await writeFcnModel(tmp.dir, 'same');
  out = join(tmp.dir, 'study-same');
  const r = await cli(
    ['study', slides, '--annotations', join(slides, 'annotations'), '--model', model, '--sample', '2', '--out', out, '--json'].concat([
      '--vary',
      'stride=64',
      '--vary',
      'method=dense,sliding',
    ]),
  );
  expect(r.exitCode, String(r.stderr)).toBe(0);
  const [dense, sliding]: Row[] = parseJson(r).table;
  expect([dense.method, sliding.method, sliding.denseMaxAbsDiff]).toEqual(['dense', 'sliding', null]);
  const oracle = oracleDiff(dense.config, sliding.config);
  expect(oracle.positions).toBe(dense.patches);
  expect(dense.denseMaxAbsDiff).toBeCloseTo(oracle.maxAbsDiff, 9);
  expect(dense.denseMeanAbsDiff).toBeCloseTo(oracle.meanAbsDiff, 9);
  // The zero padding a patch sees at its borders is tissue in a window (test/model/dense: 1e-3 to 0.2).
  expect(dense.denseMaxAbsDiff).toBeGreaterThan(1e-3);
  expect(dense.denseMaxAbsDiff).toBeLessThan(0.5);
}, 600_000);

test('method=dense with a model that does not convert (flatten head) is a usage error before any configuration plans', async () => {
  const model = await writeFcnModel(tmp.dir, 'valid', 'flatten-gemm');
  const study = join(tmp.dir, 'study-flatten');
  const args = ['study', slides, '--annotations', join(slides, 'annotations'), '--model', model, '--sample', '2', '--out', study];
  const r = await cli([...args, '--vary', 'method=sliding,dense']);
  expect(r.exitCode, String(r.stderr)).toBe(2);
  expect(String(r.stderr)).toContain(
    `error: \`--vary method=dense\`: configuration method-dense: ${model}: the model does not convert to dense`,
  );
  expect(String(r.stderr)).not.toContain('study: configuration');
  expect(await pathExists(study)).toBe(false);
  const json = await cli([...args, '--vary', 'method=dense', '--json']);
  expect(json.exitCode).toBe(2);
  expect(parseJson(json).error).toMatchObject({ code: 'INVALID_OPTION' });
  expect(parseJson(json).error.hint).toContain('--method sliding');
});
