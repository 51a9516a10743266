// Defaults and validation of tissue options: the one source of truth for the CLI and docs.
import { expectInRange, expectOneOf } from '../util/is.js';
import { OptionError } from '../errors.js';
import type { TissueConfig, TissueOptions } from './types.js';
import { ANNOTATION_GROUP_DEFAULTS, normalizeAnnotationGroups } from '../geometry/annotation-groups.js';

export const TISSUE_DEFAULTS = Object.freeze({
  maskMpp: 8,
  medianSize: 5,
  saturationFloor: 20,
  closeRadiusUm: 16,
  openRadiusUm: 8,
  minRegionUm2: 20_000,
  maxHoleUm2: 40_000,
  rejectInk: true,
  userMaskMode: 'restrict' as const,
});

export function normalizeTissueOptions(raw: TissueOptions = {}): TissueConfig {
  const o = { ...TISSUE_DEFAULTS, ...stripUndefined(raw) };
  expectInRange('maskMpp', o.maskMpp, 2, 64);
  if (!Number.isInteger(o.medianSize) || o.medianSize < 1 || o.medianSize % 2 === 0) {
    throw new OptionError(`Expected \`medianSize\` to be an odd positive integer, received \`${o.medianSize}\``);
  }
  expectInRange('saturationFloor', o.saturationFloor, 0, 255);
  expectInRange('closeRadiusUm', o.closeRadiusUm, 0, 10_000);
  expectInRange('openRadiusUm', o.openRadiusUm, 0, 10_000);
  expectInRange('minRegionUm2', o.minRegionUm2, 0, 1e12);
  expectInRange('maxHoleUm2', o.maxHoleUm2, 0, 1e12);
  expectOneOf('userMaskMode', o.userMaskMode, ['restrict', 'replace'] as const);
  // Default groups stay out of the config (and so out of the plan's hash); only a change is recorded.
  const groups = normalizeAnnotationGroups(raw.annotationGroups);
  const isDefaultGroups = JSON.stringify(groups) === JSON.stringify(ANNOTATION_GROUP_DEFAULTS);
  return Object.freeze({
    ...o,
    userMask: raw.userMask ?? null,
    rejectInk: Boolean(o.rejectInk),
    annotationGroups: isDefaultGroups ? undefined : groups,
  }) as TissueConfig;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
