// Defaults of the infer runner, in a file without heavy imports so the CLI's --help can read them.
import type { DeviceRequest } from '../../runner/device.js';

export const INFER_DEFAULTS = Object.freeze({ device: 'auto' as DeviceRequest, batchSize: 32 });
