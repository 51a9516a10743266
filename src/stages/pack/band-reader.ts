// Decodes a level in horizontal bands, one libvips call per tile row and x-interval (sharp opening
// the TIFF page itself), and cuts patches out of them. Each tile is decoded once per segment and
// libvips' own pipeline does it about 2.5x faster than one sharp call per tile (bench/RESULTS.md).
// Patches must be asked for in row-major order; bands no longer needed are dropped. libtiff decodes a
// damaged JPEG tile as grey without an error, so the tiles of each band are checked alongside (`checkTiles`).
import sharp from 'sharp';
import { SlideError } from '../../errors.js';

export interface BandLevel {
  file: string;
  /** TIFF page (IFD index) of the level, and its SubIFD for OME-style pyramids. */
  page: number;
  subIfd?: number;
  width: number;
  height: number;
  tileWidth: number;
  tileHeight: number;
  /** Rejects (naming the file and the tile) unless tiles [col0, col1] of tile row `row` are intact. */
  checkTiles?: (row: number, col0: number, col1: number) => Promise<void>;
}

interface Band {
  x0: number;
  x1: number;
  data: Promise<Uint8Array>;
}

/** Merge [x, x + size) intervals that overlap or lie within one tile of each other. */
export function mergeIntervals(xs: number[], size: number, gap: number): Array<[number, number]> {
  const sorted = [...xs].sort((a, b) => a - b);
  const out: Array<[number, number]> = [];
  for (const x of sorted) {
    const last = out[out.length - 1];
    if (last && x <= last[1] + gap) last[1] = Math.max(last[1], x + size);
    else out.push([x, x + size]);
  }
  return out;
}

export class BandReader {
  static readonly LOOKAHEAD_ROWS = 3;
  private readonly bands = new Map<number, Band[]>();
  /** Tile row -> x-intervals needed there, from every patch that will be asked for. */
  private readonly needs = new Map<number, Array<[number, number]>>();

  constructor(
    private readonly level: BandLevel,
    private readonly size: number,
    positions: Array<[number, number]>,
  ) {
    const byRow = new Map<number, number[]>();
    for (const [x, y] of positions) {
      for (let t = Math.max(0, Math.floor(y / level.tileHeight)); t <= Math.floor((y + size - 1) / level.tileHeight); t++) {
        if (t * level.tileHeight >= level.height) break;
        if (!byRow.has(t)) byRow.set(t, []);
        byRow.get(t)?.push(x);
      }
    }
    for (const [t, xs] of byRow) this.needs.set(t, mergeIntervals(xs, size, level.tileWidth));
  }

  private decode(t: number, x0: number, x1: number): Promise<Uint8Array> {
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

  private bandsFor(t: number): Band[] {
    let bands = this.bands.get(t);
    if (!bands) {
      bands = (this.needs.get(t) ?? []).map(([x0, x1]) => ({ x0, x1, data: this.decode(t, x0, x1) }));
      this.bands.set(t, bands);
    }
    return bands;
  }

  /** The size x size patch at level position (x, y), into `out` when given; white outside the level. */
  async read(x: number, y: number, into?: Uint8Array): Promise<Uint8Array> {
    const { tileHeight, height } = this.level;
    const s = this.size;
    const first = Math.max(0, Math.floor(y / tileHeight));
    const last = Math.min(Math.floor((y + s - 1) / tileHeight), Math.ceil(height / tileHeight) - 1);
    // Rows above this patch will not be asked for again (patches come in row-major order).
    for (const t of this.bands.keys()) if (t < first) this.bands.delete(t);
    // Take every band this patch needs before awaiting, and start the next tile row early.
    const parts: Array<{ t: number; band: Band }> = [];
    for (let t = first; t <= last; t++) {
      const band = this.bandsFor(t).find((b) => b.x0 <= x && x + s <= b.x1);
      if (!band) throw new Error(`patch at ${x},${y} was not announced to the band reader`);
      parts.push({ t, band });
    }
    // Keep libvips busy while the main thread writes and hashes: decode a few tile rows ahead.
    for (let t = last + 1; t <= last + BandReader.LOOKAHEAD_ROWS; t++) {
      if (this.needs.has(t)) for (const b of this.bandsFor(t)) b.data.catch(() => undefined);
    }
    const out = into ?? new Uint8Array(s * s * 3);
    // Only a patch reaching past the bottom of the level has rows no band covers.
    if (y + s > height) out.fill(255);
    for (const { t, band } of parts) {
      const data = await band.data;
      const bw = band.x1 - band.x0;
      const top = t * tileHeight;
      const rows = Math.min(tileHeight, height - top);
      for (let r = Math.max(y, top); r < Math.min(y + s, top + rows); r++) {
        const src = ((r - top) * bw + (x - band.x0)) * 3;
        out.set(data.subarray(src, src + s * 3), (r - y) * s * 3);
      }
    }
    return out;
  }
}
