// Cost estimate printed by `plan` (and its --dry-run): core-hours per stage from measured rates
// (bench/RESULTS.md, 2-core Xeon with AVX-512): pack 325 patches/s per core, GoogLeNet-size
// inference 25 patches/s per core. Pure; the rates are parameters so callers can pass their own.

export const DEFAULT_RATES = Object.freeze({ packPerCoreSecond: 325, inferPerCoreSecond: 25 });

export interface CostEstimate {
  patches: number;
  packCoreHours: number;
  inferCoreHours: number;
  totalCoreHours: number;
}

export function estimateCost(
  patches: number,
  rates: { packPerCoreSecond: number; inferPerCoreSecond: number } = DEFAULT_RATES,
): CostEstimate {
  const packCoreHours = patches / rates.packPerCoreSecond / 3600;
  const inferCoreHours = patches / rates.inferPerCoreSecond / 3600;
  return { patches, packCoreHours, inferCoreHours, totalCoreHours: packCoreHours + inferCoreHours };
}
