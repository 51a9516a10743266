// Public entry point of the model zoo: generated benchmark nets (GoogLeNet, ResNet-18), the demo
// tumour classifier and its training, and the folder builder. Named re-exports only.
export { buildGoogLeNet, INCEPTION_MODULES, type GoogLeNetOptions } from './googlenet.js';
export { buildResNet18, RESNET18_STAGES } from './resnet18.js';
export { buildVit, buildVitProto, vitParams, VIT_S16, VIT_B16, type VitConfig, type VitOptions } from './vit.js';
export { trainDemoModel, type TrainDemoResult, type SplitMetrics } from './demo-classifier.js';
export { normalizeTrainDemoOptions, TRAIN_DEMO_DEFAULTS, type TrainDemoConfig, type TrainDemoOptions } from './demo-options.js';
export { buildDemoClassifierGraph, buildDemoFeatureGraph, DEMO_FEATURES, type LinearHead } from './demo-features.js';
export { sampleLabelledPoints, isTumourAt, type LabelledPoint, type TumourTruth } from './demo-patches.js';
export { fitLogistic, rocAuc, accuracy, scoreLinear, type FitLogisticOptions } from './fit-logistic.js';
export { writeNormalizedPatch } from './patch-tensor.js';
export {
  buildModels,
  normalizeZooNames,
  ZOO_MODELS,
  ZOO_MANIFEST,
  ZOO_RECIPE_VERSION,
  type BuildModelsOptions,
  type BuiltModelEntry,
  type ZooModelName,
} from './build-models.js';
export { zooCard, IMAGENET_MEAN, IMAGENET_STD, TUMOUR_LABELS } from './zoo-card.js';
export type { BenchmarkNetOptions, ZooModel } from './types.js';
