// Defaults of the infer runner, in a file without heavy imports so the CLI's --help can read them.
import type { DeviceRequest } from '../../runner/device.js';

export type InferMethodRequest = 'auto' | 'sliding' | 'dense';
export const INFER_METHODS: readonly InferMethodRequest[] = ['auto', 'sliding', 'dense'];

/** How a features model's output is stored (docs/FORMAT.md). */
export type FeaturesDtypeRequest = 'float16' | 'float32';
export const FEATURES_DTYPE_CHOICES: readonly FeaturesDtypeRequest[] = ['float16', 'float32'];

export const INFER_DEFAULTS = Object.freeze({
  device: 'auto' as DeviceRequest,
  batchSize: 32,
  method: 'auto' as InferMethodRequest,
  featuresDtype: 'float16' as FeaturesDtypeRequest,
});
