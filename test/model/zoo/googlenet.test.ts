// GoogLeNet: runs in onnxruntime-node, has the published size and cost, and is deterministic.
import { describe, expect, test } from 'vitest';
import { buildGoogLeNet } from '../../../src/model/zoo/index.js';
import { expectConsistentModel, runBatch } from './net-checks.js';

/** torchvision.models.googlenet(aux_logits=False, init_weights=True): 6,624,904 parameters (BatchNorm has 2 per channel, our folded bias 1). */
const TORCHVISION_PARAMS = 6_624_904;
/** Szegedy et al. 2015, table 1: 6.8M parameters with true 5x5 branches. */
const PAPER_PARAMS = 6_797_700;

describe('buildGoogLeNet', () => {
  const model = buildGoogLeNet();

  test('runs a batch of 2 in onnxruntime-node and gives finite logits of shape [2,2]', async () => {
    const logits = await runBatch(model.bytes);
    expect(logits.dims).toEqual([2, 2]);
    expect(Array.from(logits.data as Float32Array).every(Number.isFinite)).toBe(true);
  });

  test('card, graph and counters agree; tumour is the positive class', () => {
    expectConsistentModel(model);
    expect(model.card).toMatchObject({
      patchSizePx: 224,
      mpp: 0.5,
      input: { layout: 'NCHW' },
      output: { kind: 'logits', labels: ['normal', 'tumour'] },
    });
  });

  test('has the real parameter count within 5% with the ImageNet head, and 2 classes drop exactly 998 head rows', () => {
    const imagenet = buildGoogLeNet({ classes: 1000 });
    expect(Math.abs(imagenet.params / TORCHVISION_PARAMS - 1)).toBeLessThan(0.05);
    expect(imagenet.params - model.params).toBe(998 * (1024 + 1));
    expect(model.macsPerImage / 1e9).toBeCloseTo(1.497, 2);
  });

  test('branch5Kernel 5 gives the paper network (6.8M parameters, 1.58G MACs)', () => {
    const paper = buildGoogLeNet({ classes: 1000, branch5Kernel: 5 });
    expect(Math.abs(paper.params / PAPER_PARAMS - 1)).toBeLessThan(0.05);
    expect(paper.macsPerImage / 1e9).toBeCloseTo(1.583, 2);
  });

  test('the same seed gives identical bytes and another seed different weights', () => {
    expect(Buffer.compare(buildGoogLeNet({ seed: 1 }).bytes, model.bytes)).toBe(0);
    expect(Buffer.compare(buildGoogLeNet({ seed: 2 }).bytes, model.bytes)).not.toBe(0);
  });
});
