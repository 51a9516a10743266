// Config-file values are defaults, not requests: checks that refuse an option given where it cannot apply
// (run --executor local with SLURM options, --stages leaving a stage out, status --interval without --watch)
// look only at the command line, while submit still renders the file's partition and time into #SBATCH lines.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, makeCohort, makeTempDir, parseJson, pathExists } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;
let model: string;
let n = 0;

beforeAll(async () => {
  tmp = await makeTempDir('config-defaults');
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 1, 3000, 2400, 23);
  model = await writeTinyModel(tmp.dir);
}, 120_000);
afterAll(() => tmp?.cleanup());

/** A fresh folder with `wsi-hpc.yaml` holding `text` and a planned run folder `run` (planned without the file). */
async function plannedWithConfig(text: string): Promise<{ dir: string; run: string }> {
  const dir = join(tmp.dir, `case-${++n}`);
  await mkdir(dir, { recursive: true });
  const run = join(dir, 'run');
  const planned = await cli(['plan', slides, '--out', run, '--patches-per-shard', '30', '-q']);
  expect(planned.exitCode, String(planned.stderr)).toBe(0);
  await writeFile(join(dir, 'wsi-hpc.yaml'), text);
  return { dir, run };
}

// The cluster needs no asking for a dry run when both limits are given.
const LIMITS = ['--max-array-size', '100', '--max-job-count', '1000'];
const scripts = (j: { submissions: Array<{ stage: string; script: string }> }) => j.submissions.map((s) => s.script);

describe('run --executor local', () => {
  test('runs every stage although the config file sets partition, time and throttle', async () => {
    const { dir, run } = await plannedWithConfig(`partition: gpu\ntime: "00:30:00"\nthrottle: 3\nmodel: ${model}\n`);
    const r = await cli(['run', 'run', '--json'], { cwd: dir });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stderr)).toContain('config: ');
    expect(parseJson(r)).toMatchObject({ executor: 'local', failed: 0 });
    expect(await pathExists(join(run, 'scores.csv'))).toBe(true);
  }, 120_000);

  test('still refuses --partition typed on the command line', async () => {
    const { dir } = await plannedWithConfig('throttle: 3\n');
    const r = await cli(['run', 'run', '--model', model, '--partition', 'gpu', '--dry-run'], { cwd: dir });
    expect(r.exitCode).toBe(2);
    // Only the typed option is named: the file's throttle is no request.
    expect(String(r.stderr)).toContain('error: `--partition` applies to `--executor slurm`; the local executor cannot use it');
  });
});

describe('submit --dry-run', () => {
  test('renders the file partition and time into #SBATCH lines, the submit: section over the top level', async () => {
    const { dir } = await plannedWithConfig('partition: cpu\ntime: "00:30:00"\nsubmit:\n  partition: short\n');
    const r = await cli(['submit', 'run', '--stages', 'pack', '--dry-run', '--json', ...LIMITS], { cwd: dir });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const [pack] = scripts(parseJson(r));
    expect(pack).toContain('#SBATCH --partition=short\n');
    expect(pack).toContain('#SBATCH --time=00:30:00\n');
    const typed = await cli(['submit', 'run', '--stages', 'pack', '--partition', 'long', '--dry-run', '--json', ...LIMITS], { cwd: dir });
    expect(scripts(parseJson(typed))[0]).toContain('#SBATCH --partition=long\n');
  });

  test('--stages pack works with model: in the file, and still refuses --model typed', async () => {
    const { dir } = await plannedWithConfig(`model: ${model}\nbatch-size: 8\n`);
    const r = await cli(['submit', 'run', '--stages', 'pack', '--dry-run', '--json', ...LIMITS], { cwd: dir });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(parseJson(r).submissions.map((s: { stage: string }) => s.stage)).toEqual(['pack']);
    const typed = await cli(['submit', 'run', '--stages', 'pack', '--model', model, '--dry-run', ...LIMITS], { cwd: dir });
    expect(typed.exitCode).toBe(2);
    expect(String(typed.stderr)).toContain('error: `--model` applies to the infer stage, which `--stages pack` leaves out');
  });

  test('--stages infer passes the file model to the infer tasks', async () => {
    const { dir, run } = await plannedWithConfig(`model: ${model}\n`);
    const r = await cli(['submit', run, '--stages', 'infer', '--dry-run', '--json', ...LIMITS], { cwd: dir });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(scripts(parseJson(r))[0]).toContain(model);
  });
});

describe('status and plan', () => {
  test('status: interval in the file needs no --watch; typed, it still does', async () => {
    const { dir } = await plannedWithConfig('status:\n  interval: 5\n');
    const r = await cli(['status', 'run'], { cwd: dir });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const typed = await cli(['status', 'run', '--interval', '5'], { cwd: dir });
    expect(typed.exitCode).toBe(2);
  });

  test('plan: stain-target and tumour-groups in the file need no --stain-norm or --masks', async () => {
    const { dir } = await plannedWithConfig('stain-target: ref.png\ntumour-groups: Tumor\n');
    const r = await cli(['plan', slides, '--out', 'again', '--dry-run', '-q'], { cwd: dir });
    expect(r.exitCode, String(r.stderr)).toBe(0);
  }, 60_000);
});
