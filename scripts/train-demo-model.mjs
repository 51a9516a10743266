#!/usr/bin/env node
// Trains the demo tumour classifier on a synthetic cohort and writes OUT_DIR/demo-tumour.{onnx,json}.
// Needs `npm run build`. Usage: node scripts/train-demo-model.mjs OUT_DIR [--cohort DIR] [--slides 6]
//   [--width 12000] [--height 9000] [--seed 1] [--patches-per-slide 400] [--held-out 2]
import { parseArgs } from 'node:util';
import { trainDemoModel } from '../dist/model/zoo/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    cohort: { type: 'string' },
    slides: { type: 'string' },
    width: { type: 'string' },
    height: { type: 'string' },
    seed: { type: 'string' },
    'patches-per-slide': { type: 'string' },
    'held-out': { type: 'string' },
  },
});
if (positionals.length !== 1) {
  console.error(
    'Usage: node scripts/train-demo-model.mjs OUT_DIR [--cohort DIR] [--slides N] [--width W] [--height H] [--seed S] [--patches-per-slide P] [--held-out K]',
  );
  process.exit(2);
}
const num = (v) => (v === undefined ? undefined : Number(v));
const result = await trainDemoModel({
  outDir: positionals[0],
  cohortDir: values.cohort,
  slides: num(values.slides),
  width: num(values.width),
  height: num(values.height),
  seed: num(values.seed),
  patchesPerSlide: num(values['patches-per-slide']),
  heldOutSlides: num(values['held-out']),
  onLog: (message) => console.error(message),
});
console.log(
  JSON.stringify(
    { onnx: result.onnxPath, card: result.cardPath, train: result.train, heldOut: result.heldOut, elapsedMs: result.elapsedMs },
    null,
    2,
  ),
);
