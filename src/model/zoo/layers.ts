// Shape-tracking layers for the benchmark nets: conv (+bias, +Relu), pools, concat, residual add
// and the classifier head, over GraphBuilder. Counts parameters and multiply-accumulates as it goes
// and draws He-normal weights from a seeded PRNG; graph encoding stays in ../onnx-builder.ts.
import { GraphBuilder } from '../onnx-builder.js';
import { createNormalRng } from './prng.js';

/** A feature map in the graph: its value name and per-image (channels, height, width). */
export interface FeatureMap {
  name: string;
  channels: number;
  height: number;
  width: number;
}

export interface ConvOptions {
  /** @default 1 */
  stride?: number;
  /** Symmetric zero padding in pixels. @default floor(kernel / 2) */
  pad?: number;
  /** Follow with Relu. @default true */
  relu?: boolean;
}

// Output edge of a conv or pool window (floor mode, as PyTorch without ceil_mode).
function outEdge(edge: number, kernel: number, stride: number, pad: number): number {
  return Math.floor((edge + 2 * pad - kernel) / stride) + 1;
}

/** Builds a CNN layer by layer with BatchNorm folded away (conv + bias + Relu), biases 0. */
export class NetBuilder {
  readonly graph = new GraphBuilder();
  /** Trainable parameters so far (weights + biases). */
  params = 0;
  /** Multiply-accumulates per image so far (conv and gemm only). */
  macs = 0;
  private readonly normal: () => number;

  constructor(seed: number) {
    this.normal = createNormalRng(seed);
  }

  // He/Kaiming normal: std = sqrt(2 / fanIn), for Relu networks.
  private heWeights(count: number, fanIn: number): Float32Array {
    const std = Math.sqrt(2 / fanIn);
    const w = new Float32Array(count);
    for (let i = 0; i < count; i++) w[i] = this.normal() * std;
    return w;
  }

  conv(x: FeatureMap, outChannels: number, kernel: number, options: ConvOptions = {}): FeatureMap {
    const stride = options.stride ?? 1;
    const pad = options.pad ?? Math.floor(kernel / 2);
    const fanIn = x.channels * kernel * kernel;
    const w = this.graph.constFloat([outChannels, x.channels, kernel, kernel], this.heWeights(outChannels * fanIn, fanIn), 'w');
    const b = this.graph.constFloat([outChannels], new Float32Array(outChannels), 'b');
    let name = this.graph.op('Conv', [x.name, w, b], {
      kernel_shape: [kernel, kernel],
      strides: [stride, stride],
      pads: [pad, pad, pad, pad],
    });
    if (options.relu ?? true) name = this.graph.op('Relu', [name]);
    const height = outEdge(x.height, kernel, stride, pad);
    const width = outEdge(x.width, kernel, stride, pad);
    this.params += outChannels * fanIn + outChannels;
    this.macs += outChannels * fanIn * height * width;
    return { name, channels: outChannels, height, width };
  }

  maxPool(x: FeatureMap, kernel: number, stride: number, pad: number): FeatureMap {
    const name = this.graph.op('MaxPool', [x.name], {
      kernel_shape: [kernel, kernel],
      strides: [stride, stride],
      pads: [pad, pad, pad, pad],
    });
    return { name, channels: x.channels, height: outEdge(x.height, kernel, stride, pad), width: outEdge(x.width, kernel, stride, pad) };
  }

  /** Channel concatenation of maps with equal height and width (inception branches). */
  concat(maps: FeatureMap[]): FeatureMap {
    const name = this.graph.op(
      'Concat',
      maps.map((m) => m.name),
      { axis: 1 },
    );
    return { ...maps[0], name, channels: maps.reduce((sum, m) => sum + m.channels, 0) };
  }

  /** Residual join: Relu(a + b). */
  addRelu(a: FeatureMap, b: FeatureMap): FeatureMap {
    return { ...a, name: this.graph.op('Relu', [this.graph.op('Add', [a.name, b.name])]) };
  }

  /** Global average pool, flatten and a fully connected layer writing `outputName` [N, classes]. */
  head(x: FeatureMap, classes: number, outputName: string): void {
    const pooled = this.graph.op('GlobalAveragePool', [x.name]);
    const flat = this.graph.op('Flatten', [pooled], { axis: 1 });
    const w = this.graph.constFloat([classes, x.channels], this.heWeights(classes * x.channels, x.channels), 'fc_w');
    const b = this.graph.constFloat([classes], new Float32Array(classes), 'fc_b');
    this.graph.op('Gemm', [flat, w, b], { transB: 1 }, [outputName]);
    this.params += classes * x.channels + classes;
    this.macs += classes * x.channels;
  }
}
