// Shared checks for the generated benchmark nets: run a batch in onnxruntime-node and compare the
// builder's own counts with what the encoded graph holds (independently, via inspectModel).
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { inspectModel } from '../../../src/model/index.js';
import type { ZooModel } from '../../../src/model/zoo/index.js';

/** Logits of a deterministic batch of `n` 224² patches (values in the normalized range). */
export async function runBatch(bytes: Uint8Array, n = 2): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const data = Float32Array.from({ length: n * 3 * 224 * 224 }, (_, i) => 2 * Math.sin(i * 0.37));
  const out = await session.run({ input: new ort.Tensor('float32', data, [n, 3, 224, 224]) });
  await session.release();
  return out.logits;
}

/** The card matches the graph, tumour is the positive class, and params equal the initializers' size. */
export function expectConsistentModel(model: ZooModel): void {
  const inspection = inspectModel(model.bytes, model.card);
  expect(inspection.disagreements).toEqual([]);
  expect(inspection.inputs).toEqual([{ name: 'input', dtype: 'float', shape: ['N', 3, 224, 224] }]);
  expect(inspection.parameters).toBe(model.params);
  expect(model.card.output.labels[model.card.output.positiveIndex]).toBe('tumour');
  expect(model.flopsPerImage).toBe(2 * model.macsPerImage);
}
