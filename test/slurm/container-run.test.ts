// A `--container` run on the real local SLURM cluster. Apptainer is not packaged for Debian 12, so this
// test does NOT run a real container: a stand-in `apptainer` executable (a bash script put on the tasks'
// PATH through --setup) records its arguments, checks `exec`, that each --bind is an existing folder and
// that the image argument is the one given, then runs the command after the image. There `wsi-hpc` is a
// wrapper around this checkout's node + dist. Every stage (pack, infer, merge) must go through it, with
// the run, slide and (infer) model folders bound, and the scores must equal a local run's.
import { chmod, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PlanFile } from '../../src/plan/index.js';
import { holdClusterDuringSuite, requireCluster, waitRunFinished } from '../fixtures/cluster.js';
import { BIN, cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

const env = requireCluster();
let tmp: { dir: string; cleanup: () => Promise<void> };
let model: string;
let slides: string;
const submitArgs = ['--cpus-per-task', '1', '--mem-gb', '0.5', '--time', '00:10:00'];
const sl = (args: string[]) => cli(args, { env: env ?? {} });
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

holdClusterDuringSuite(env);
beforeAll(async () => {
  if (!env) return;
  tmp = await makeTempDir('container-run');
  await mkdir(join(tmp.dir, 'models'));
  model = await writeTinyModel(join(tmp.dir, 'models'));
  slides = join(tmp.dir, "slide folder 'one'");
  await makeCohort(slides, 2, 2200, 1700, 97);
}, 120_000);
afterAll(() => tmp?.cleanup());

/** The stand-in bin folder: `apptainer` (records, checks, runs what follows the image) and `wsi-hpc`. */
async function standIns(image: string, calls: string): Promise<string> {
  const bin = join(tmp.dir, 'bin');
  await mkdir(bin);
  await writeFile(
    join(bin, 'apptainer'),
    [
      '#!/bin/bash',
      '# Stand-in for apptainer (not packaged for Debian 12): records its arguments, checks them, runs the command.',
      'set -eo pipefail',
      `{ printf '%s' "\${SLURM_JOB_ID:-?}"; printf '\\t%s' "$@"; printf '\\n'; } >>${q(calls)}`,
      '[[ $1 == exec ]] || { echo "stand-in apptainer: expected exec, got $1" >&2; exit 90; }',
      'shift',
      '[[ $1 == --nv ]] && shift',
      'while [[ $1 == --bind ]]; do [[ -d $2 ]] || { echo "stand-in apptainer: --bind $2 is not a folder" >&2; exit 91; }; shift 2; done',
      `[[ $1 == ${q(image)} ]] || { echo "stand-in apptainer: expected the image, got $1" >&2; exit 92; }`,
      'shift',
      'exec "$@"',
      '',
    ].join('\n'),
  );
  await writeFile(join(bin, 'wsi-hpc'), `#!/bin/bash\nexec ${q(process.execPath)} ${q(BIN)} "$@"\n`);
  await chmod(join(bin, 'apptainer'), 0o755);
  await chmod(join(bin, 'wsi-hpc'), 0o755);
  return bin;
}

describe.runIf(env)('--container on the local cluster (stand-in apptainer)', () => {
  test('every stage runs through `apptainer exec` with the binds and image; scores equal a local run', async () => {
    const base = join(tmp.dir, 'base');
    const p = await sl(['plan', slides, '--out', base, '--patches-per-shard', '8', '-q']);
    expect(p.exitCode, String(p.stderr)).toBe(0);
    const plan = JSON.parse(await readFile(join(base, 'plan.json'), 'utf8')) as PlanFile;
    const tasks = plan.tasks.pack.length;
    expect(tasks).toBeGreaterThan(1);
    const run = join(tmp.dir, 'in-container');
    const here = join(tmp.dir, 'local');
    await cp(base, run, { recursive: true });
    await cp(base, here, { recursive: true });

    const image = join(tmp.dir, 'wsi-hpc.sif');
    await writeFile(image, 'stand-in image: never opened\n');
    const calls = join(tmp.dir, 'apptainer-calls.tsv');
    const bin = await standIns(image, calls);
    const s = await sl([
      'submit',
      run,
      '--model',
      model,
      ...submitArgs,
      '--container',
      image,
      '--setup',
      `export PATH=${q(bin)}:"$PATH"`,
      '--json',
    ]);
    expect(s.exitCode, String(s.stderr)).toBe(0);
    for (const j of parseJson<{ submissions: Array<{ script: string }> }>(s).submissions) expect(j.script).not.toContain(BIN);
    const status = await waitRunFinished(env ?? {}, run, 600);
    for (const st of status.stages) {
      const logs = await Promise.all(
        st.tasks.filter((t) => t.phase !== 'done').map((t) => (t.log ? readFile(t.log, 'utf8').catch(() => '') : '')),
      );
      expect(st.counts.done, `${st.stage}: ${JSON.stringify(st.tasks)}\n${logs.join('\n')}`).toBe(st.total);
    }

    const lines = (await readFile(calls, 'utf8')).trim().split('\n');
    const byStage = new Map<string, string[][]>();
    for (const line of lines) {
      const args = line.split('\t').slice(1);
      const stage = args[args.indexOf(image) + 2];
      byStage.set(stage, [...(byStage.get(stage) ?? []), args]);
    }
    expect([...byStage.keys()].sort()).toEqual(['infer', 'merge', 'pack']);
    expect(byStage.get('pack')).toHaveLength(tasks);
    expect(byStage.get('infer')).toHaveLength(tasks);
    expect(byStage.get('merge')).toHaveLength(1);
    const binds = ['--bind', run, '--bind', slides];
    for (const args of byStage.get('pack') ?? []) expect(args).toEqual(['exec', ...binds, image, 'wsi-hpc', 'pack', run, '--quiet']);
    for (const args of byStage.get('infer') ?? [])
      expect(args).toEqual(['exec', ...binds, '--bind', dirname(model), image, 'wsi-hpc', 'infer', run, '--quiet', '--model', model]);
    expect(byStage.get('merge')?.[0]).toEqual(['exec', ...binds, image, 'wsi-hpc', 'merge', run, '--quiet']);

    const local = await cli(['run', here, '--model', model, '--threads', '1', '-q']);
    expect(local.exitCode, String(local.stderr)).toBe(0);
    expect(await readFile(join(run, 'scores.csv'), 'utf8')).toBe(await readFile(join(here, 'scores.csv'), 'utf8'));
  }, 900_000);
});
