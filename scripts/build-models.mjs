#!/usr/bin/env node
// Writes the model zoo (generated, never downloaded) into OUT_DIR: googlenet, resnet18 (random
// weights, for benchmarks), demo (demo-tumour, trained on a synthetic cohort) and the ViT-S/16 and
// ViT-B/16 feature extractors (random weights; vit-b16 saved with external data vit-b16.onnx.data).
// Needs `npm run build`.
// Usage: node scripts/build-models.mjs OUT_DIR [--only googlenet,resnet18,demo,vit-s16,vit-b16] [--seed 1] [--force]
import { parseArgs } from 'node:util';
import { buildModels } from '../dist/model/zoo/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    only: { type: 'string' },
    seed: { type: 'string', default: '1' },
    force: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || positionals.length !== 1) {
  console.error('Usage: node scripts/build-models.mjs OUT_DIR [--only googlenet,resnet18,demo,vit-s16,vit-b16] [--seed 1] [--force]');
  process.exit(values.help ? 0 : 2);
}
try {
  const results = await buildModels({
    outDir: positionals[0],
    only: values.only
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    seed: Number(values.seed),
    force: values.force,
    onLog: (message) => console.error(message),
  });
  console.log(JSON.stringify(results, null, 2));
} catch (err) {
  console.error(err instanceof Error ? `${err.message}${err.hint ? `\n${err.hint}` : ''}` : err);
  process.exitCode = err?.code === 'INVALID_OPTION' ? 2 : 1;
}
