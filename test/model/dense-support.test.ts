// describeDenseSupport on the real zoo nets and on models that do not convert; chooseMethod's every
// branch (patch vs window plans, sliding/dense/auto, card permission, stride fit, card mismatch).
import { describe, expect, test } from 'vitest';
import { buildFcn, planShifts } from '../../src/model/dense/index.js';
import {
  chooseMethod,
  describeDenseSupport,
  inspectModel,
  validateModelForInfer,
  DT,
  GraphBuilder,
  encodeModel,
  valueInfo,
  type DenseSupport,
} from '../../src/model/index.js';
import { buildDemoClassifierGraph, buildGoogLeNet, buildResNet18, DEMO_FEATURES, zooCard } from '../../src/model/zoo/index.js';

const GAP_HEAD = 'GlobalAveragePool → Flatten → Gemm';

// The test fixture's tiny model: ReduceMean → MatMul → Add → Identity (the Identity hides the classifier).
function identityHeadModel(): Uint8Array {
  const b = new GraphBuilder();
  const mean = b.op('ReduceMean', ['input'], { axes: [2, 3], keepdims: 0 });
  const logits = b.op('Add', [b.op('MatMul', [mean, b.constFloat([3, 2], [1, -1, 0.5, -1.5, -0.5, 1])]), b.constFloat([2], [0, 0])]);
  b.op('Identity', [logits], {}, ['logits']);
  return encodeModel({
    graphName: 'identity-head',
    builder: b,
    inputs: [valueInfo('input', DT.FLOAT, ['N', 3, 224, 224])],
    outputs: [valueInfo('logits', DT.FLOAT, ['N', 2])],
  });
}

