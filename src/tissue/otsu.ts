// Otsu's threshold on a 256-bin histogram (the level that maximises between-class variance), and the
// tissue threshold built on it: Otsu with a floor, the floor alone when no glass is seen. Pure.

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

export interface TissueThreshold {
  /** Values above this are tissue. */
  threshold: number;
  /** Otsu's own threshold of the histogram. */
  otsu: number;
  /** Otsu split tissue from tissue (no background class): the floor was used instead. */
  isFullyCovered: boolean;
}

/**
 * Otsu with a floor. On a slide covered edge to edge there is no glass, and Otsu splits pale tissue
 * from dark tissue: its lower class is then tissue too, seen as a median saturation of at least
 * twice the floor (glass sits near 0-5; the pale stroma of H&E at 40-80), and the floor is used.
 */
export function tissueThreshold(hist: Float64Array, floor: number): TissueThreshold {
  const otsu = otsuThreshold(hist);
  let low = 0;
  for (let v = 0; v <= otsu; v++) low += hist[v];
  let seen = 0;
  let median = 0;
  for (let v = 0; v <= otsu; v++) {
    seen += hist[v];
    if (seen >= low / 2) {
      median = v;
      break;
    }
  }
  const isFullyCovered = low > 0 && otsu > floor && median >= 2 * floor;
  return { threshold: isFullyCovered ? floor : Math.max(otsu, floor), otsu, isFullyCovered };
}
