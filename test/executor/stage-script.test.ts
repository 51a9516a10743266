// renderStageScript on a real planned run: without --container the command is this machine's node and
// dist (as before); with it, `<runtime> exec` binds the run folder, the slides' folders from plan.json
// and (infer) the model's folder, calls the image's wsi-hpc, and refuses a missing image or a folder
// --bind cannot hold. The rendered pack script is run by bash against a stand-in apptainer (Apptainer is
// not packaged for Debian 12): it records its arguments, and a hostile slide folder stays one inert word.
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BIN, renderStageScript } from '../../src/executor/stage-script.js';
import { normalizeResources } from '../../src/executor/options.js';
import type { SubmitOptions } from '../../src/executor/submit.js';
import type { PlanFile } from '../../src/plan/index.js';
import { runPaths } from '../../src/run/paths.js';
import type { ArrayChunk } from '../../src/slurm/index.js';
import { cli, makeCohort, makeTempDir, pathExists } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let run: string;
let slides: string;
let model: string;
let sif: string;
const chunk: ArrayChunk = { chunk: 0, offset: 0, indices: [0] };

beforeAll(async () => {
  tmp = await makeTempDir('stage-script');
  slides = join(tmp.dir, "slides a b'$(touch pwned)'");
  await makeCohort(slides, 2, 2200, 1700, 41);
  await mkdir(join(tmp.dir, 'models'));
  model = await writeTinyModel(join(tmp.dir, 'models'));
  run = join(tmp.dir, 'run');
  const p = await cli(['plan', slides, '--out', run, '--patches-per-shard', '400', '-q']);
  expect(p.exitCode, String(p.stderr)).toBe(0);
  sif = join(tmp.dir, 'wsi-hpc.sif');
  await writeFile(sif, 'not a real image: the stand-in never opens it\n');
}, 120_000);
afterAll(() => tmp?.cleanup());

const render = (stage: 'pack' | 'infer' | 'merge', o: Partial<SubmitOptions>) =>
  renderStageScript(
    runPaths(run),
    stage,
    stage === 'merge' ? null : chunk,
    normalizeResources(stage),
    { run, ...o },
    stage === 'infer' ? model : undefined,
  );
const commandLine = (script: string) => script.split('\n').find((l) => l.endsWith(' &')) ?? '';

describe('renderStageScript', () => {
  test('without --container the task runs this machine’s node and dist/cli/bin.js', async () => {
    const line = commandLine(await render('pack', {}));
    expect(line).toBe(`${process.execPath} ${BIN} pack ${run} --quiet &`);
    expect(await render('pack', {})).not.toContain('WSI_HPC_CONTAINER_RUNTIME');
  });

  test('with --container each stage binds the run folder, the slide folder and (infer) the model folder', async () => {
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const o = { container: { image: sif, runtime: 'auto' as const } };
    const planned = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')) as PlanFile;
    expect(new Set(planned.slides.map((s) => dirname(s.path)))).toEqual(new Set([slides]));
    expect(commandLine(await render('pack', o))).toBe(
      `"$WSI_HPC_CONTAINER_RUNTIME" exec --bind ${run} --bind ${q(slides)} ${sif} wsi-hpc pack ${run} --quiet &`,
    );
    expect(commandLine(await render('infer', o))).toBe(
      `"$WSI_HPC_CONTAINER_RUNTIME" exec --bind ${run} --bind ${q(slides)} --bind ${dirname(model)} ${sif} wsi-hpc infer ${run} --quiet --model ${model} &`,
    );
    expect(commandLine(await render('merge', o))).toBe(
      `"$WSI_HPC_CONTAINER_RUNTIME" exec --bind ${run} --bind ${q(slides)} ${sif} wsi-hpc merge ${run} --quiet &`,
    );
  });

  test('a relative image path is made absolute; an image reference is kept as given', async () => {
    const rel = relative(process.cwd(), sif);
    expect(commandLine(await render('pack', { container: { image: rel, runtime: 'auto' } }))).toContain(` ${sif} wsi-hpc pack `);
    const ref = 'docker://ghcr.io/lab/wsi-hpc:1.0';
    expect(commandLine(await render('pack', { container: { image: ref, runtime: 'singularity' } }))).toContain(` ${ref} wsi-hpc pack `);
  });

  test('a missing image is refused at submit time, naming --container and the path', async () => {
    const missing = join(tmp.dir, 'absent.sif');
    await expect(render('pack', { container: { image: missing, runtime: 'auto' } })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: `\`--container ${missing}\`: no such file (${missing})`,
      hint: expect.stringContaining('apptainer build wsi-hpc.sif container/wsi-hpc.def'),
    });
  });

  test('a slide folder with a colon cannot be bound and is refused, naming the slide', async () => {
    const colon = join(tmp.dir, 'sl:ides');
    await symlink(slides, colon);
    const run2 = join(tmp.dir, 'run-colon');
    const p = await cli(['plan', colon, '--out', run2, '--patches-per-shard', '400', '-q']);
    expect(p.exitCode, String(p.stderr)).toBe(0);
    await expect(
      renderStageScript(
        runPaths(run2),
        'pack',
        chunk,
        normalizeResources('pack'),
        { run: run2, container: { image: sif, runtime: 'auto' } },
        undefined,
      ),
    ).rejects.toThrowError(/^Cannot bind the folder of slide slide-00\d\.(tif|svs) `.*\/sl:ides` into the container \(--container\)/);
  });

  test('the pack script runs through a stand-in apptainer with the hostile slide folder as one word', async () => {
    const bin = join(tmp.dir, 'bin');
    await mkdir(bin);
    const calls = join(tmp.dir, 'calls.log');
    await writeFile(
      join(bin, 'apptainer'),
      `#!/bin/bash\nprintf '[%s]\\n' "$@" >>"$CALLS"\nwhile [[ $1 != "$IMAGE" ]]; do shift; done; shift; exec "$@"\n`,
    );
    await writeFile(join(bin, 'wsi-hpc'), `#!/bin/bash\nprintf 'inside: [%s]\\n' "$@" >>"$CALLS"\n`);
    await chmod(join(bin, 'apptainer'), 0o755);
    await chmod(join(bin, 'wsi-hpc'), 0o755);
    const script = join(tmp.dir, 'pack.sh');
    await writeFile(script, await render('pack', { container: { image: sif, runtime: 'auto' } }));
    const r = spawnSync('bash', [script], {
      cwd: tmp.dir,
      encoding: 'utf8',
      env: { PATH: `${bin}:/usr/bin:/bin`, CALLS: calls, IMAGE: sif },
    });
    expect(r.status, r.stderr).toBe(0);
    expect((await readFile(calls, 'utf8')).split('\n')).toEqual([
      ...['exec', '--bind', run, '--bind', slides, sif, 'wsi-hpc', 'pack', run, '--quiet'].map((a) => `[${a}]`),
      ...['pack', run, '--quiet'].map((a) => `inside: [${a}]`),
      '',
    ]);
    expect(await pathExists(join(tmp.dir, 'pwned'))).toBe(false);
  });
});
