#!/usr/bin/env node
// Seconds per batch of 16 224² patches on CPU (onnxruntime-node) for the generated GoogLeNet and
// ResNet-18, with 1 and 2 intra-op threads. Needs `npm run build`. JSON on stdout.
// Usage: node bench/zoo-infer.mjs [--runs 5] [--batch 16]
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { buildGoogLeNet, buildResNet18 } from '../dist/model/zoo/index.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, batch: { type: 'string', default: '16' } } });
const runs = Number(values.runs);
const batch = Number(values.batch);
const input = new ort.Tensor(
  'float32',
  Float32Array.from({ length: batch * 3 * 224 * 224 }, (_, i) => Math.sin(i * 0.37)),
  [batch, 3, 224, 224],
);
const rows = [];
for (const build of [buildGoogLeNet, buildResNet18]) {
  const model = build();
  for (const threads of [1, 2]) {
    const session = await ort.InferenceSession.create(model.bytes, { intraOpNumThreads: threads, interOpNumThreads: 1 });
    await session.run({ input });
    const seconds = [];
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      await session.run({ input });
      seconds.push((performance.now() - t) / 1000);
    }
    await session.release();
    seconds.sort((a, b) => a - b);
    const median = seconds[Math.floor(seconds.length / 2)];
    const row = {
      model: model.card.name,
      threads,
      batch,
      medianSeconds: +median.toFixed(3),
      minSeconds: +seconds[0].toFixed(3),
      patchesPerSecond: +(batch / median).toFixed(1),
      gflopsPerSecond: +((batch * model.flopsPerImage) / median / 1e9).toFixed(1),
    };
    console.error(JSON.stringify(row));
    rows.push(row);
  }
}
console.log(JSON.stringify({ node: process.version, ort: ort.env.versions, runs, rows }, null, 2));
