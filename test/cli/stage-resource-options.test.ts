// Per-stage resources on the CLI (`submit --dry-run`, no cluster asked): --pack-/--infer-/--merge- flags for
// partition, account, qos, time, mem-gb, constraint and gres land in their stage's script only, the stage-less
// flag is every stage's default, gres wins over GPU counts, each value is checked under the flag typed, and
// --container/--container-runtime reach the scripts or are refused with exit 2.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { STAGE_RESOURCE_FLAGS } from '../../src/cli/stage-resource-options.js';
import { cli, hashTree, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let run: string;
let model: string;
const offline = ['--dry-run', '--json', '--max-array-size', '8', '--max-job-count', '1000'];

beforeAll(async () => {
  tmp = await makeTempDir('stage-resources');
  const slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 2200, 1700, 61);
  model = await writeTinyModel(tmp.dir);
  run = join(tmp.dir, 'run');
  const p = await cli(['plan', slides, '--out', run, '--patches-per-shard', '400', '-q']);
  expect(p.exitCode, String(p.stderr)).toBe(0);
}, 120_000);
afterAll(() => tmp?.cleanup());

/** The #SBATCH lines of each stage's first script of a dry run. */
async function directives(args: string[]): Promise<Record<string, string[]>> {
  const r = await cli(['submit', run, '--model', model, ...offline, ...args]);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  const out: Record<string, string[]> = {};
  for (const s of parseJson<{ submissions: Array<{ stage: string; script: string }> }>(r).submissions)
    out[s.stage] ??= s.script.split('\n').filter((l) => l.startsWith('#SBATCH '));
  return out;
}

describe('per-stage resource flags', () => {
  test('each lands in its own stage; the stage-less flag is the default of the others', async () => {
    const d = await directives([
      '--partition',
      'debug',
      '--pack-partition',
      'cpu',
      '--infer-partition',
      'gpu',
      '--pack-mem-gb',
      '3',
      '--pack-constraint',
      'avx2',
      '--infer-account',
      'lab',
      '--merge-qos',
      'low',
      '--time',
      '00:40:00',
      '--merge-time',
      '00:30:00',
    ]);
    expect(d.pack).toEqual(
      expect.arrayContaining(['#SBATCH --partition=cpu', '#SBATCH --mem=3072M', '#SBATCH --constraint=avx2', '#SBATCH --time=00:40:00']),
    );
    expect(d.infer).toEqual(
      expect.arrayContaining(['#SBATCH --partition=gpu', '#SBATCH --account=lab', '#SBATCH --time=00:40:00', '#SBATCH --mem=16384M']),
    );
    expect(d.merge).toEqual(expect.arrayContaining(['#SBATCH --partition=debug', '#SBATCH --qos=low', '#SBATCH --time=00:30:00']));
    expect(d.pack.join('\n')).not.toMatch(/--account|--qos/);
    expect(d.infer.join('\n')).not.toMatch(/--constraint|--qos/);
    expect(d.merge.join('\n')).not.toMatch(/--constraint|--account/);
  });

  test('--infer-gres is written as given and wins over --infer-gpus; --gres is every stage’s default', async () => {
    const d = await directives(['--infer-gres', 'gpu:a100:2', '--infer-gpus', '1', '--gres', 'tmpdisk:10', '--pack-gres', 'nvme:1']);
    expect(d.infer.filter((l) => l.includes('--gres'))).toEqual(['#SBATCH --gres=gpu:a100:2']);
    expect(d.pack.filter((l) => l.includes('--gres'))).toEqual(['#SBATCH --gres=nvme:1']);
    expect(d.merge.filter((l) => l.includes('--gres'))).toEqual(['#SBATCH --gres=tmpdisk:10']);
  });

  test('the existing --pack-cpus/--infer-cpus/--infer-gpus keep working', async () => {
    const d = await directives(['--pack-cpus', '3', '--infer-cpus', '5', '--infer-gpus', '2']);
    expect(d.pack).toContain('#SBATCH --cpus-per-task=3');
    expect(d.infer).toEqual(expect.arrayContaining(['#SBATCH --cpus-per-task=5', '#SBATCH --gres=gpu:2']));
  });

  test('--help lists all 21 per-stage flags', async () => {
    const r = await cli(['submit', '--help']);
    expect(STAGE_RESOURCE_FLAGS).toHaveLength(21);
    for (const f of STAGE_RESOURCE_FLAGS) expect(String(r.stdout)).toContain(`--${f}`);
  });

  test.each([
    ['--infer-partition', 'gpu $(id)', 'Expected `--infer-partition` to be one word without whitespace, quotes, `$` or backslashes'],
    ['--pack-account', "lab'x", 'Expected `--pack-account` to be one word'],
    ['--merge-qos', 'a b', 'Expected `--merge-qos` to be one word'],
    ['--pack-constraint', 'a`b', 'Expected `--pack-constraint` to be one word'],
    ['--infer-gres', 'gpu:1 x', 'Expected `--infer-gres` to be one word'],
    ['--gres', 'gpu:$x', 'Expected `--gres` to be one word'],
    ['--infer-time', '2h', 'Expected `--infer-time` in SLURM form (MM, HH:MM:SS or D-HH:MM:SS), received `2h`'],
    ['--merge-mem-gb', '0', 'Expected `--merge-mem-gb` to be a positive number, received `0` (number)'],
    ['--pack-mem-gb', 'lots', 'Expected `--pack-mem-gb` to be a number, received `lots`'],
  ])('%s %s is refused under the flag typed (exit 2)', async (flag, value, message) => {
    const before = await hashTree(run);
    const r = await cli(['submit', run, '--model', model, ...offline.filter((a) => a !== '--json'), flag, value]);
    expect(r.exitCode, String(r.stderr)).toBe(2);
    expect(String(r.stderr)).toContain(`error: ${message}`);
    expect(await hashTree(run)).toEqual(before);
  });
});

