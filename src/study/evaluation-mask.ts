// The CAMELYON16 evaluation mask of one slide, step for step as the official Evaluation_FROC.py
// builds it (computeEvaluationMask, computeITCList): tumour raster -> exact Euclidean distance ->
// `distance < 75 / (2 * µm per pixel)` -> holes filled -> 8-connected labels -> ITC labels. Pure.

export interface EvaluationMask {
  width: number;
  height: number;
  /** Level-0 pixels per mask pixel (the script: 2^5 = 32, its level 5). */
  downsample: number;
  /** µm per mask pixel: level-0 µm/px x downsample. */
  umPerPixel: number;
  /** Row-major lesion label per mask pixel, 0 = no lesion, 1..count. */
  labels: Int32Array;
  count: number;
  /** Labels whose major axis is under 275 µm: isolated tumour cells, neither hits nor misses. */
  itc: Set<number>;
  /** Major axis length of each label (index label - 1), mask pixels. */
  majorAxisPx: number[];
}

/** The script's constants: lesions dilated by 75 µm in total (37.5 µm radius); ITC under 275 µm. */
export const CAMELYON16_EVALUATION = Object.freeze({ dilationUm: 75, itcMajorAxisUm: 275, level: 5, downsample: 32 });

/** Build the evaluation mask from a tumour raster (1 = tumour) at `umPerPixel` µm per pixel. */
export function computeEvaluationMask(
  tumour: Uint8Array,
  width: number,
  height: number,
  umPerPixel: number,
  downsample: number,
): EvaluationMask {
  // Threshold = 75 / (resolution * 2^level * 2), in mask pixels; `distance < Threshold` is strict.
  const threshold = CAMELYON16_EVALUATION.dilationUm / (umPerPixel * 2);
  const d2 = squaredDistanceToTumour(tumour, width, height);
  const binary = new Uint8Array(width * height);
  for (let i = 0; i < binary.length; i++) binary[i] = d2[i] < threshold * threshold ? 1 : 0;
  fillHoles(binary, width, height);
  const { labels, count } = label8(binary, width, height);
  const majorAxisPx = majorAxisLengths(labels, width, count);
  // computeITCList: threshold = 275 / (resolution * 2^level); `major_axis_length < threshold`.
  const itcThreshold = CAMELYON16_EVALUATION.itcMajorAxisUm / umPerPixel;
  const itc = new Set<number>();
  majorAxisPx.forEach((length, k) => {
    if (length < itcThreshold) itc.add(k + 1);
  });
  return { width, height, downsample, umPerPixel, labels, count, itc, majorAxisPx };
}

// scipy.ndimage.distance_transform_edt(255 - mask): exact squared Euclidean distance of every pixel to
// the nearest tumour pixel (Felzenszwalb & Huttenlocher's two-pass lower envelope). No tumour: Infinity.
export function squaredDistanceToTumour(tumour: Uint8Array, width: number, height: number): Float64Array {
  const d = new Float64Array(width * height);
  for (let i = 0; i < d.length; i++) d[i] = tumour[i] ? 0 : Number.POSITIVE_INFINITY;
  const n = Math.max(width, height);
  const f = new Float64Array(n);
  const out = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = d[y * width + x];
    envelope(f, height, out, v, z);
    for (let y = 0; y < height; y++) d[y * width + x] = out[y];
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) f[x] = d[y * width + x];
    envelope(f, width, out, v, z);
    for (let x = 0; x < width; x++) d[y * width + x] = out[x];
  }
  return d;
}

// One-dimensional squared distance transform of sampled function f (infinite where no seed).
function envelope(f: Float64Array, n: number, out: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    if (f[q] === Number.POSITIVE_INFINITY) continue;
    let s = Number.NEGATIVE_INFINITY;
    while (k >= 0) {
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
      if (s > z[k]) break;
      k--;
    }
    k++;
    v[k] = q;
    z[k] = k === 0 ? Number.NEGATIVE_INFINITY : s;
    z[k + 1] = Number.POSITIVE_INFINITY;
  }
  if (k < 0) {
    out.fill(Number.POSITIVE_INFINITY, 0, n);
    return;
  }
  let j = 0;
  for (let q = 0; q < n; q++) {
    while (z[j + 1] < q) j++;
    out[q] = (q - v[j]) ** 2 + f[v[j]];
  }
}

// scipy.ndimage.binary_fill_holes: background not 4-connected to the border becomes foreground.
export function fillHoles(binary: Uint8Array, width: number, height: number): void {
  const outside = new Uint8Array(binary.length);
  const stack: number[] = [];
  const seed = (i: number) => {
    if (!binary[i] && !outside[i]) {
      outside[i] = 1;
      stack.push(i);
    }
  };
  for (let x = 0; x < width; x++) {
    seed(x);
    seed((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    seed(y * width);
    seed(y * width + width - 1);
  }
  while (stack.length > 0) {
    const i = stack.pop() as number;
    const x = i % width;
    if (x > 0) seed(i - 1);
    if (x < width - 1) seed(i + 1);
    if (i >= width) seed(i - width);
    if (i + width < binary.length) seed(i + width);
  }
  for (let i = 0; i < binary.length; i++) if (!outside[i]) binary[i] = 1;
}

// skimage.measure.label(connectivity=2): 8-connected components, numbered in raster order of first pixel.
export function label8(binary: Uint8Array, width: number, height: number): { labels: Int32Array; count: number } {
  const labels = new Int32Array(binary.length);
  let count = 0;
  const stack: number[] = [];
  for (let start = 0; start < binary.length; start++) {
    if (!binary[start] || labels[start]) continue;
    labels[start] = ++count;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop() as number;
      const x = i % width;
      const y = (i - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const j = ny * width + nx;
          if (binary[j] && !labels[j]) {
            labels[j] = count;
            stack.push(j);
          }
        }
      }
    }
  }
  return { labels, count };
}

// regionprops major_axis_length: 4 * sqrt(largest eigenvalue of the pixel coordinates' covariance).
export function majorAxisLengths(labels: Int32Array, width: number, count: number): number[] {
  const n = new Float64Array(count);
  const sx = new Float64Array(count);
  const sy = new Float64Array(count);
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i] - 1;
    if (k < 0) continue;
    n[k]++;
    sx[k] += i % width;
    sy[k] += Math.floor(i / width);
  }
  const vxx = new Float64Array(count);
  const vyy = new Float64Array(count);
  const vxy = new Float64Array(count);
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i] - 1;
    if (k < 0) continue;
    const dx = (i % width) - sx[k] / n[k];
    const dy = Math.floor(i / width) - sy[k] / n[k];
    vxx[k] += dx * dx;
    vyy[k] += dy * dy;
    vxy[k] += dx * dy;
  }
  return Array.from({ length: count }, (_, k) => {
    const a = vxx[k] / n[k];
    const b = vyy[k] / n[k];
    const c = vxy[k] / n[k];
    const largest = (a + b) / 2 + Math.sqrt(((a - b) / 2) ** 2 + c * c);
    return 4 * Math.sqrt(Math.max(0, largest));
  });
}
