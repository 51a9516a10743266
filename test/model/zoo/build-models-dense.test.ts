// A zoo folder built by recipe 1 (cards without `dense`) is rebuilt by the current recipe, so its
// GoogLeNet card then allows dense inference at total stride 32; the weights are unchanged.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildModels, ZOO_MANIFEST } from '../../../src/model/zoo/index.js';
import { hashJson, sha256 } from '../../../src/util/hash.js';
import { makeTempDir } from '../../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('zoo-dense');
});
afterAll(() => tmp?.cleanup());

test('a googlenet card written by recipe 1 (no dense) is rewritten with dense {allowed, totalStride 32}; the .onnx bytes stay the same', async () => {
  const [first] = await buildModels({ outDir: tmp.dir, only: ['googlenet'] });
  const cardPath = join(tmp.dir, 'googlenet.json');
  const card = JSON.parse(await readFile(cardPath, 'utf8'));
  expect(card.dense).toEqual({ allowed: true, totalStride: 32 });
  // Make the folder what recipe 1 wrote: the card without `dense`, and a manifest recording recipe 1.
  const { dense: _, ...oldCard } = card;
  const oldCardText = `${JSON.stringify(oldCard, null, 2)}\n`;
  await writeFile(cardPath, oldCardText);
  const manifestPath = join(tmp.dir, ZOO_MANIFEST);
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  manifest.models.googlenet.recipe = hashJson({ name: 'googlenet', version: 1, seed: 1, demo: null });
  manifest.models.googlenet.cardSha256 = sha256(oldCardText);
  await writeFile(manifestPath, JSON.stringify(manifest));
  const [second] = await buildModels({ outDir: tmp.dir, only: ['googlenet'] });
  expect(second).toMatchObject({ status: 'written', onnxSha256: first.onnxSha256, cardSha256: first.cardSha256 });
  expect(JSON.parse(await readFile(cardPath, 'utf8')).dense).toEqual({ allowed: true, totalStride: 32 });
});
