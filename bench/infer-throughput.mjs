#!/usr/bin/env node
// Runner overhead and achieved GFLOP/s on CPU, in one process:
//   (a) matrix-multiply peak of ONNX Runtime on this machine (a 1024^3 MatMul graph),
//   (b) the model alone: session.run on uint8 batches already in memory (same wrapped graph),
//   (c) the runner: `runInfer` over a packed shard (HDF5 read, feeds, predictions write).
// Overhead = 1 - (c)/(b). Usage: npm run build && node bench/infer-throughput.mjs [--patches 256] [--models googlenet,resnet18]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { buildGoogLeNet, buildResNet18 } from '../dist/model/zoo/index.js';
import { DT, GraphBuilder, encodeModel, valueInfo, wrapModel } from '../dist/model/index.js';
import { runPlan } from '../dist/stages/plan/index.js';
import { runPack } from '../dist/stages/pack/index.js';
import { runInfer } from '../dist/stages/infer/index.js';
import { synthSlide } from '../dist/synth/index.js';

const { values } = parseArgs({
  options: {
    patches: { type: 'string', default: '256' },
    models: { type: 'string', default: 'googlenet,resnet18' },
    batch: { type: 'string', default: '16' },
  },
});
const N = Number(values.patches);
const B = Number(values.batch);
const out = join(process.cwd(), 'bench/out/infer');
await mkdir(out, { recursive: true });
const log = (m) => process.stderr.write(`${m}\n`);

async function matmulPeak(threads) {
  const n = 1024;
  const b = new GraphBuilder();
  b.op('MatMul', ['a', 'b'], {}, ['c']);
  const bytes = encodeModel({
    graphName: 'mm',
    builder: b,
    inputs: [valueInfo('a', DT.FLOAT, [n, n]), valueInfo('b', DT.FLOAT, [n, n])],
    outputs: [valueInfo('c', DT.FLOAT, [n, n])],
  });
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const a = new ort.Tensor(
    'float32',
    Float32Array.from({ length: n * n }, (_, i) => (i % 7) / 7),
    [n, n],
  );
  await s.run({ a, b: a });
  const reps = 10;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await s.run({ a, b: a });
  const sec = (performance.now() - t0) / 1000;
  await s.release();
  return (2 * n ** 3 * reps) / sec / 1e9;
}

async function modelAlone(wrapped, threads, p) {
  const s = await ort.InferenceSession.create(wrapped.bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const batch = new Uint8Array(B * p * p * 3).map((_, i) => (i * 31) & 255);
  const feed = { [wrapped.inputName]: new ort.Tensor('uint8', batch, [B, p, p, 3]) };
  await s.run(feed);
  const t0 = performance.now();
  for (let done = 0; done < N; done += B) await s.run(feed);
  const sec = (performance.now() - t0) / 1000;
  await s.release();
  return (Math.ceil(N / B) * B) / sec;
}

// A packed run of about N patches from one synthetic slide.
const slide = join(out, 'slide.tif');
await synthSlide({ path: slide, width: 12000, height: 9000, seed: 3 });
const run = join(out, 'run');
await runPlan({ inputs: [slide], out: run, grid: { targetMpp: 0.5, patchSizePx: 224 }, shards: { patchesPerShard: N }, isForced: true });
await runPack({ run, task: 0 });

const results = { machine: { cores: (await import('node:os')).availableParallelism() }, patches: N, batch: B, peaks: {}, models: [] };
for (const threads of [1, 2]) results.peaks[threads] = await matmulPeak(threads);
for (const name of values.models.split(',')) {
  const zoo = name === 'googlenet' ? buildGoogLeNet() : buildResNet18();
  const modelPath = join(out, `${name}.onnx`);
  await writeFile(modelPath, zoo.bytes);
  await writeFile(join(out, `${name}.json`), JSON.stringify(zoo.card));
  const wrapped = wrapModel(zoo.bytes, zoo.card, modelPath);
  for (const threads of [1, 2]) {
    log(`${name}, ${threads} thread(s)`);
    const alone = await modelAlone(wrapped, threads, 224);
    const r = await runInfer({ run, model: modelPath, task: 0, threads, batchSize: B, device: 'cpu', env: {} });
    const runner = r.patchesPerSecond;
    // Force a rerun next time: the marker would skip the shard.
    const { rm } = await import('node:fs/promises');
    await rm(join(run, 'markers', 'infer'), { recursive: true, force: true });
    results.models.push({
      model: name,
      threads,
      flopsPerImage: zoo.flopsPerImage,
      aloneFps: alone,
      runnerFps: runner,
      overhead: 1 - runner / alone,
      gflopsRunner: (runner * zoo.flopsPerImage) / 1e9,
      ofPeak: (runner * zoo.flopsPerImage) / 1e9 / results.peaks[threads],
    });
  }
}
console.log(JSON.stringify(results, null, 2));
