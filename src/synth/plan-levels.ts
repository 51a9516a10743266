// The pyramid's levels: downsample 1, 4, 16, … until a level fits in about 1000 px, at least two. Pure.
import type { LevelSpec } from './types.js';

/** Largest side of the smallest level. */
export const SMALLEST_LEVEL_PX = 1024;

export function planLevels(width: number, height: number): LevelSpec[] {
  const levels: LevelSpec[] = [{ width, height, downsample: 1 }];
  while (levels.length < 2 || Math.max(levels[levels.length - 1].width, levels[levels.length - 1].height) > SMALLEST_LEVEL_PX) {
    const downsample = 4 ** levels.length;
    levels.push({ width: Math.ceil(width / downsample), height: Math.ceil(height / downsample), downsample });
  }
  return levels;
}

/** The smallest level with a side of at least `minPx` (level 0 if none): the source of thumbnails. */
export function overviewLevel(levels: readonly LevelSpec[], minPx: number): number {
  for (let k = levels.length - 1; k > 0; k--) if (Math.max(levels[k].width, levels[k].height) >= minPx) return k;
  return 0;
}
