// SlideReader on the system's OpenSlide: one handle per slide, reads as koffi async calls (several in flight,
// OpenSlide is thread-safe per handle). Choosing this backend is open-slide.ts; loading the library load-library.ts.

import { access } from 'node:fs/promises';
import { SlideError } from '../../errors.js';
import type { OpenSlideConfig, RgbImage, SlideInfo, SlideReader } from '../types.js';
import { validateRegion } from '../validate-region.js';
import { argbToRgb, parseBackground } from './argb-to-rgb.js';
import type { OpenSlideBinding, OpenSlideHandle } from './binding.js';
import { buildOpenSlideInfo } from './openslide-info.js';

/** Python's round(): halves go to the even neighbour (OpenSlide Python callers write round(x * downsample)). */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

export class OpenSlideReader implements SlideReader {
  readonly info: SlideInfo;
  private readonly background: [number, number, number];
  private readonly pending = new Set<Promise<unknown>>();
  private isClosed = false;

  private constructor(
    private readonly lib: OpenSlideBinding,
    private readonly handle: OpenSlideHandle,
    info: SlideInfo,
  ) {
    this.info = info;
    this.background = parseBackground(info.properties?.['openslide.background-color']);
  }

  /** Open `path` with OpenSlide; SlideError SLIDE_UNREADABLE when the file is missing, unrecognised or broken. */
  static async open(lib: OpenSlideBinding, path: string, config: OpenSlideConfig, vendor?: string | null): Promise<OpenSlideReader> {
    try {
      await access(path);
    } catch (err) {
      throw new SlideError('SLIDE_UNREADABLE', path, `cannot open file (${(err as Error).message})`, { cause: err });
    }
    const detected = vendor === undefined ? await lib.detectVendor(path) : vendor;
    const handle = await lib.open(path);
    if (handle === null) {
      throw new SlideError('SLIDE_UNREADABLE', path, `OpenSlide ${lib.version} does not recognise the format of this file`, {
        hint: 'OpenSlide reads Aperio, Hamamatsu, Leica, MIRAX, Philips, Sakura, Trestle, Ventana and generic tiled TIFF slides',
      });
    }
    const error = lib.getError(handle);
    if (error !== null) {
      lib.close(handle);
      throw new SlideError('SLIDE_UNREADABLE', path, `OpenSlide ${lib.version} cannot open this ${detected ?? 'unknown'} slide: ${error}`);
    }
    const levels = Array.from({ length: lib.levelCount(handle) }, (_, level) => ({
      ...lib.levelDimensions(handle, level),
      downsample: lib.levelDownsample(handle, level),
    }));
    const info = buildOpenSlideInfo(path, levels, lib.properties(handle), config, detected);
    return new OpenSlideReader(lib, handle, info);
  }

  /** Read a region in level coordinates (x, y of level `level`); outside the slide is the background (white). */
  async readRegion(level: number, x: number, y: number, width: number, height: number): Promise<RgbImage> {
    if (this.isClosed) throw new SlideError('SLIDE_UNREADABLE', this.info.path, 'readRegion called after close()');
    validateRegion(this.info, level, x, y, width, height);
    const { downsample } = this.info.levels[level];
    const argb = new Uint32Array(width * height);
    const read = this.lib.readRegion(this.handle, argb, roundHalfEven(x * downsample), roundHalfEven(y * downsample), level, width, height);
    this.pending.add(read);
    try {
      await read;
    } catch (err) {
      // koffi refuses the call (e.g. its async queue is full); OpenSlide's own errors are read below.
      throw new SlideError('SLIDE_UNREADABLE', this.info.path, `cannot call OpenSlide: ${(err as Error).message}`, { cause: err });
    } finally {
      this.pending.delete(read);
    }
    // OpenSlide's errors are sticky: once set, every later call on this handle fails the same way.
    const error = this.lib.getError(this.handle);
    if (error !== null) {
      throw new SlideError(
        'SLIDE_UNREADABLE',
        this.info.path,
        `OpenSlide cannot read level ${level} at (${x}, ${y}) ${width}x${height}: ${error}`,
      );
    }
    return { width, height, data: argbToRgb(argb, this.background) };
  }

  /** Close the handle after the reads in flight finish (closing under a running read would crash). */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    await Promise.allSettled([...this.pending]);
    this.lib.close(this.handle);
  }
}
