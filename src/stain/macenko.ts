// Macenko et al. (ISBI 2009) stain estimation: optical density, the plane of the two largest
// principal directions of stained pixels, robust extreme angles, concentrations by least squares.
// Pure; ml-matrix does the eigen-decomposition and pseudo-inverse.
import { EigenvalueDecomposition, Matrix, pseudoInverse } from 'ml-matrix';
import type { MacenkoOptions, StainModel } from './types.js';

export const MACENKO_DEFAULTS = Object.freeze({ io: 240, beta: 0.15, alpha: 1 });

/** The reference H&E stain matrix and concentrations used by Macenko's and most public code. */
export const BUILTIN_TARGET: StainModel = Object.freeze({
  he: [
    [0.5626, 0.7201, 0.4062],
    [0.2159, 0.8012, 0.5581],
  ],
  maxC: [1.9705, 1.0308],
}) as StainModel;

/** NumPy's default percentile: linear interpolation between closest ranks. */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = ((sorted.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function opticalDensity(v: number, io: number): number {
  return -Math.log((v + 1) / io);
}

function unit(v: number[]): [number, number, number] {
  // OD stain vectors are positive; eigenvectors come with an arbitrary sign.
  const s = v[0] + v[1] + v[2] < 0 ? -1 : 1;
  const n = Math.hypot(v[0], v[1], v[2]) || 1;
  return [(s * v[0]) / n, (s * v[1]) / n, (s * v[2]) / n];
}

/** Fit stain vectors and max concentrations from interleaved RGB pixels (n*3). Null if too few stained pixels. */
export function fitMacenko(rgb: Uint8Array, options: MacenkoOptions = {}): StainModel | null {
  const { io, beta, alpha } = { ...MACENKO_DEFAULTS, ...options };
  const n = rgb.length / 3;
  const od = new Float64Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) od[i] = opticalDensity(rgb[i], io);
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (od[3 * i] >= beta && od[3 * i + 1] >= beta && od[3 * i + 2] >= beta) kept.push(i);
  if (kept.length < 100) return null;
  const mean = [0, 0, 0];
  for (const i of kept) for (let c = 0; c < 3; c++) mean[c] += od[3 * i + c] / kept.length;
  const cov = Matrix.zeros(3, 3);
  for (const i of kept) {
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) cov.set(a, b, cov.get(a, b) + (od[3 * i + a] - mean[a]) * (od[3 * i + b] - mean[b]));
  }
  const eig = new EigenvalueDecomposition(cov.div(kept.length - 1), { assumeSymmetric: true });
  const order = eig.realEigenvalues
    .map((v, k) => [v, k])
    .sort((x, y) => x[0] - y[0])
    .map(([, k]) => k);
  const e1 = eig.eigenvectorMatrix.getColumn(order[1]);
  const e2 = eig.eigenvectorMatrix.getColumn(order[2]);
  const phi = new Float64Array(kept.length);
  kept.forEach((i, k) => {
    const t1 = od[3 * i] * e1[0] + od[3 * i + 1] * e1[1] + od[3 * i + 2] * e1[2];
    const t2 = od[3 * i] * e2[0] + od[3 * i + 1] * e2[1] + od[3 * i + 2] * e2[2];
    phi[k] = Math.atan2(t2, t1);
  });
  phi.sort();
  const direction = (angle: number) => unit([0, 1, 2].map((c) => e1[c] * Math.cos(angle) + e2[c] * Math.sin(angle)));
  const vMin = direction(percentile(phi, alpha));
  const vMax = direction(percentile(phi, 100 - alpha));
  // Hematoxylin absorbs more red than eosin does.
  const he: StainModel['he'] = vMin[0] > vMax[0] ? [vMin, vMax] : [vMax, vMin];
  const pinv = pseudoInverse(
    new Matrix([
      [he[0][0], he[1][0]],
      [he[0][1], he[1][1]],
      [he[0][2], he[1][2]],
    ]),
  );
  const c0 = new Float64Array(n);
  const c1 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    c0[i] = pinv.get(0, 0) * od[3 * i] + pinv.get(0, 1) * od[3 * i + 1] + pinv.get(0, 2) * od[3 * i + 2];
    c1[i] = pinv.get(1, 0) * od[3 * i] + pinv.get(1, 1) * od[3 * i + 1] + pinv.get(1, 2) * od[3 * i + 2];
  }
  c0.sort();
  c1.sort();
  return { he, maxC: [percentile(c0, 99), percentile(c1, 99)] };
}

/**
 * The 3x3 matrix T with OD_normalized = T · OD: concentrations by the source's pseudo-inverse,
 * rescaled to the target's max concentrations, recomposed with the target's stain vectors.
 */
export function transferMatrix(source: StainModel, target: StainModel): number[][] {
  const hs = new Matrix([
    [source.he[0][0], source.he[1][0]],
    [source.he[0][1], source.he[1][1]],
    [source.he[0][2], source.he[1][2]],
  ]);
  const ht = new Matrix([
    [target.he[0][0], target.he[1][0]],
    [target.he[0][1], target.he[1][1]],
    [target.he[0][2], target.he[1][2]],
  ]);
  const scale = Matrix.diag([target.maxC[0] / source.maxC[0], target.maxC[1] / source.maxC[1]]);
  return ht.mmul(scale).mmul(pseudoInverse(hs)).to2DArray();
}
