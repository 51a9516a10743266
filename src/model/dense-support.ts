// Whether a model can run densely (src/model/dense) and which method `infer` uses on a plan: pure,
// no I/O. `model inspect` prints describeDenseSupport; `infer --method` asks chooseMethod.
import { WsiHpcError } from '../errors.js';
import { expectPositiveInt } from '../util/is.js';
// The file, not dense/index.js: the index also loads the test CNN and, through it, the zoo.
import { convertToDense } from './dense/convert-to-dense.js';
import type { ModelCard } from './types.js';

/** What dense conversion makes of a model and what its card says about it. */
export interface DenseSupport {
  /** convertToDense succeeds on the model and card. */
  converts: boolean;
  /** The converted network's total stride in input pixels; null when it does not convert. */
  totalStride: number | null;
  /** The head turned into a 1x1 convolution, e.g. "GlobalAveragePool → Flatten → Gemm"; null when it does not convert. */
  replacedHead: string | null;
  /** Why it does not convert (convertToDense's MODEL_INVALID message without the "FILE: cannot convert to dense: " prefix). */
  reason: string | null;
  /** The card says `dense.allowed: true` (what `--method auto` needs). */
  allowedByCard: boolean;
  /** When the card's `dense.totalStride` differs from the converted graph's, says so; else null. */
  cardTotalStrideMismatch: string | null;
}

/**
 * Convert `modelBytes` once with its card and report the result. Never throws for a model that
 * does not convert: the reason is returned (an unexpected failure is reported as such, so that
 * inspecting or running a model never fails because of the dense analysis).
 */
export function describeDenseSupport(modelBytes: Uint8Array, card: ModelCard, file: string): DenseSupport {
  const allowedByCard = card.dense?.allowed === true;
  try {
    const dense = convertToDense(modelBytes, card, file);
    const declared = card.dense?.totalStride;
    return {
      converts: true,
      totalStride: dense.totalStridePx,
      replacedHead: dense.replacedHead,
      reason: null,
      allowedByCard,
      cardTotalStrideMismatch:
        declared !== undefined && declared !== dense.totalStridePx
          ? `the card's dense.totalStride is ${declared} but the converted graph's total stride is ${dense.totalStridePx}`
          : null,
    };
  } catch (err) {
    const message = (err as Error).message;
    const prefix = `${file}: cannot convert to dense: `;
    const reason =
      err instanceof WsiHpcError && err.code === 'MODEL_INVALID'
        ? message.startsWith(prefix)
          ? message.slice(prefix.length)
          : message
        : `the conversion failed unexpectedly (${message})`;
    return { converts: false, totalStride: null, replacedHead: null, reason, allowedByCard, cardTotalStrideMismatch: null };
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

// How the grid stride s meets the total stride S, and the dense runs per window it costs (plan-shifts.ts).
function strideFit(s: number, S: number): { isAligned: boolean; runs: number; text: string } {
  const runs = (S / gcd(s, S)) ** 2;
  if (s % S === 0)
    return { isAligned: true, runs, text: `stride ${s} is a multiple of the network's total stride ${S} (1 dense run per window)` };
  if (S % s === 0)
    return {
      isAligned: true,
      runs,
      text: `stride ${s} divides the network's total stride ${S} ((${S}/${s})² = ${runs} dense runs per window)`,
    };
  return { isAligned: false, runs, text: `stride ${s} neither divides nor is a multiple of the network's total stride ${S}` };
}

const SLIDING_HINT = 'Use --method sliding (or auto, which falls back to sliding)';

/**
 * The method `infer` runs on a plan of grid stride `stridePx` (read-level pixels), given the
 * model's dense support and `--method`; `isWindowPlan` is false for patch-layout shards.
 * Returns the method and a one-line reason, or an error and a hint to report; the caller prefixes the
 * option and names the model (errors say neither).
 */
export function chooseMethod(
  support: DenseSupport,
  stridePx: number,
  requested: 'sliding' | 'dense' | 'auto',
  isWindowPlan: boolean,
): { method: 'sliding' | 'dense'; reason: string } | { error: string; hint: string } {
  expectPositiveInt('stridePx', stridePx);
  if (requested === 'sliding') return { method: 'sliding', reason: 'requested with --method sliding' };
  if (!isWindowPlan) {
    if (requested === 'auto') return { method: 'sliding', reason: 'patch shards: each patch is one model input' };
    return {
      error: 'dense inference needs shards of tissue windows, but this plan packed individual patches (each patch is one model input)',
      hint: 'Plan again with --layout windows, or with a --stride below the patch size (e.g. --stride 16), then pack; or use --method sliding',
    };
  }
  if (requested === 'auto' && !support.allowedByCard)
    return { method: 'sliding', reason: 'the card does not allow dense inference (dense.allowed)' };
  if (!support.converts || support.totalStride === null) {
    if (requested === 'auto')
      return { method: 'sliding', reason: `the model does not convert to dense: ${support.reason ?? 'unknown reason'}` };
    return {
      error: `the model does not convert to dense: ${support.reason ?? 'unknown reason'}`,
      hint: `${SLIDING_HINT}, or export the model with a global-average-pool head (docs/MODELS.md)`,
    };
  }
  if (support.cardTotalStrideMismatch !== null) {
    return {
      error: support.cardTotalStrideMismatch,
      hint: `Set "totalStride": ${support.totalStride} in the model card's "dense", or remove it (\`wsi-hpc model inspect\` shows the graph's)`,
    };
  }
  const fit = strideFit(stridePx, support.totalStride);
  if (requested === 'auto')
    return fit.isAligned
      ? { method: 'dense', reason: `the card allows dense inference and ${fit.text}` }
      : { method: 'sliding', reason: fit.text };
  const card = support.allowedByCard ? '' : ' (the card does not allow dense for --method auto; --method dense overrides it)';
  if (fit.isAligned) return { method: 'dense', reason: `requested with --method dense; ${fit.text}${card}` };
  return {
    method: 'dense',
    reason: `requested with --method dense; ${fit.text}, so each window costs (${support.totalStride}/gcd(${stridePx}, ${support.totalStride}))² = ${fit.runs} dense runs over sparse cells${card}`,
  };
}