describe('--container on the CLI', () => {
  test('the image and runtime reach every stage script', async () => {
    const sif = join(tmp.dir, 'img.sif');
    await writeFile(sif, 'stand-in image\n');
    const r = await cli(['submit', run, '--model', model, ...offline, '--container', sif, '--container-runtime', 'singularity']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const subs = parseJson<{ submissions: Array<{ stage: string; script: string }> }>(r).submissions;
    expect(new Set(subs.map((s) => s.stage))).toEqual(new Set(['pack', 'infer', 'merge']));
    for (const s of subs) {
      expect(s.script).toContain('WSI_HPC_CONTAINER_RUNTIME=$(command -v singularity) || {');
      expect(s.script).toContain(`"$WSI_HPC_CONTAINER_RUNTIME" exec --bind ${run} --bind ${join(tmp.dir, 'slides')} `);
      expect(s.script).toContain(` ${sif} wsi-hpc ${s.stage} ${run} --quiet`);
      expect(s.script).not.toContain(process.execPath);
    }
  });

  test('run --executor slurm takes --container and the per-stage flags too', async () => {
    const sif = join(tmp.dir, 'img2.sif');
    await writeFile(sif, 'stand-in image\n');
    const r = await cli(['run', run, '--executor', 'slurm', '--model', model, ...offline, '--container', sif, '--infer-partition', 'gpu']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const infer = parseJson<{ submissions: Array<{ stage: string; script: string }> }>(r).submissions.filter((s) => s.stage === 'infer');
    expect(infer.length).toBeGreaterThan(0);
    for (const s of infer) {
      expect(s.script).toContain('#SBATCH --partition=gpu\n');
      expect(s.script).toContain(` ${sif} wsi-hpc infer ${run} --quiet --model ${model}`);
    }
  });

  test('a missing image exits 2 naming --container and the path; nothing is written', async () => {
    const before = await hashTree(run);
    const r = await cli(['submit', run, '--model', model, ...offline, '--container', 'nowhere/wsi-hpc.sif']);
    expect(r.exitCode).toBe(2);
    expect(parseJson(r).error).toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(/^`--container nowhere\/wsi-hpc\.sif`: no such file \(\/.*\/nowhere\/wsi-hpc\.sif\)$/),
    });
    expect(await hashTree(run)).toEqual(before);
  });

  test('an unknown --container-runtime is refused (exit 2)', async () => {
    const r = await cli(['submit', run, '--model', model, ...offline, '--container', 'docker://x/y', '--container-runtime', 'podman']);
    expect(r.exitCode).toBe(2);
    expect(parseJson(r).error).toMatchObject({
      code: 'USAGE',
      message: 'Expected `--container-runtime` to be one of "auto", "apptainer", "singularity", received "podman"',
    });
  });
});
