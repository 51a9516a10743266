// Otsu's threshold on a 256-bin histogram: the level that maximises between-class variance. Pure.

export function histogram(values: Uint8Array, include?: (i: number) => boolean): Float64Array {
  const hist = new Float64Array(256);
  for (let i = 0; i < values.length; i++) if (!include || include(i)) hist[values[i]]++;
  return hist;
}

/** Returns t such that values > t are foreground. An empty histogram gives 255. */
export function otsuThreshold(hist: Float64Array): number {
  let total = 0;
  let sum = 0;
  for (let i = 0; i < 256; i++) {
    total += hist[i];
    sum += i * hist[i];
  }
  if (total === 0) return 255;
  let wB = 0;
  let sumB = 0;
  let best = -1;
  let threshold = 0;
  for (let t = 0; t < 256; t++) {
    wB += hist[t];
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t];
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}
