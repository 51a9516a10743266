// In-memory SlideReader over RGB arrays, for pure tests of tissue/grid code (like tiatoolbox's VirtualWSIReader).
// No file, no decoding: level images are given, or built by 2x box downsampling with fromImage().

import { OptionError } from '../../errors.js';
import type { LevelInfo, RgbImage, SlideInfo, SlideReader } from '../types.js';
import { validateRegion } from '../validate-region.js';

export interface ArraySlideOptions {
  /** Name reported as info.path. @default 'memory://array' */
  path?: string;
  /** Microns per pixel at level 0, or null for none. @default null */
  mpp?: number | null;
  /** Tile size reported in LevelInfo (nothing is tiled in memory). @default 256 */
  tileSize?: number;
}

// Halve an image by averaging 2x2 blocks (the last odd row/column is dropped, as libvips' pyramid does).
function halve(image: RgbImage): RgbImage {
  const width = Math.max(1, Math.floor(image.width / 2));
  const height = Math.max(1, Math.floor(image.height / 2));
  const data = new Uint8Array(width * height * 3);
  const src = image.data;
  const maxX = image.width - 1;
  const maxY = image.height - 1;
  for (let y = 0; y < height; y++) {
    const r0 = Math.min(2 * y, maxY) * image.width;
    const r1 = Math.min(2 * y + 1, maxY) * image.width;
    for (let x = 0; x < width; x++) {
      const c0 = Math.min(2 * x, maxX);
      const c1 = Math.min(2 * x + 1, maxX);
      for (let c = 0; c < 3; c++) {
        const sum = src[(r0 + c0) * 3 + c] + src[(r0 + c1) * 3 + c] + src[(r1 + c0) * 3 + c] + src[(r1 + c1) * 3 + c];
        data[(y * width + x) * 3 + c] = (sum + 2) >> 2;
      }
    }
  }
  return { width, height, data };
}

export class ArraySlideReader implements SlideReader {
  readonly info: SlideInfo;

  /** @param levels level images, level 0 first, each smaller than the one before. */
  constructor(
    private readonly levels: RgbImage[],
    options: ArraySlideOptions = {},
  ) {
    if (levels.length === 0) throw new OptionError('Expected at least one level image for ArraySlideReader, received none');
    for (const [i, level] of levels.entries()) {
      if (level.data.length !== level.width * level.height * 3) {
        throw new OptionError(`Expected level ${i} data to hold ${level.width}x${level.height}x3 bytes, received ${level.data.length}`);
      }
    }
    const [base] = levels;
    const tileSize = options.tileSize ?? 256;
    const mpp = options.mpp ?? null;
    const infos: LevelInfo[] = levels.map((level, index) => ({
      index,
      width: level.width,
      height: level.height,
      downsample: (base.width / level.width + base.height / level.height) / 2,
      tileWidth: tileSize,
      tileHeight: tileSize,
      compression: 'none',
      ifd: index,
    }));
    this.info = {
      path: options.path ?? 'memory://array',
      format: 'generic-tiff',
      vendor: 'memory',
      isBigTiff: false,
      levels: infos,
      mppX: mpp,
      mppY: mpp,
      mppSource: mpp === null ? 'none' : 'override',
      objectivePower: null,
      associated: [],
      description: '',
      properties: {},
    };
  }

  /** A reader over `image` and `levelCount - 1` successive 2x box-filtered reductions of it. */
  static fromImage(image: RgbImage, options: ArraySlideOptions & { levelCount?: number } = {}): ArraySlideReader {
    const { levelCount = 1, ...rest } = options;
    const levels = [image];
    while (levels.length < levelCount && levels[levels.length - 1].width > 1 && levels[levels.length - 1].height > 1) {
      levels.push(halve(levels[levels.length - 1]));
    }
    return new ArraySlideReader(levels, rest);
  }

  async readRegion(level: number, x: number, y: number, width: number, height: number): Promise<RgbImage> {
    validateRegion(this.info, level, x, y, width, height);
    const src = this.levels[level];
    const data = new Uint8Array(width * height * 3).fill(255);
    const left = Math.max(x, 0);
    const right = Math.min(x + width, src.width);
    for (let row = Math.max(y, 0); row < Math.min(y + height, src.height) && left < right; row++) {
      const from = (row * src.width + left) * 3;
      data.set(src.data.subarray(from, from + (right - left) * 3), ((row - y) * width + (left - x)) * 3);
    }
    return { width, height, data };
  }

  async close(): Promise<void> {
    // Nothing to release: the arrays belong to the caller.
  }
}
