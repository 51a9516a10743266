// Typed wrapper over the OpenSlide C API (openslide.h) declared through koffi. Slow calls (open, read_region)
// run as koffi async calls on its worker threads so the event loop keeps turning; finding the .so is load-library.ts.

import type { LibraryHandle } from 'koffi';
import koffi from 'koffi';

/** An `openslide_t *`: koffi 3 passes pointers as BigInt. */
export type OpenSlideHandle = bigint;

/** The OpenSlide functions wsi-hpc uses, plus where the library came from. */
export interface OpenSlideBinding {
  /** What was loaded: the WSI_HPC_OPENSLIDE path or the soname found on the loader path. */
  readonly source: string;
  /** `openslide_get_version()`, e.g. "3.4.1". */
  readonly version: string;
  detectVendor(file: string): Promise<string | null>;
  /** NULL (unrecognised format) becomes null; a handle may still carry an error (see getError). */
  open(file: string): Promise<OpenSlideHandle | null>;
  getError(handle: OpenSlideHandle): string | null;
  levelCount(handle: OpenSlideHandle): number;
  levelDimensions(handle: OpenSlideHandle, level: number): { width: number; height: number };
  levelDownsample(handle: OpenSlideHandle, level: number): number;
  properties(handle: OpenSlideHandle): Record<string, string>;
  /** Premultiplied ARGB into `dest` (width*height); x, y in level-0 pixels. */
  readRegion(handle: OpenSlideHandle, dest: Uint32Array, x: number, y: number, level: number, width: number, height: number): Promise<void>;
  close(handle: OpenSlideHandle): void;
}

// koffi queues at most max_async_calls (256) async calls and throws beyond; keep well below it.
const MAX_IN_FLIGHT = 64;
let inFlight = 0;
const waiting: (() => void)[] = [];

async function throttled<T>(call: () => Promise<T>): Promise<T> {
  if (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => waiting.push(resolve));
  inFlight++;
  try {
    return await call();
  } finally {
    inFlight--;
    waiting.shift()?.();
  }
}

type AsyncFn = { async: (...args: unknown[]) => void };

function callAsync<T>(fn: AsyncFn, ...args: unknown[]): Promise<T> {
  return throttled(
    () =>
      new Promise<T>((resolve, reject) => {
        fn.async(...args, (err: unknown, result: T) => (err ? reject(err) : resolve(result)));
      }),
  );
}

/** Declare the OpenSlide functions of `lib` (throws when a symbol is missing: not an OpenSlide library). */
export function bindOpenSlide(lib: LibraryHandle, source: string): OpenSlideBinding {
  const fn = {
    version: lib.func('const char *openslide_get_version()'),
    detectVendor: lib.func('const char *openslide_detect_vendor(const char *filename)'),
    open: lib.func('void *openslide_open(const char *filename)'),
    getError: lib.func('const char *openslide_get_error(void *osr)'),
    levelCount: lib.func('int32_t openslide_get_level_count(void *osr)'),
    levelDimensions: lib.func('void openslide_get_level_dimensions(void *osr, int32_t level, _Out_ int64_t *w, _Out_ int64_t *h)'),
    levelDownsample: lib.func('double openslide_get_level_downsample(void *osr, int32_t level)'),
    propertyNames: lib.func('void *openslide_get_property_names(void *osr)'),
    propertyValue: lib.func('const char *openslide_get_property_value(void *osr, const char *name)'),
    readRegion: lib.func(
      'void openslide_read_region(void *osr, _Out_ uint32_t *dest, int64_t x, int64_t y, int32_t level, int64_t w, int64_t h)',
    ),
    close: lib.func('void openslide_close(void *osr)'),
  };
  return {
    source,
    version: String(fn.version()),
    detectVendor: (file) => callAsync<string | null>(fn.detectVendor, file),
    open: async (file) => {
      const handle = await callAsync<bigint | null>(fn.open, file);
      return handle ? handle : null;
    },
    getError: (handle) => fn.getError(handle) as string | null,
    levelCount: (handle) => fn.levelCount(handle) as number,
    levelDimensions: (handle, level) => {
      const w = new BigInt64Array(1);
      const h = new BigInt64Array(1);
      fn.levelDimensions(handle, level, w, h);
      return { width: Number(w[0]), height: Number(h[0]) };
    },
    levelDownsample: (handle, level) => fn.levelDownsample(handle, level) as number,
    properties: (handle) => {
      const names = fn.propertyNames(handle) as bigint | null;
      const out: Record<string, string> = {};
      // A NULL-terminated array of C strings owned by the handle.
      for (let i = 0; names; i++) {
        const name = koffi.decode(names, i * koffi.sizeof('void *'), 'const char *') as string | null;
        if (name === null) break;
        out[name] = String(fn.propertyValue(handle, name) ?? '');
      }
      return out;
    },
    readRegion: (handle, dest, x, y, level, width, height) => callAsync<void>(fn.readRegion, handle, dest, x, y, level, width, height),
    close: (handle) => fn.close(handle),
  };
}
