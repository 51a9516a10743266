// Hostile files inside a finished run and beside it: predictions swapped between shards or truncated,
// and annotation entries that are a directory, a FIFO or /dev/zero. Each is exit 1 with a message naming
// the file, never a score over fewer patches with exit 0, a hang or "(internal error: please report)".
import { execFileSync } from 'node:child_process';
import { cp, mkdir, readdir, rename, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let base: string;
let annotations: string;
let n = 0;

beforeAll(async () => {
  tmp = await makeTempDir('attack-run-outputs');
  const slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 3, 3000, 2500, 5);
  annotations = join(slides, 'annotations');
  base = join(tmp.dir, 'base');
  expect((await cli(['plan', slides, '--out', base, '--patches-per-shard', '30', '-q'])).exitCode).toBe(0);
  const model = await writeTinyModel(tmp.dir);
  expect((await cli(['run', base, '--model', model, '-q'])).exitCode).toBe(0);
}, 120_000);
afterAll(() => tmp?.cleanup());

async function copyRun(): Promise<string> {
  const run = join(tmp.dir, `run-${n++}`);
  await cp(base, run, { recursive: true });
  return run;
}

test('evaluate refuses predictions swapped between two shards (RUN_INCOMPLETE naming both) instead of scoring fewer patches', async () => {
  const run = await copyRun();
  const [a, b] = [join(run, 'predictions/shard-00000.h5'), join(run, 'predictions/shard-00001.h5')];
  await rename(a, `${a}.tmp`);
  await rename(b, a);
  await rename(`${a}.tmp`, b);
  const r = await cli(['evaluate', run, '--annotations', annotations, '--json']);
  expect(r.exitCode).toBe(1);
  const err = parseJson(r).error;
  expect(err.code).toBe('RUN_INCOMPLETE');
  expect(err.message).toContain('shard-00000 (predictions not usable: PREDICTIONS_MISMATCH');
  expect(err.message).toContain('shard id is `shard-00001` in the file, `shard-00000` in the plan');
  // --partial scores the rest and says which shards are left out.
  const p = await cli(['evaluate', run, '--annotations', annotations, '--partial', '--json']);
  expect(p.exitCode).toBe(0);
  expect(
    parseJson(p)
      .incompleteShards.map((s: { shard: string }) => s.shard)
      .sort(),
  ).toEqual(['shard-00000', 'shard-00001']);
});

test('a truncated predictions file is a PREDICTIONS_MISMATCH naming it in merge and evaluate, not an internal error', async () => {
  const run = await copyRun();
  const file = join(run, 'predictions/shard-00001.h5');
  await truncate(file, 5000);
  const e = await cli(['evaluate', run, '--annotations', annotations]);
  expect(e.exitCode).toBe(1);
  expect(String(e.stderr)).not.toContain('internal error');
  expect(String(e.stderr)).toContain(`${file}: HDF5 cannot open it (truncated or damaged?)`);
  const m = await cli(['merge', run, '--json']);
  expect(m.exitCode).toBe(1);
  expect(String(m.stderr)).not.toContain('internal error');
  const incomplete = parseJson(m).slides.filter((s: { status: string }) => s.status === 'incomplete');
  expect(incomplete.length).toBeGreaterThan(0);
  expect(incomplete[0].reason).toContain('shard-00001 not usable: PREDICTIONS_MISMATCH');
});

test.each([
  ['a directory', 'a directory', (f: string) => mkdir(f)],
  ['a FIFO (it must not hang)', 'a FIFO (named pipe)', async (f: string) => execFileSync('mkfifo', [f])],
  ['a symlink to /dev/zero', 'a device', (f: string) => symlink('/dev/zero', f)],
])(
  'evaluate with an annotation that is %s: exit 1 naming the file',
  async (_name, kind, make) => {
    const dir = join(tmp.dir, `ann-${n++}`);
    await cp(annotations, dir, { recursive: true });
    const file = join(dir, 'slide-002.xml');
    await make(file);
    const r = await cli(['evaluate', base, '--annotations', dir, '--json']);
    expect(r.exitCode).toBe(1);
    const err = parseJson(r).error;
    expect(err.code).toBe('MASK_INVALID');
    expect(err.message).toBe(`${file}: the annotation is ${kind}, not a regular file`);
  },
  30_000,
);