describe('describeDenseSupport', () => {
  test.each([
    ['GoogLeNet', buildGoogLeNet],
    ['ResNet-18', buildResNet18],
  ])('zoo %s converts with total stride 32, and its card allows dense with that stride', (_, build) => {
    const model = build();
    expect(model.card.dense).toEqual({ allowed: true, totalStride: 32 });
    expect(describeDenseSupport(model.bytes, model.card, 'zoo.onnx')).toEqual({
      converts: true,
      totalStride: 32,
      replacedHead: GAP_HEAD,
      reason: null,
      allowedByCard: true,
      cardTotalStrideMismatch: null,
    });
  });

  test("the demo classifier's graph (features concatenated, then Gemm) does not convert, so its card declares no dense", () => {
    const bytes = buildDemoClassifierGraph({ weights: DEMO_FEATURES.map(() => 0.1), bias: 0 });
    const s = describeDenseSupport(bytes, zooCard('demo-tumour', 'demo'), 'demo-tumour.onnx');
    expect(s).toMatchObject({
      converts: false,
      totalStride: null,
      replacedHead: null,
      allowedByCard: false,
      cardTotalStrideMismatch: null,
    });
    expect(s.reason).toMatch(/^the classifier does not read a global average of the last feature map \(found Concat → Flatten → Gemm/);
  });

  test('a classifier on the flattened map gives the reason without the file prefix', () => {
    const model = buildFcn({ head: 'flatten-gemm' });
    const s = describeDenseSupport(model.bytes, { ...model.card, dense: { allowed: true, totalStride: 32 } }, 'flat.onnx');
    expect(s).toMatchObject({ converts: false, totalStride: null, allowedByCard: true, cardTotalStrideMismatch: null });
    expect(s.reason).toMatch(/^the classifier does not read a global average of the last feature map \(found Concat → Flatten → Gemm/);
    expect(s.reason).toContain('supported heads: GlobalAveragePool');
    expect(s.reason).not.toContain('flat.onnx');
  });

  test('an Identity after the classifier does not convert and says what produces the output', () => {
    const s = describeDenseSupport(identityHeadModel(), zooCard('tiny', 'tiny'), 'tiny.onnx');
    expect(s.converts).toBe(false);
    expect(s.reason).toContain('the output is produced by Identity, not by a Gemm or MatMul+Add classifier');
  });

  test('an NHWC card does not convert (reason names the layout)', () => {
    const model = buildFcn();
    const card = { ...model.card, input: { ...model.card.input, layout: 'NHWC' as const } };
    expect(describeDenseSupport(model.bytes, card, 'm.onnx').reason).toBe(
      'the input layout is NHWC; dense conversion handles NCHW graphs only',
    );
  });

  test("a card whose dense.totalStride differs from the graph's reports the mismatch; allowed: false is reported", () => {
    const model = buildResNet18();
    const s = describeDenseSupport(model.bytes, { ...model.card, dense: { allowed: false, totalStride: 16 } }, 'r.onnx');
    expect(s).toMatchObject({ converts: true, totalStride: 32, allowedByCard: false });
    expect(s.cardTotalStrideMismatch).toBe("the card's dense.totalStride is 16 but the converted graph's total stride is 32");
  });

  test('inspectModel lists a totalStride mismatch as a disagreement, so validateModelForInfer refuses the model', async () => {
    const model = buildFcn();
    const card = { ...model.card, dense: { allowed: true, totalStride: 16 } };
    const mismatch = "the card's dense.totalStride is 16 but the converted graph's total stride is 32";
    expect(inspectModel(model.bytes, card, 'fcn.onnx').disagreements).toEqual([mismatch]);
    expect(inspectModel(model.bytes, { ...card, dense: { allowed: true, totalStride: 32 } }, 'fcn.onnx').disagreements).toEqual([]);
    await expect(validateModelForInfer({ file: 'fcn.onnx', bytes: model.bytes, card })).rejects.toMatchObject({
      code: 'MODEL_MISMATCH',
      message: expect.stringContaining(`fcn.onnx: the model does not match its card fcn.json:\n  - ${mismatch}`),
    });
  });

  test('bytes that are not ONNX give a reason instead of throwing', () => {
    const s = describeDenseSupport(new Uint8Array([1, 2, 3, 255, 255]), buildFcn().card, 'junk.onnx');
    expect(s.converts).toBe(false);
    expect(s.reason).toMatch(/^the conversion failed unexpectedly \(.+\)$/);
  });
});

const converting: DenseSupport = {
  converts: true,
  totalStride: 32,
  replacedHead: GAP_HEAD,
  reason: null,
  allowedByCard: true,
  cardTotalStrideMismatch: null,
};
const notAllowed: DenseSupport = { ...converting, allowedByCard: false };
const notConverting: DenseSupport = {
  converts: false,
  totalStride: null,
  replacedHead: null,
  reason: 'the output is produced by Identity, not by a Gemm or MatMul+Add classifier',
  allowedByCard: true,
  cardTotalStrideMismatch: null,
};
const mismatched: DenseSupport = {
  ...converting,
  cardTotalStrideMismatch: "the card's dense.totalStride is 16 but the converted graph's total stride is 32",
};

describe('chooseMethod', () => {
  test.each<[string, DenseSupport, number, 'sliding' | 'dense' | 'auto', boolean, 'sliding' | 'dense', string]>([
    ['--method sliding on windows', converting, 16, 'sliding', true, 'sliding', 'requested with --method sliding'],
    ['--method sliding on patches', converting, 224, 'sliding', false, 'sliding', 'requested with --method sliding'],
    ['auto on patch shards', converting, 16, 'auto', false, 'sliding', 'patch shards: each patch is one model input'],
    ['auto, card does not allow', notAllowed, 16, 'auto', true, 'sliding', 'the card does not allow dense inference (dense.allowed)'],
    [
      'auto, model does not convert',
      notConverting,
      16,
      'auto',
      true,
      'sliding',
      'the model does not convert to dense: the output is produced by Identity, not by a Gemm or MatMul+Add classifier',
    ],
    [
      'auto, stride 48 vs 32',
      converting,
      48,
      'auto',
      true,
      'sliding',
      "stride 48 neither divides nor is a multiple of the network's total stride 32",
    ],
    [
      'auto, stride 16 divides 32',
      converting,
      16,
      'auto',
      true,
      'dense',
      "the card allows dense inference and stride 16 divides the network's total stride 32 ((32/16)² = 4 dense runs per window)",
    ],
    [
      'auto, stride 32 equals 32',
      converting,
      32,
      'auto',
      true,
      'dense',
      "the card allows dense inference and stride 32 is a multiple of the network's total stride 32 (1 dense run per window)",
    ],
    [
      'auto, stride 64 is a multiple of 32',
      converting,
      64,
      'auto',
      true,
      'dense',
      "the card allows dense inference and stride 64 is a multiple of the network's total stride 32 (1 dense run per window)",
    ],
    [
      '--method dense, stride 16',
      converting,
      16,
      'dense',
      true,
      'dense',
      "requested with --method dense; stride 16 divides the network's total stride 32 ((32/16)² = 4 dense runs per window)",
    ],
    [
      '--method dense, card does not allow (explicit request overrides)',
      notAllowed,
      16,
      'dense',
      true,
      'dense',
      "requested with --method dense; stride 16 divides the network's total stride 32 ((32/16)² = 4 dense runs per window) (the card does not allow dense for --method auto; --method dense overrides it)",
    ],
    [
      '--method dense, stride 48 (sparse runs)',
      converting,
      48,
      'dense',
      true,
      'dense',
      "requested with --method dense; stride 48 neither divides nor is a multiple of the network's total stride 32, so each window costs (32/gcd(48, 32))² = 4 dense runs over sparse cells",
    ],
    [
      '--method dense, stride 24 (sparse runs)',
      converting,
      24,
      'dense',
      true,
      'dense',
      "requested with --method dense; stride 24 neither divides nor is a multiple of the network's total stride 32, so each window costs (32/gcd(24, 32))² = 16 dense runs over sparse cells",
    ],
  ])('%s', (_, support, stride, requested, isWindowPlan, method, reason) => {
    expect(chooseMethod(support, stride, requested, isWindowPlan)).toEqual({ method, reason });
  });

  test.each<[number, number]>([
    [16, 4],
    [48, 4],
    [24, 16],
    [64, 1],
  ])('the run count quoted for stride %i is what planShifts plans over a 1024 px window (%i)', (stride, runs) => {
    const plan = planShifts(1024, 1024, 224, stride, 32);
    expect(plan.xRuns.length * plan.yRuns.length).toBe(runs);
    const choice = chooseMethod(converting, stride, 'dense', true);
    expect('reason' in choice && choice.reason).toContain(runs === 1 ? '(1 dense run per window)' : `= ${runs} dense runs`);
  });

  test('--method dense on patch shards is an error whose hint says how to plan windows', () => {
    expect(chooseMethod(converting, 16, 'dense', false)).toEqual({
      error: 'dense inference needs shards of tissue windows, but this plan packed individual patches (each patch is one model input)',
      hint: 'Plan again with --layout windows, or with a --stride below the patch size (e.g. --stride 16), then pack; or use --method sliding',
    });
  });

  test('--method dense on a model that does not convert is an error naming why', () => {
    const choice = chooseMethod(notConverting, 16, 'dense', true);
    expect(choice).toEqual({
      error: 'the model does not convert to dense: the output is produced by Identity, not by a Gemm or MatMul+Add classifier',
      hint: 'Use --method sliding (or auto, which falls back to sliding), or export the model with a global-average-pool head (docs/MODELS.md)',
    });
  });

  test.each(['dense', 'auto'] as const)("--method %s with a card whose totalStride disagrees with the graph's is an error", (requested) => {
    expect(chooseMethod(mismatched, 16, requested, true)).toEqual({
      error: `the card's dense.totalStride is 16 but the converted graph's total stride is 32`,
      hint: 'Set "totalStride": 32 in the model card\'s "dense", or remove it (`wsi-hpc model inspect` shows the graph\'s)',
    });
  });

  test('--method sliding ignores a totalStride mismatch (sliding never uses it)', () => {
    expect(chooseMethod(mismatched, 16, 'sliding', true)).toEqual({ method: 'sliding', reason: 'requested with --method sliding' });
  });

  test('the real zoo GoogLeNet at stride 16 on windows: auto picks dense', () => {
    const model = buildGoogLeNet();
    const choice = chooseMethod(describeDenseSupport(model.bytes, model.card, 'googlenet.onnx'), 16, 'auto', true);
    expect(choice).toMatchObject({ method: 'dense' });
  });

  test.each([0, -16, 1.5])('a stride of %s is refused as a bad value', (stride) => {
    expect(() => chooseMethod(converting, stride, 'auto', true)).toThrow('Expected `stridePx` to be a positive integer');
  });
});
