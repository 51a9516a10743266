// libjpeg-turbo's TurboJPEG API (libturbojpeg.so.0, Debian `libturbojpeg0`) through koffi: decodes one JPEG
// tile straight into a band buffer at a row pitch, synchronously (the tile-decode workers call it). About 2x
// fewer CPU-seconds per pixel than libvips' tiffload pipeline here (bench/RESULTS.md), same pixels.
import koffi from 'koffi';
import { TileDataError } from './jpeg-check.js';

export const TURBOJPEG_ENV = 'WSI_HPC_TURBOJPEG';
export const TURBOJPEG_SONAMES = ['libturbojpeg.so.0'] as const;
export const TURBOJPEG_INSTALL_HINT =
  "Install libjpeg-turbo's TurboJPEG library: `apt install libturbojpeg0` (Debian/Ubuntu), `dnf install turbojpeg`, " +
  '`conda install -c conda-forge libjpeg-turbo`, or set WSI_HPC_TURBOJPEG=/path/to/libturbojpeg.so.0';

const TJPF_RGB = 0;
/** Treat libjpeg's warnings (corrupt data it would paper over with grey) as errors. */
const TJFLAG_STOPONWARNING = 8192;
const TJCS_CMYK = 3;
const TJCS_YCCK = 4;

export interface TurboJpeg {
  readonly source: string;
  /** Width and height the JPEG stream declares; throws TileDataError when its header is unreadable. */
  header(stream: Uint8Array): { width: number; height: number };
  /** Decode `stream` to RGB into `dst` (pitch bytes per row), which must hold `height` rows of `width` pixels. */
  decode(stream: Uint8Array, dst: Uint8Array, width: number, pitch: number, height: number): void;
}

// libjpeg's messages for damaged data (as opposed to an unsupported stream).
const DATA_ERROR = /corrupt|premature end|huffman|bogus|invalid|marker|truncat|warning/i;

/** Load TurboJPEG from WSI_HPC_TURBOJPEG (a path) or the loader path; a reason string when it cannot. */
export function loadTurboJpeg(env: NodeJS.ProcessEnv = process.env): TurboJpeg | string {
  const explicit = env[TURBOJPEG_ENV];
  const failures: string[] = [];
  for (const name of explicit ? [explicit] : TURBOJPEG_SONAMES) {
    try {
      return bind(koffi.load(name), name);
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}`);
    }
  }
  return `libjpeg-turbo's TurboJPEG library could not be loaded (${failures.join('; ')})`;
}

function bind(lib: ReturnType<typeof koffi.load>, source: string): TurboJpeg {
  const init = lib.func('void *tjInitDecompress()');
  const header3 = lib.func(
    'int tjDecompressHeader3(void *h, const uint8_t *buf, unsigned long size, _Out_ int *w, _Out_ int *hgt, _Out_ int *ss, _Out_ int *cs)',
  );
  const decompress = lib.func(
    'int tjDecompress2(void *h, const uint8_t *buf, unsigned long size, uint8_t *dst, int w, int pitch, int hgt, int pf, int flags)',
  );
  const errorText = lib.func('const char *tjGetErrorStr2(void *h)');
  const handle = init();
  if (!handle) throw new Error('tjInitDecompress returned NULL');
  const fail = (what: string): never => {
    const text = String(errorText(handle) ?? 'unknown error');
    throw DATA_ERROR.test(text) ? new TileDataError(`damaged JPEG data: ${text}`) : new Error(`${what}: ${text}`);
  };
  const w = [0];
  const h = [0];
  const ss = [0];
  const cs = [0];
  return {
    source,
    header(stream) {
      if (header3(handle, stream, stream.length, w, h, ss, cs) !== 0) fail('JPEG header');
      if (cs[0] === TJCS_CMYK || cs[0] === TJCS_YCCK) throw new Error('CMYK JPEG tiles are not supported');
      return { width: w[0], height: h[0] };
    },
    decode(stream, dst, width, pitch, height) {
      // TurboJPEG writes `height` rows of `pitch` bytes (the last one `width` x 3): never past `dst`.
      if (dst.length < (height - 1) * pitch + width * 3) throw new Error('decode buffer too small');
      if (decompress(handle, stream, stream.length, dst, width, pitch, height, TJPF_RGB, TJFLAG_STOPONWARNING) !== 0) fail('JPEG decode');
    },
  };
}