test('grid files swapped between slides after inference: merge and evaluate refuse them (PLAN_INVALID naming the grid) instead of wrong heatmaps with exit 0', async () => {
  const run = await copyRun();
  const grids = (await readdir(join(run, 'grids'))).sort();
  const [a, b] = [join(run, 'grids', grids[0]), join(run, 'grids', grids[2])];
  await rename(a, `${a}.tmp`);
  await rename(b, a);
  await rename(`${a}.tmp`, b);
  for (const args of [
    ['merge', run, '--json'],
    ['evaluate', run, '--annotations', annotations, '--json'],
  ]) {
    const r = await cli(args);
    expect(r.exitCode).toBe(1);
    const err = parseJson(r).error;
    expect(err.code).toBe('PLAN_INVALID');
    expect(err.message).toMatch(/grids\/slide-00[13]-[0-9a-f]{8}\.grid: grid file changed since planning \(checksum mismatch\)$/);
  }
});

test.each([
  ['markers/infer', 'infer'],
  ['heatmaps', 'merge'],
])('a file where the run folder %s should be: %s exits 1 with FS_NOT_A_FOLDER naming it, not an internal error', async (folder, stage) => {
  const run = await copyRun();
  await rm(join(run, folder), { recursive: true });
  if (stage === 'infer') await rm(join(run, 'predictions'), { recursive: true });
  await writeFile(join(run, folder), 'x');
  const r = await cli([stage, run, ...(stage === 'infer' ? ['--model', join(tmp.dir, 'tiny-nchw-224.onnx')] : []), '--json']);
  expect(r.exitCode).toBe(1);
  const err = parseJson(r).error;
  expect(err.code).toBe('FS_NOT_A_FOLDER');
  expect(err.message).toContain(`Could not write ${join(run, folder)}`);
  expect(err.message).toContain('a file stands where a folder is expected (mkdir, EEXIST)');
});

test('evaluate warns when an annotation file marks no tumour inside its slide (polygons off the slide) instead of a silent normal slide', async () => {
  const dir = join(tmp.dir, `ann-${n++}`);
  await cp(annotations, dir, { recursive: true });
  const file = join(dir, 'slide-003.xml');
  const off = [
    [-500, -500],
    [-100, -500],
    [-100, -100],
  ]
    .map(([x, y], i) => `<Coordinate Order="${i}" X="${x}" Y="${y}"/>`)
    .join('');
  await writeFile(
    file,
    `<?xml version="1.0"?><ASAP_Annotations><Annotations><Annotation Name="T" Type="Polygon" PartOfGroup="_0"><Coordinates>${off}</Coordinates></Annotation></Annotations></ASAP_Annotations>`,
  );
  const r = await cli(['evaluate', base, '--annotations', dir, '--json']);
  expect(r.exitCode).toBe(0);
  const e = parseJson(r);
  expect(e.warnings).toContain(
    `${file}: no tumour area inside the slide (3000x2500 level-0 px), so slide-003.tif counts as normal; check that the polygons use level-0 pixel coordinates and the tumour groups (_0,_1,Tumor,metastases)`,
  );
  // The untouched annotation of slide-001 gives no such warning.
  expect(e.warnings.some((w: string) => w.includes('slide-001'))).toBe(false);
});

test('a marker that is a directory fails its shard with FS_NOT_A_FILE naming it (was INTERNAL with a raw EISDIR)', async () => {
  const run = await copyRun();
  const marker = join(run, 'markers/pack/shard-00001.json');
  await rm(marker);
  await mkdir(marker);
  const r = await cli(['pack', run, '--json']);
  expect(r.exitCode).toBe(1);
  const failed = parseJson(r).shards.filter((s: { status: string }) => s.status === 'failed');
  expect(failed).toHaveLength(1);
  expect(failed[0].error.code).toBe('FS_NOT_A_FILE');
  expect(failed[0].error.message).toContain(`Could not use ${marker}: a folder stands where a file is expected (rename, EISDIR)`);
  expect(failed[0].error.hint).toContain('Move or remove that folder');
});

test('a shard whose pixels were zeroed after pack (same size) fails infer with SHARD_CORRUPT instead of being inferred', async () => {
  const run = await copyRun();
  const shard = join(run, 'shards/shard-00001.h5');
  const { size } = await stat(shard);
  await truncate(shard, Math.floor(size / 2));
  await truncate(shard, size);
  await rm(join(run, 'markers/infer/shard-00001.json'));
  const model = join(tmp.dir, 'tiny-nchw-224.onnx');
  const r = await cli(['infer', run, '--model', model, '--json']);
  expect(r.exitCode).toBe(1);
  const failed = parseJson(r).shards.filter((s: { status: string }) => s.status === 'failed');
  expect(failed.map((s: { shard: string }) => s.shard)).toEqual(['shard-00001']);
  expect(failed[0].error.code).toBe('SHARD_CORRUPT');
  expect(failed[0].error.message).toBe(`${shard}: patch pixels differ from those pack wrote (checksum mismatch)`);
});
