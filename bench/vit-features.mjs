#!/usr/bin/env node
// Features per second of the zoo's ViT-S/16 and ViT-B/16 feature extractors (wrapped as infer runs them:
// uint8 patches in, class token out) on CPU with 1 and 2 intra-op threads, and the peak memory of wrapping.
// Usage: npm run build && node bench/vit-features.mjs [DIR] [--batch 8] [--batches 4]
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { batch: { type: 'string', default: '8' }, batches: { type: 'string', default: '4' } },
});
const dir = positionals[0] ?? join(ROOT, 'bench', '.models');
const batch = Number(values.batch);
const batches = Number(values.batches);
for (const name of ['vit-s16', 'vit-b16'])
  if (!existsSync(join(dir, `${name}.onnx`)))
    execFileSync('node', [join(ROOT, 'scripts/build-models.mjs'), dir, '--only', name], { stdio: 'ignore' });

// Each measurement in its own process, so that peak memory and thread pools do not mix.
const child = `
  const [file, threads, batch, batches] = process.argv.slice(1);
  const { readModelBytes, readModelCard, wrapModel } = await import(${JSON.stringify(join(ROOT, 'dist/model/index.js'))});
  const { openSession } = await import(${JSON.stringify(join(ROOT, 'dist/runner/session.js'))});
  const { dirname } = await import('node:path');
  const card = await readModelCard(file);
  const w = wrapModel(await readModelBytes(file), card, file);
  const wrapRssMB = process.resourceUsage().maxRSS / 1024;
  const { session, ort } = await openSession(w.bytes, { device: 'cpu', threads: Number(threads), env: {}, externalDataDir: dirname(file) });
  const n = Number(batch);
  const p = card.patchSizePx;
  const x = new ort.Tensor('uint8', Uint8Array.from({ length: n * p * p * 3 }, (_, i) => (i * 31) & 255), [n, p, p, 3]);
  await session.run({ [w.inputName]: x });
  const t = performance.now();
  for (let k = 0; k < Number(batches); k++) await session.run({ [w.inputName]: x });
  const s = (performance.now() - t) / 1000;
  console.log(JSON.stringify({ model: card.name, threads: Number(threads), batch: n, featuresPerSecond: +(n * Number(batches) / s).toFixed(2),
    wrapPeakRssMB: Math.round(wrapRssMB), peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), external: w.externalData.length > 0 }));`;
for (const name of ['vit-s16', 'vit-b16'])
  for (const threads of [1, 2]) {
    const out = execFileSync('node', [
      '--input-type=module',
      '-e',
      child,
      join(dir, `${name}.onnx`),
      String(threads),
      String(batch),
      String(batches),
    ]);
    process.stdout.write(out);
  }
