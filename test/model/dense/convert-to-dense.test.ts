// convertToDense: the converted graph loads in onnxruntime-node, takes any window edge, carries
// each supported head, keeps the zoo nets' per-patch output, and refuses what it cannot carry.
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { buildFcn, convertToDense, type FcnHead } from '../../../src/model/dense/index.js';
import { DT, GraphBuilder, encodeModel, valueInfo } from '../../../src/model/index.js';
import { buildGoogLeNet, buildResNet18 } from '../../../src/model/zoo/index.js';
import type { WsiHpcError } from '../../../src/errors.js';

function input(n: number, h: number, w: number): ort.Tensor {
  return new ort.Tensor(
    'float32',
    Float32Array.from({ length: n * 3 * h * w }, (_, i) => Math.sin(i * 0.37) + 0.3 * Math.cos(i * 0.011)),
    [n, 3, h, w],
  );
}

async function run(bytes: Uint8Array, x: ort.Tensor): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const out = (await session.run({ input: x })).logits;
  await session.release();
  return out;
}

function conversionError(fn: () => unknown): WsiHpcError {
  try {
    fn();
  } catch (err) {
    return err as WsiHpcError;
  }
  throw new Error('expected convertToDense to throw');
}

// A patch model whose only pool has ceil_mode=1, to check the refusal names it.
function ceilModeModel(): Uint8Array {
  const g = new GraphBuilder();
  const conv = g.op('Conv', ['input', g.constFloat([4, 3, 3, 3], new Float32Array(108).fill(0.1))], {
    kernel_shape: [3, 3],
    strides: [2, 2],
  });
  const pool = g.op('MaxPool', [conv], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 });
  const flat = g.op('Flatten', [g.op('GlobalAveragePool', [pool])], { axis: 1 });
  g.op('Gemm', [flat, g.constFloat([2, 4], [1, 0, 0, 1, 0, 1, 1, 0])], { transB: 1 }, ['logits']);
  return encodeModel({
    graphName: 'ceil',
    builder: g,
    inputs: [valueInfo('input', DT.FLOAT, ['N', 3, 224, 224])],
    outputs: [valueInfo('logits', DT.FLOAT, ['N', 2])],
  });
}

describe('convertToDense', () => {
  test.each<[FcnHead, string]>([
    ['gap-gemm', 'GlobalAveragePool → Flatten → Gemm'],
    ['reducemean-matmul', 'ReduceMean → MatMul → Add'],
    ['avgpool-reshape-gemm-softmax', 'AveragePool → Reshape → Gemm → Softmax'],
  ])(
    'a %s head becomes AveragePool + 1x1 Conv: loads in onnxruntime-node and maps a 288x352 window to a 3x5 logit map',
    async (head, description) => {
      const model = buildFcn({ head });
      const dense = convertToDense(model.bytes, model.card);
      expect(dense).toMatchObject({ totalStridePx: 32, featureEdge: 6, classes: 2, patchSizePx: 224, replacedHead: description });
      expect(dense.card).toMatchObject({ isFullyConvolutional: true, output: { name: 'logits', kind: 'logits' } });
      const out = await run(dense.bytes, input(1, 288, 352));
      expect(out.dims).toEqual([1, 2, 3, 5]);
      expect(Array.from(out.data as Float32Array).every(Number.isFinite)).toBe(true);
    },
  );

  test.each([
    ['GoogLeNet', buildGoogLeNet],
    ['ResNet-18', buildResNet18],
  ])('%s converts with S=32 and a 7x7 pool, and a 224 window gives the patch logits (max abs diff < 1e-4 relative)', async (_, build) => {
    const model = build();
    const dense = convertToDense(model.bytes, model.card);
    expect(dense).toMatchObject({ totalStridePx: 32, featureEdge: 7, classes: 2, replacedHead: 'GlobalAveragePool → Flatten → Gemm' });
    const x = input(2, 224, 224);
    const [patch, map] = [await run(model.bytes, x), await run(dense.bytes, x)];
    expect(map.dims).toEqual([2, 2, 1, 1]);
    const a = patch.data as Float32Array;
    const b = map.data as Float32Array;
    const scale = Math.max(1, ...Array.from(a, Math.abs));
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]) / scale).toBeLessThan(1e-4);
  });

  test('a card that says fully convolutional keeps its graph; converting a dense model again is a no-op on its output', async () => {
    const model = buildFcn();
    const once = convertToDense(model.bytes, model.card);
    const twice = convertToDense(once.bytes, once.card);
    expect(twice).toMatchObject({ totalStridePx: 32, classes: 2, replacedHead: 'none (card says fully convolutional)' });
    const x = input(1, 256, 256);
    expect(Array.from((await run(twice.bytes, x)).data as Float32Array)).toEqual(
      Array.from((await run(once.bytes, x)).data as Float32Array),
    );
  });

  test('a classifier on the flattened map (no global pooling) is MODEL_INVALID naming the pattern and the supported heads', () => {
    const model = buildFcn({ head: 'flatten-gemm' });
    const err = conversionError(() => convertToDense(model.bytes, model.card, 'flat.onnx'));
    expect(err.code).toBe('MODEL_INVALID');
    expect(err.message).toContain(
      'flat.onnx: cannot convert to dense: the classifier does not read a global average of the last feature map (found Concat → Flatten → Gemm before output `logits`)',
    );
    expect(err.message).toContain('supported heads: GlobalAveragePool | ReduceMean over H,W');
  });

  test('a pool with ceil_mode=1 is MODEL_INVALID naming the node', () => {
    const card = { ...buildFcn().card };
    const err = conversionError(() => convertToDense(ceilModeModel(), card));
    expect(err.code).toBe('MODEL_INVALID');
    expect(err.message).toMatch(/MaxPool node `n_MaxPool_\d+` uses ceil_mode=1, which shifts the grid with the input size/);
  });

  test('an NHWC card and a false "fully convolutional" claim are MODEL_INVALID', () => {
    const model = buildFcn();
    const nhwc = { ...model.card, input: { ...model.card.input, layout: 'NHWC' as const } };
    expect(() => convertToDense(model.bytes, nhwc)).toThrow('the input layout is NHWC; dense conversion handles NCHW graphs only');
    expect(() => convertToDense(model.bytes, { ...model.card, isFullyConvolutional: true })).toThrow(
      /cannot convert to dense: GlobalAveragePool node `n_GlobalAveragePool_\d+` cannot run on a window of any size/,
    );
  });
});
