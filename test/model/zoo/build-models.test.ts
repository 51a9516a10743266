// The zoo builder: writes NAME.onnx + NAME.json, skips unchanged models on a rerun, refuses
// unknown names (library and script).
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildModels, normalizeZooNames } from '../../../src/model/zoo/index.js';
import { makeTempDir, ROOT } from '../../fixtures/index.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir('wsi-hpc-zoo-build-')));
afterAll(() => cleanup());

describe('buildModels', () => {
  test('writes googlenet.onnx and its card, then skips it when recipe and files are unchanged', async () => {
    const [first] = await buildModels({ outDir: dir, only: ['googlenet'] });
    expect(first).toMatchObject({ name: 'googlenet', stem: 'googlenet', status: 'written', params: 5_594_674 });
    const card = JSON.parse(await readFile(join(dir, 'googlenet.json'), 'utf8'));
    expect(card.output.labels[card.output.positiveIndex]).toBe('tumour');
    const mtime = (await stat(join(dir, 'googlenet.onnx'))).mtimeMs;
    const [second] = await buildModels({ outDir: dir, only: ['googlenet'] });
    expect(second).toMatchObject({ status: 'unchanged', onnxSha256: first.onnxSha256 });
    expect((await stat(join(dir, 'googlenet.onnx'))).mtimeMs).toBe(mtime);
  });

  test('normalizeZooNames lists the valid names for an unknown one', () => {
    expect(() => normalizeZooNames(['googlenet', 'vgg16'])).toThrow('Expected --only to name zoo models, received `vgg16`');
    expect(normalizeZooNames(['demo', 'googlenet'])).toEqual(['googlenet', 'demo']);
  });

  test('scripts/build-models.mjs exits 2 with the valid names for an unknown model', async () => {
    const r = await execa('node', [join(ROOT, 'scripts/build-models.mjs'), dir, '--only', 'alexnet'], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Valid names: googlenet, resnet18, demo');
  });
});
