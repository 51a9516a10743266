// Maps TIFF Compression tag values to our Compression names and refuses codecs we cannot decode.
// Decoding itself lives in decode-tile.ts.

import { SlideError } from '../../errors.js';
import type { Compression } from '../types.js';

const SUPPORTED: ReadonlyMap<number, Compression> = new Map([
  [1, 'none'],
  [5, 'lzw'],
  [7, 'jpeg'],
  [8, 'deflate'],
  [32946, 'deflate'],
  [32773, 'packbits'],
]);

const KNOWN_UNSUPPORTED: ReadonlyMap<number, string> = new Map([
  [6, 'old-style JPEG (6)'],
  [33003, 'Aperio JPEG 2000 YCbCr (33003)'],
  [33005, 'Aperio JPEG 2000 RGB (33005)'],
  [34712, 'JPEG 2000 (34712)'],
  [50000, 'Zstandard (50000)'],
  [50001, 'WebP (50001)'],
  [34887, 'LERC (34887)'],
]);

const CONVERT_HINT =
  'Convert the slide to a JPEG-compressed tiled pyramid, e.g. `vips tiffsave in.svs out.tif --tile --pyramid --compression jpeg --Q 90 --bigtiff` (needs a libvips or OpenSlide build that can read the source codec).';

/** Our name for a Compression tag value, or SlideError('UNSUPPORTED_COMPRESSION') naming file and IFD (index, or a name like `IFD 0 SubIFD 1`). */
export function resolveCompression(code: number, path: string, ifd: number | string): Compression {
  const name = SUPPORTED.get(code);
  if (name !== undefined) return name;
  const what = KNOWN_UNSUPPORTED.get(code) ?? `unknown compression ${code}`;
  const supported = 'JPEG, deflate, LZW, PackBits, uncompressed';
  throw new SlideError(
    'UNSUPPORTED_COMPRESSION',
    path,
    `${typeof ifd === 'number' ? `IFD ${ifd}` : ifd} uses ${what}; supported: ${supported}`,
    { hint: CONVERT_HINT },
  );
}
