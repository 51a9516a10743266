// Public entry of the doctor module: run every environment check, and the pure classifiers and parsers behind them.
export { runDoctor } from './run-doctor.js';
export { DOCTOR_DEFAULTS } from './defaults.js';
export { classifyCuda } from './checks-onnx.js';
export type { CudaFinding } from './checks-onnx.js';
export { classifyGpus } from './checks-gpu.js';
export type { GpuFinding } from './checks-gpu.js';
export { checkNode, parseVersion, KEY_PACKAGES } from './checks-runtime.js';
export { parseSinfoPartitions } from './checks-slurm.js';
export type { Partition } from './checks-slurm.js';
export { nameFsMagic, parseMounts, mountOf, storageKind } from './fs-type.js';
export type { MountEntry, StorageKind } from './fs-type.js';
export { fsAdvice } from './fs-advice.js';
export { renderDoctorReport } from './render-report.js';
export type { CheckResult, CheckStatus, DoctorOptions, DoctorReport } from './types.js';
