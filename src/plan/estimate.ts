// Cost estimate printed by `plan` (and its --dry-run): core-hours per stage from measured rates
// (bench/RESULTS.md, 2-core Xeon with AVX-512): pack 325 patches/s per core, GoogLeNet-size
// inference 25 patches/s per core; and the plausibility checks plan warns about and submit refuses.
// Pure; the rates and limits are parameters or named constants.

export const DEFAULT_RATES = Object.freeze({ packPerCoreSecond: 325, inferPerCoreSecond: 25 });

/**
 * Rates of window plans (stride below the patch), measured on a CAMELYON16-size synthetic slide
 * (bench/RESULTS.md, "Stride-16 windows", bench/stride16-windows.mjs): pack 41.6 window megapixels
 * per core-second; dense inference (GoogLeNet-size model, head as a 1x1 conv) 1.98 input megapixels
 * per core-second of one forward pass (the estimate gave 3,053 core-s for the slide, 3,066 measured).
 * Sliding inference uses DEFAULT_RATES.inferPerCoreSecond (25; 33-39 measured there, so it errs high).
 */
export const WINDOW_RATES = Object.freeze({ packMpxPerCoreSecond: 41.6, denseMpxPerCoreSecond: 1.98 });

/** The published figure wsi-hpc is measured against (Li, Mikailov & Chen, IEEE Trans. AI 2023). */
export const PUBLISHED_STRIDE16 = Object.freeze({ slides: 399, coreHours: 157_000, wallHours: 45, cores: 4000 });

export interface WindowCostInput {
  /** Kept positions and windows of the plan, the window side and grid stride (patch resolution). */
  positions: number;
  windows: number;
  sidePx: number;
  stridePx: number;
  /** The dense model's total stride (32 for GoogLeNet/ResNet). @default 32 */
  totalStridePx?: number;
}

export interface WindowCostEstimate {
  packCoreHours: number;
  slidingCoreHours: number;
  denseCoreHours: number;
  /** Dense forward passes per window (shift-and-stitch runs), an upper bound. */
  denseRunsPerWindow: number;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Core-hours of a window plan by method; dense counts every run over the whole window (an upper bound). Pure. */
export function estimateWindowCost(
  w: WindowCostInput,
  rates = { ...WINDOW_RATES, inferPerCoreSecond: DEFAULT_RATES.inferPerCoreSecond },
): WindowCostEstimate {
  const S = w.totalStridePx ?? 32;
  const runsPerAxis = w.stridePx % S === 0 ? 1 : S / gcd(w.stridePx, S);
  const windowMpx = (w.windows * w.sidePx * w.sidePx) / 1e6;
  return {
    packCoreHours: windowMpx / rates.packMpxPerCoreSecond / 3600,
    slidingCoreHours: w.positions / rates.inferPerCoreSecond / 3600,
    denseCoreHours: (windowMpx * runsPerAxis ** 2) / rates.denseMpxPerCoreSecond / 3600,
    denseRunsPerWindow: runsPerAxis ** 2,
  };
}

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

/**
 * Where a plan stops being plausible. A whole CAMELYON16 slide at 0.5 µm/px has at most ~100 k
 * non-overlapping 224 px tissue patches, so 1 M patches on one slide means a stride far below the
 * patch size; a stride under 1/8 of the patch puts each pixel in more than 64 patches. These only
 * warn; a slide over GRID_LIMITS.maxPatchesPerSlide (grid/defaults.ts) fails before its grid is laid.
 */
export const PLAUSIBLE_PLAN = Object.freeze({ maxPatchesPerSlide: 1_000_000, minStrideFraction: 1 / 8, minWindowStrideFraction: 1 / 32 });

export interface PlanConcernInput {
  patchSizePx: number;
  stridePx: number;
  slides: ReadonlyArray<{ name: string; patches: number }>;
  totalPatches: number;
  /** Bytes the shards still to be packed take (uncompressed pixels). */
  bytesToWrite: number;
  isCompressed: boolean;
  /** Free bytes where the run folder lives, or null when unknown. */
  freeBytes: number | null;
  runDir: string;
  /** Window plans store each pixel about once: a slide is crowded by its tissue area, not its positions. @default false */
  isWindowPlan?: boolean;
}

const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;

export interface PlanConcern {
  /** `disk` and `patches` make `submit` refuse without --force; `stride` is only a warning. */
  kind: 'disk' | 'patches' | 'stride';
  message: string;
}

/** One concern per implausible figure of a plan (disk space, patch count, stride); empty when fine. Pure. */
export function planConcerns(p: PlanConcernInput): PlanConcern[] {
  const out: PlanConcern[] = [];
  if (p.freeBytes !== null && p.bytesToWrite > p.freeBytes) {
    out.push({
      kind: 'disk',
      message: `the shards need ${gib(p.bytesToWrite)}${p.isCompressed ? ' before compression' : ''} but only ${gib(p.freeBytes)} is free where ${p.runDir} lives`,
    });
  }
  // In a window plan, (patch / stride)² positions cover one patch's area: 1 M patches' worth of tissue.
  const perSlide = p.isWindowPlan
    ? PLAUSIBLE_PLAN.maxPatchesPerSlide * Math.max(1, (p.patchSizePx / p.stridePx) ** 2)
    : PLAUSIBLE_PLAN.maxPatchesPerSlide;
  const crowded = p.slides.filter((s) => s.patches > perSlide);
  if (crowded.length) {
    const worst = crowded.reduce((a, b) => (b.patches > a.patches ? b : a));
    const cost = estimateCost(p.totalPatches);
    out.push({
      kind: 'patches',
      message:
        `${crowded.length} slide(s) have more than ${perSlide.toLocaleString('en-US')} ${p.isWindowPlan ? 'positions' : 'patches'} (${worst.name}: ${worst.patches.toLocaleString('en-US')}); ` +
        `${p.totalPatches.toLocaleString('en-US')} patches would take about ${cost.totalCoreHours.toFixed(0)} core-hours`,
    });
  }
  const stride = strideConcern(p.patchSizePx, p.stridePx, p.isWindowPlan);
  if (stride) out.push(stride);
  return out;
}

/**
 * The stride part of planConcerns, known before any slide is read (valid positive sizes only). A
 * window plan stores each pixel about once, so only its inference cost is a concern: it warns below
 * 1/32 of the patch (stride 7 for 224 px; stride 16 is the intended use).
 */
export function strideConcern(patchSizePx: number, stridePx: number, isWindowPlan = false): PlanConcern | null {
  const fraction = isWindowPlan ? PLAUSIBLE_PLAN.minWindowStrideFraction : PLAUSIBLE_PLAN.minStrideFraction;
  if (!(stridePx > 0 && patchSizePx > 0) || stridePx >= patchSizePx * fraction) return null;
  return {
    kind: 'stride',
    message: `--stride ${stridePx} is under 1/8 of the ${patchSizePx} px patch: each pixel lands in about ${Math.round((patchSizePx / stridePx) ** 2)} patches`,
  };
}
