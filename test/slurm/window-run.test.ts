// A stride-16 window plan of a synthetic cohort on the real local SLURM cluster: plan -> pack -> infer
// (sliding, then dense) -> merge as arrays, equal to the local executor on the same plan, predictions
// and scores alike; the sbatch scripts carry --method to the infer tasks.
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readPredictions } from '../../src/hdf5/index.js';
import { buildFcn } from '../../src/model/dense/index.js';
import type { PlanFile } from '../../src/plan/index.js';
import { holdClusterDuringSuite, requireCluster, waitRunFinished } from '../fixtures/cluster.js';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';

const env = requireCluster();
let tmp: { dir: string; cleanup: () => Promise<void> };
let model: string;
let slides: string;
const submitArgs = ['--cpus-per-task', '1', '--mem-gb', '1', '--time', '00:20:00'];
const sl = (args: string[]) => cli(args, { env: env ?? {} });

holdClusterDuringSuite(env);
beforeAll(async () => {
  if (!env) return;
  tmp = await makeTempDir('window-run');
  // A valid-padding CNN (total stride 32) whose card allows dense inference.
  const fcn = buildFcn({ padding: 'valid' });
  model = join(tmp.dir, 'fcn.onnx');
  await writeFile(model, fcn.bytes);
  await writeFile(join(tmp.dir, 'fcn.json'), JSON.stringify({ ...fcn.card, dense: { allowed: true, totalStride: 32 } }));
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 2200, 1700, 83);
}, 180_000);
afterAll(() => tmp?.cleanup());

async function probabilities(run: string): Promise<Map<string, number>> {
  const plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')) as PlanFile;
  const out = new Map<string, number>();
  for (const shard of plan.shards.list) {
    const p = await readPredictions(join(run, 'predictions', `${shard.id}.h5`));
    for (let i = 0; i < p.slideIndex.length; i++)
      out.set(`${p.slideIds[p.slideIndex[i]]}/${p.gridIndex[i]}`, p.probabilities[i * p.classes + 1]);
  }
  return out;
}

describe.runIf(env)('stride-16 window plan on the local cluster', () => {
  test('sliding and dense as SLURM arrays equal the local executor on the same plan', async () => {
    const base = join(tmp.dir, 'base');
    const p = await sl([
      'plan',
      slides,
      '--out',
      base,
      '--stride',
      '16',
      '--window-positions',
      '14',
      '--patches-per-shard',
      '2500',
      '--json',
    ]);
    expect(p.exitCode, String(p.stderr)).toBe(0);
    const plan = parseJson<{ totals: PlanFile['totals']; tasks: PlanFile['tasks'] }>(p);
    expect(plan.totals.windows).toBeGreaterThan(0);
    expect(plan.tasks.pack.length).toBeGreaterThan(1);
    for (const method of ['sliding', 'dense'] as const) {
      const onCluster = join(tmp.dir, `slurm-${method}`);
      const here = join(tmp.dir, `local-${method}`);
      await cp(base, onCluster, { recursive: true });
      await cp(base, here, { recursive: true });
      const dry = await sl(['submit', onCluster, '--model', model, '--method', method, ...submitArgs, '--dry-run', '--json']);
      expect(dry.exitCode, String(dry.stderr)).toBe(0);
      const inferJobs = parseJson<{ submissions: Array<{ stage: string; script: string }> }>(dry).submissions.filter(
        (j) => j.stage === 'infer',
      );
      expect(inferJobs.length).toBeGreaterThan(0);
      for (const j of inferJobs) expect(j.script).toContain(` --method ${method} `);
      const s = await sl(['submit', onCluster, '--model', model, '--method', method, ...submitArgs, '-q']);
      expect(s.exitCode, String(s.stderr)).toBe(0);
      const status = await waitRunFinished(env ?? {}, onCluster, 900);
      expect(status).toBeTruthy();
      const local = await cli(['run', here, '--model', model, '--method', method, '--threads', '1', '-q']);
      expect(local.exitCode, String(local.stderr)).toBe(0);
      const a = await probabilities(onCluster);
      const b = await probabilities(here);
      expect(a.size).toBe(plan.totals.patches);
      let differing = 0;
      for (const [k, v] of b) if (a.get(k) !== v) differing++;
      expect(differing).toBe(0);
      expect(await readFile(join(onCluster, 'scores.csv'), 'utf8')).toBe(await readFile(join(here, 'scores.csv'), 'utf8'));
      const pred = await readPredictions(join(onCluster, 'predictions', 'shard-00000.h5'));
      expect(pred.attrs.method).toBe(method);
    }
  }, 1_500_000);
});
