// Tests of src/synth/synth-cohort.ts and of the `wsi-hpc synth` command built into dist/: names,
// flavours, normal slides, annotations, manifest, and the CLI's JSON and exit codes.
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readAsapXml } from '../../src/geometry/index.js';
import { cohortSlidePlan, synthCohort } from '../../src/synth/index.js';
import type { CohortManifest, SynthSidecar } from '../../src/synth/index.js';
import { openSlideView } from './openslide-oracle.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wsi-cohort-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test.each([
  [0, 'mixed', 'slide-001.tif', 'generic', true],
  [1, 'mixed', 'slide-002.svs', 'aperio', false],
  [2, 'mixed', 'slide-003.tif', 'generic', true],
  [3, 'aperio', 'slide-004.svs', 'aperio', true],
  [4, 'generic', 'slide-005.tif', 'generic', false],
] as const)('slide %d of a %s cohort is %s (%s, tumour %s)', (index, flavour, file, slideFlavour, hasTumour) => {
  expect(cohortSlidePlan(index, flavour, 1)).toMatchObject({ file, flavour: slideFlavour, hasTumour });
});

test('synthCohort writes slides, annotations for tumour slides only, sidecars and cohort.json', async () => {
  const out = join(dir, 'lib');
  const result = await synthCohort({ outDir: out, slides: 3, width: 1024, height: 768, seed: 4 });
  const manifest = JSON.parse(await readFile(result.manifestPath, 'utf8')) as CohortManifest;
  expect(manifest).toEqual(result.manifest);
  expect(manifest.slides.map((s) => [s.file, s.flavour, s.hasTumour, s.annotations])).toEqual([
    ['slide-001.tif', 'generic', true, 'annotations/slide-001.xml'],
    ['slide-002.svs', 'aperio', false, null],
    ['slide-003.tif', 'generic', true, 'annotations/slide-003.xml'],
  ]);
  const sidecar = JSON.parse(await readFile(join(out, manifest.slides[0].sidecar), 'utf8')) as SynthSidecar;
  expect(readAsapXml(await readFile(join(out, 'annotations/slide-001.xml'), 'utf8'))).toEqual(sidecar.tumours);
  expect((await openSlideView(join(out, 'slide-002.svs'))).vendor).toBe('aperio');
});

test('the CLI writes a cohort and prints one JSON document', async () => {
  const out = join(dir, 'cli');
  const { stdout, exitCode } = await execa('node', [
    'dist/cli/bin.js',
    'synth',
    out,
    '--slides',
    '2',
    '--width',
    '1024',
    '--height',
    '1024',
    '--json',
  ]);
  expect(exitCode).toBe(0);
  const doc = JSON.parse(stdout) as { manifest: string; slides: { file: string }[] };
  expect(doc.slides.map((s) => s.file)).toEqual(['slide-001.tif', 'slide-002.svs']);
  await access(join(out, 'cohort.json'));
});

test('the CLI dry run writes nothing', async () => {
  const out = join(dir, 'dry');
  const { stdout } = await execa('node', ['dist/cli/bin.js', 'synth', out, '--slides', '2', '--dry-run']);
  expect(stdout).toContain('slide-002.svs  aperio');
  expect(stdout).toContain('dry run: nothing written');
  await expect(access(out)).rejects.toThrow();
});

test('the CLI exits 2 with every bad option named', async () => {
  const r = await execa('node', ['dist/cli/bin.js', 'synth', join(dir, 'bad'), '--width', '10', '--quality', '0', '--json'], {
    reject: false,
  });
  expect(r.exitCode).toBe(2);
  const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string } };
  expect(error.code).toBe('INVALID_OPTION');
  expect(error.message).toContain('Expected `--width` to be an integer from 64 to 1000000, received `10` (number)');
  expect(error.message).toContain('Expected `--quality` to be an integer from 1 to 100, received `0` (number)');
});
