#!/usr/bin/env node
// Runner overhead and achieved GFLOP/s on CPU, in one process:
//   (a) matrix-multiply peak of ONNX Runtime on this machine (a 1024^3 MatMul graph),
//   (b) the model alone: session.run on uint8 batches already in memory (same wrapped graph),
//   (c) the runner: `runInfer` over a packed shard (HDF5 read, feeds, predictions write).
// Overhead = 1 - (c)/(b); CPU-seconds of the process beside each (process.cpuUsage), and the task's fixed
// set-up (validate, wrap, session) = runInfer's wall minus its shards' seconds. vit-b16 is saved with external data.
// Usage: npm run build && node bench/infer-throughput.mjs [--patches 256] [--models googlenet,resnet18,vit-s16,vit-b16]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { VIT_B16, VIT_S16, buildGoogLeNet, buildResNet18, buildVit, buildVitProto } from '../dist/model/zoo/index.js';
import { DT, GraphBuilder, encodeModel, readModelBytes, valueInfo, wrapModel, writeWithExternalData } from '../dist/model/index.js';
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

const cpuSeconds = (since) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

// The zoo model `name` written into `out` (vit-b16 with its weights in vit-b16.onnx.data).
async function writeZooModel(name) {
  const modelPath = join(out, `${name}.onnx`);
  if (name === 'vit-b16') {
    const { proto, card, flopsPerImage } = buildVitProto(VIT_B16);
    writeWithExternalData(proto, modelPath, 'vit-b16.onnx.data');
    await writeFile(join(out, `${name}.json`), JSON.stringify(card));
    return { modelPath, bytes: await readModelBytes(modelPath), card, flopsPerImage };
  }
  const zoo = name === 'googlenet' ? buildGoogLeNet() : name === 'resnet18' ? buildResNet18() : buildVit(VIT_S16);
  await writeFile(modelPath, zoo.bytes);
  await writeFile(join(out, `${name}.json`), JSON.stringify(zoo.card));
  return { modelPath, bytes: zoo.bytes, card: zoo.card, flopsPerImage: zoo.flopsPerImage };
}

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
    ...(wrapped.externalData.length > 0 ? { extra: { session: { model_external_initializers_file_folder_path: out } } } : {}),
  });
  const batch = new Uint8Array(B * p * p * 3).map((_, i) => (i * 31) & 255);
  const feed = { [wrapped.inputName]: new ort.Tensor('uint8', batch, [B, p, p, 3]) };
  await s.run(feed);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let done = 0; done < N; done += B) await s.run(feed);
  const sec = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(cpu0);
  await s.release();
  const n = Math.ceil(N / B) * B;
  return { fps: n / sec, cpuSecondsPerPatch: cpu / n };
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
  const zoo = await writeZooModel(name);
  const modelPath = zoo.modelPath;
  const wrapped = wrapModel(zoo.bytes, zoo.card, modelPath);
  for (const threads of [1, 2]) {
    log(`${name}, ${threads} thread(s)`);
    const alone = await modelAlone(wrapped, threads, 224);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await runInfer({ run, model: modelPath, task: 0, threads, batchSize: B, device: 'cpu', env: {} });
    const wall = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(cpu0);
    const patches = r.shards.reduce((n, s) => n + s.patches, 0);
    const shardSeconds = r.shards.reduce((n, s) => n + s.seconds, 0);
    const runner = r.patchesPerSecond;
    // Force a rerun next time: the marker would skip the shard.
    const { rm } = await import('node:fs/promises');
    await rm(join(run, 'markers', 'infer'), { recursive: true, force: true });
    results.models.push({
      model: name,
      threads,
      flopsPerImage: zoo.flopsPerImage,
      aloneFps: alone.fps,
      runnerFps: runner,
      overhead: 1 - runner / alone.fps,
      overheadMsPerPatch: 1000 / runner - 1000 / alone.fps,
      setupSeconds: wall - shardSeconds,
      aloneCpuSecondsPerPatch: alone.cpuSecondsPerPatch,
      taskCpuSecondsPerPatch: cpu / patches,
      taskWallSeconds: wall,
      gflopsRunner: (runner * zoo.flopsPerImage) / 1e9,
      ofPeak: (runner * zoo.flopsPerImage) / 1e9 / results.peaks[threads],
    });
  }
}
console.log(JSON.stringify(results, null, 2));
