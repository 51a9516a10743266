// Decodes one band of a level with libvips (sharp opening the TIFF page itself): one call per tile row and
// x-interval, padded white outside the level. libtiff decodes a damaged JPEG tile as grey without an error, so
// the tiles of each band are checked alongside (`checkTiles`). The route when TurboJPEG is not available.
import sharp from 'sharp';
import { SlideError } from '../../errors.js';
import type { BandLevel, BandSource } from './band-reader.js';

export class VipsBandSource implements BandSource {
  readonly isTileAligned = false;
  readonly decoder = 'libvips';

  constructor(private readonly level: BandLevel) {}

  decode(t: number, x0: number, x1: number): Promise<Uint8Array> {
    const { file, page, width, height, tileHeight } = this.level;
    const top = t * tileHeight;
    const rows = Math.min(tileHeight, height - top);
    const left = Math.max(0, x0);
    const right = Math.min(width, x1);
    if (right <= left) return Promise.resolve(new Uint8Array((x1 - x0) * rows * 3).fill(255));
    const { tileWidth, checkTiles } = this.level;
    const checked = checkTiles?.(t, Math.floor(left / tileWidth), Math.floor((right - 1) / tileWidth));
    const subifd = this.level.subIfd;
    const decoded = sharp(file, {
      page,
      ...(subifd === undefined ? {} : { subifd }),
      limitInputPixels: false,
      sequentialRead: true,
      failOn: 'warning',
    })
      .extract({ left, top, width: right - left, height: rows })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
      .then(({ data, info }) => {
        if (info.channels !== 3) throw new Error(`decoded ${info.channels} channels, expected 3`);
        const w = right - left;
        // Inside the level the decoded band is the band; at the edges pad it with white.
        if (left === x0 && right === x1) return new Uint8Array(data.buffer, data.byteOffset, data.length);
        const out = new Uint8Array((x1 - x0) * rows * 3).fill(255);
        for (let r = 0; r < rows; r++) out.set(data.subarray(r * w * 3, (r + 1) * w * 3), (r * (x1 - x0) + (left - x0)) * 3);
        return out;
      })
      .catch((err: Error) => {
        throw new SlideError(
          'SLIDE_UNREADABLE',
          file,
          `could not decode level page ${page}, rows ${top}-${top + rows}, x ${left}-${right}: ${err.message}`,
          { cause: err },
        );
      });
    if (!checked) return decoded;
    // A damaged tile's error wins over the (grey) decoded band; the decode runs meanwhile.
    decoded.catch(() => undefined);
    return checked.then(() => decoded);
  }
}
