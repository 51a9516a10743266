// GoogLeNet / Inception-v1 (Szegedy et al. 2015, table 1) with random He-normal weights: the
// published study's patch classifier, for benchmarking. No LRN, no auxiliary heads, BatchNorm
// folded (conv + bias + Relu). The "5x5" branch uses 3x3 kernels by default, as torchvision's
// GoogLeNet does (the 6.6M params / 1.5G MACs usually quoted); `branch5Kernel: 5` gives the paper's.
import { encodeModel, DT, valueInfo } from '../onnx-builder.js';
import { NetBuilder, type FeatureMap } from './layers.js';
import type { BenchmarkNetOptions, ZooModel } from './types.js';
import { zooCard } from './zoo-card.js';

/** Channels of one inception module: 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool projection. */
type InceptionSpec = [number, number, number, number, number, number];

/** The nine modules of table 1, in order; max pools follow 3b and 4e. */
export const INCEPTION_MODULES: Record<string, InceptionSpec> = {
  '3a': [64, 96, 128, 16, 32, 32],
  '3b': [128, 128, 192, 32, 96, 64],
  '4a': [192, 96, 208, 16, 48, 64],
  '4b': [160, 112, 224, 24, 64, 64],
  '4c': [128, 128, 256, 24, 64, 64],
  '4d': [112, 144, 288, 32, 64, 64],
  '4e': [256, 160, 320, 32, 128, 128],
  '5a': [256, 160, 320, 32, 128, 128],
  '5b': [384, 192, 384, 48, 128, 128],
};

export interface GoogLeNetOptions extends BenchmarkNetOptions {
  /** Kernel of the "5x5" branch: 3 as in torchvision (and PyTorch-trained models), 5 as in the paper. @default 3 */
  branch5Kernel?: 3 | 5;
}

function inception(net: NetBuilder, x: FeatureMap, [c1, r3, c3, r5, c5, pp]: InceptionSpec, k5: number): FeatureMap {
  const b1 = net.conv(x, c1, 1);
  const b3 = net.conv(net.conv(x, r3, 1), c3, 3);
  const b5 = net.conv(net.conv(x, r5, 1), c5, k5);
  const bp = net.conv(net.maxPool(x, 3, 1, 1), pp, 1);
  return net.concat([b1, b3, b5, bp]);
}

/**
 * GoogLeNet for 224x224x3 patches: `input` float32 NCHW [N,3,224,224] → `logits` [N,classes].
 * With 3x3 "5x5" branches: 5.6M parameters with 2 classes (6.6M with the 1000-class ImageNet head)
 * and 1.50G MACs per image; with 5x5 branches 6.0M / 7.0M and 1.58G.
 */
export function buildGoogLeNet(options: GoogLeNetOptions = {}): ZooModel {
  const seed = options.seed ?? 1;
  const classes = options.classes ?? 2;
  const k5 = options.branch5Kernel ?? 3;
  const net = new NetBuilder(seed);
  let x: FeatureMap = { name: 'input', channels: 3, height: 224, width: 224 };
  x = net.conv(x, 64, 7, { stride: 2, pad: 3 });
  x = net.maxPool(x, 3, 2, 1);
  x = net.conv(net.conv(x, 64, 1), 192, 3);
  x = net.maxPool(x, 3, 2, 1);
  for (const [id, spec] of Object.entries(INCEPTION_MODULES)) {
    x = inception(net, x, spec, k5);
    if (id === '3b' || id === '4e') x = net.maxPool(x, 3, 2, 1);
  }
  net.head(x, classes, 'logits');
  const card = zooCard(
    'googlenet',
    `GoogLeNet (Inception-v1) with random He-normal weights, seed ${seed}: for benchmarking only, not a classifier.`,
    // Global-average-pool head: converts to dense with total stride 32 (test/model/dense-support.test.ts).
    { dense: { allowed: true, totalStride: 32 } },
    classes,
  );
  const bytes = encodeModel({
    graphName: 'googlenet',
    builder: net.graph,
    inputs: [valueInfo('input', DT.FLOAT, ['N', 3, 224, 224])],
    outputs: [valueInfo('logits', DT.FLOAT, ['N', classes])],
    docString: card.description,
    metadata: { 'wsi-hpc.zoo': 'googlenet', seed: String(seed), branch5Kernel: String(k5) },
  });
  return { bytes, card, params: net.params, macsPerImage: net.macs, flopsPerImage: 2 * net.macs };
}
