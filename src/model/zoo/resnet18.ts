// ResNet-18 (He et al. 2016) with random He-normal weights, for benchmarking: basic blocks
// [2,2,2,2] at 64/128/256/512 channels, 1x1 projection shortcuts, BatchNorm folded into conv biases.
import { encodeModel, DT, valueInfo } from '../onnx-builder.js';
import { NetBuilder, type FeatureMap } from './layers.js';
import type { BenchmarkNetOptions, ZooModel } from './types.js';
import { zooCard } from './zoo-card.js';

/** Channels of the four stages; each has two basic blocks and all but the first halve the edge. */
export const RESNET18_STAGES = [64, 128, 256, 512] as const;

// Two 3x3 convs and the shortcut (a strided 1x1 projection when the shape changes).
function basicBlock(net: NetBuilder, x: FeatureMap, channels: number, stride: number): FeatureMap {
  const body = net.conv(net.conv(x, channels, 3, { stride }), channels, 3, { relu: false });
  const shortcut = stride === 1 && x.channels === channels ? x : net.conv(x, channels, 1, { stride, relu: false });
  return net.addRelu(body, shortcut);
}

/**
 * ResNet-18 for 224x224x3 patches: `input` float32 NCHW [N,3,224,224] → `logits` [N,classes].
 * About 11.2M parameters with 2 classes (11.7M with the 1000-class ImageNet head) and 1.82G MACs.
 */
export function buildResNet18(options: BenchmarkNetOptions = {}): ZooModel {
  const seed = options.seed ?? 1;
  const classes = options.classes ?? 2;
  const net = new NetBuilder(seed);
  let x: FeatureMap = { name: 'input', channels: 3, height: 224, width: 224 };
  x = net.conv(x, 64, 7, { stride: 2, pad: 3 });
  x = net.maxPool(x, 3, 2, 1);
  RESNET18_STAGES.forEach((channels, stage) => {
    x = basicBlock(net, x, channels, stage === 0 ? 1 : 2);
    x = basicBlock(net, x, channels, 1);
  });
  net.head(x, classes, 'logits');
  const card = zooCard(
    'resnet18',
    `ResNet-18 with random He-normal weights, seed ${seed}: for benchmarking only, not a classifier.`,
    // Global-average-pool head: converts to dense with total stride 32 (test/model/dense-support.test.ts).
    { dense: { allowed: true, totalStride: 32 } },
    classes,
  );
  const bytes = encodeModel({
    graphName: 'resnet18',
    builder: net.graph,
    inputs: [valueInfo('input', DT.FLOAT, ['N', 3, 224, 224])],
    outputs: [valueInfo('logits', DT.FLOAT, ['N', classes])],
    docString: card.description,
    metadata: { 'wsi-hpc.zoo': 'resnet18', seed: String(seed) },
  });
  return { bytes, card, params: net.params, macsPerImage: net.macs, flopsPerImage: 2 * net.macs };
}
