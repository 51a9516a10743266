// ResNet-18: runs in onnxruntime-node, has the published size and cost, and is deterministic.
import { describe, expect, test } from 'vitest';
import { buildResNet18 } from '../../../src/model/zoo/index.js';
import { expectConsistentModel, runBatch } from './net-checks.js';

/** torchvision.models.resnet18(): 11,689,512 parameters (BatchNorm 2 per channel, our folded bias 1). */
const TORCHVISION_PARAMS = 11_689_512;

describe('buildResNet18', () => {
  const model = buildResNet18();

  test('runs a batch of 2 in onnxruntime-node and gives finite logits of shape [2,2]', async () => {
    const logits = await runBatch(model.bytes);
    expect(logits.dims).toEqual([2, 2]);
    expect(Array.from(logits.data as Float32Array).every(Number.isFinite)).toBe(true);
  });

  test('card, graph and counters agree; tumour is the positive class', () => {
    expectConsistentModel(model);
  });

  test('has the real parameter count within 5%, with 2 classes and with the ImageNet head', () => {
    const imagenet = buildResNet18({ classes: 1000 });
    expect(Math.abs(imagenet.params / TORCHVISION_PARAMS - 1)).toBeLessThan(0.01);
    expect(Math.abs(model.params / TORCHVISION_PARAMS - 1)).toBeLessThan(0.05);
    expect(imagenet.params - model.params).toBe(998 * (512 + 1));
    expect(model.macsPerImage / 1e9).toBeCloseTo(1.814, 2);
  });

  test('the same seed gives identical bytes and another seed different weights', () => {
    expect(Buffer.compare(buildResNet18({ seed: 1 }).bytes, model.bytes)).toBe(0);
    expect(Buffer.compare(buildResNet18({ seed: 7 }).bytes, model.bytes)).not.toBe(0);
  });
});
