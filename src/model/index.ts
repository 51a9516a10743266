// Public entry of the model module: model cards, graph wrapping and the ONNX builder.
export { readModelCard, validateModelCard, cardPathFor } from './card.js';
export { wrapModel, WRAPPED_INPUT, WRAPPED_OUTPUT, WRAPPED_STAIN } from './wrap.js';
export type { WrappedModel, WrapOptions } from './wrap.js';
export { GraphBuilder, encodeModel, decodeModel, valueInfo, floatTensor, int64Tensor, DT, OPSET, onnx } from './onnx-builder.js';
export type { ModelSpec } from './onnx-builder.js';
export { MODEL_CARD_VERSION, isFeaturesCard } from './types.js';
export type { ModelCard, ClassifierCard, FeaturesCard, ClassifierOutput, FeaturesOutput, FeaturesPooling } from './types.js';
export { inspectModel } from './inspect.js';
export type { ModelInspection, TensorSummary } from './inspect.js';
export { describeDenseSupport, chooseMethod } from './dense-support.js';
export type { DenseSupport } from './dense-support.js';
export { readModelBytes, decodeModelFile } from './read-model.js';
export { validateModelForInfer } from './validate-for-infer.js';
export type { ValidateForInferOptions } from './validate-for-infer.js';
export { externalRefs, checkExternalData, writeWithExternalData } from './external-data.js';
export { modelDigest } from './model-digest.js';
export type { ExternalRef } from './external-data.js';
