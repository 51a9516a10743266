// A features model saved with external data (weights in a separate file) in a folder of its own, away
// from the run and the slides, runs as SLURM array tasks on the local cluster: every slide gets its
// features/<stem>.h5, equal to a local run of the same model with its weights inside the .onnx file.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { onnx } from '../../src/model/onnx-builder.js';
import { writeWithExternalData } from '../../src/model/external-data.js';
import { holdClusterDuringSuite, requireCluster, waitRunFinished } from '../fixtures/cluster.js';
import { SYSTEM_PYTHON, cli, makeCohort, makeTempDir } from '../fixtures/index.js';
import { writeFeatureModel } from '../fixtures/feature-models.js';

const env = requireCluster();
let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;
let inside: string;
let external: string;
const submitArgs = ['--cpus-per-task', '1', '--mem-gb', '1', '--time', '00:10:00', '--features-dtype', 'float32'];

holdClusterDuringSuite(env);
beforeAll(async () => {
  tmp = await makeTempDir('features-external');
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 2200, 1700, 95);
  await mkdir(join(tmp.dir, 'models-inside'), { recursive: true });
  inside = await writeFeatureModel(join(tmp.dir, 'models-inside'));
  // The same model with every initializer moved to models-external/feat.onnx.data.
  const dir = join(tmp.dir, 'models-external');
  await mkdir(dir, { recursive: true });
  external = join(dir, 'feat.onnx');
  const model = onnx.ModelProto.decode(await readFile(inside));
  expect(writeWithExternalData(model, external, 'feat.onnx.data', 0)).toBeGreaterThan(0);
  await copyFile(inside.replace(/\.onnx$/, '.json'), join(dir, 'feat.json'));
}, 120_000);
afterAll(() => tmp?.cleanup());

async function plan(name: string): Promise<string> {
  const run = join(tmp.dir, name);
  const p = await cli(['plan', slides, '--out', run, '--patches-per-shard', '150', '-q']);
  expect(p.exitCode, String(p.stderr)).toBe(0);
  return run;
}

// Per feature file: whether features and coords of run b equal run a's exactly (h5py; the files' own
// attributes name their run folder, so the bytes differ).
const SAME = `
import h5py, numpy as np, os, sys, json
a, b = sys.argv[1], sys.argv[2]
out = {}
for n in sorted(os.listdir(a)):
    if not n.endswith('.h5'): continue
    with h5py.File(os.path.join(a, n), 'r') as x, h5py.File(os.path.join(b, n), 'r') as y:
        out[n] = [x['features'].shape[0], bool(np.array_equal(x['features'][:], y['features'][:])), bool(np.array_equal(x['coords'][:], y['coords'][:]))]
print(json.dumps(out))
`;

function compareFeatures(a: string, b: string): Record<string, [number, boolean, boolean]> {
  return JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', SAME, join(a, 'features'), join(b, 'features')], { encoding: 'utf8' }));
}

describe.runIf(env)('a features model with external data on the local cluster', () => {
  test('the weights file really holds the weights: the .onnx alone is small', async () => {
    expect((await stat(join(tmp.dir, 'models-external/feat.onnx.data'))).size).toBe(3 * 6 * 4);
  });

  test('SLURM array tasks find the weights in the model folder; features equal a local run with weights inside', async () => {
    const local = await plan('local');
    const r = await cli(['run', local, '--model', inside, '--features-dtype', 'float32', '-q']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const slurm = await plan('slurm');
    const s = await cli(['submit', slurm, '--model', external, ...submitArgs, '-q'], { env: env ?? {} });
    expect(s.exitCode, String(s.stderr)).toBe(0);
    const status = await waitRunFinished(env ?? {}, slurm, 600);
    for (const st of status.stages) expect(st.counts.done, `${st.stage}: ${JSON.stringify(st.tasks)}`).toBe(st.total);
    expect((await readdir(join(slurm, 'features'))).filter((f) => f.endsWith('.h5')).sort()).toEqual(
      (await readdir(join(local, 'features'))).filter((f) => f.endsWith('.h5')).sort(),
    );
    const same = compareFeatures(local, slurm);
    expect(Object.keys(same)).toHaveLength(2);
    for (const [name, [n, isFeaturesEqual, isCoordsEqual]] of Object.entries(same)) {
      expect(n, name).toBeGreaterThan(0);
      expect(isFeaturesEqual, name).toBe(true);
      expect(isCoordsEqual, name).toBe(true);
    }
  }, 700_000);
});
