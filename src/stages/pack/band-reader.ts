// Cuts patches out of a level decoded in horizontal bands (one per tile row and x-interval), each tile
// decoded once per segment by a BandSource: TurboJPEG workers (tile-band-source.ts) or libvips
// (vips-band-source.ts). Patches must be asked for in row-major order; bands no longer needed are dropped
// (and their buffers handed back to the source once no read still copies from them).
import { copyRows } from '../../util/shared-arena.js';

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

/** Decodes band (t, [x0, x1)): tile row t's rows (x1 - x0 pixels each, RGB), white outside the level. */
export interface BandSource {
  /** Bands widened to whole tiles (the source decodes tiles in place). */
  readonly isTileAligned: boolean;
  /** What decodes: 'turbojpeg' or 'libvips'. */
  readonly decoder: string;
  decode(t: number, x0: number, x1: number): Promise<Uint8Array>;
  /** All bands of tile row t at once, when the source does better that way (one buffer, one job). */
  decodeRow?(t: number, intervals: Array<[number, number]>): Array<Promise<Uint8Array>>;
  /** The band's buffer is no longer read: the source may reuse it. */
  release?(data: Uint8Array): void;
}

interface Band {
  x0: number;
  x1: number;
  data: Promise<Uint8Array>;
  /** Reads copying from it now; the buffer is released once dropped and unused. */
  users: number;
  isDropped: boolean;
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

/** Widen sorted intervals to whole tiles of width `tw`, merging those that then overlap or touch. */
export function alignIntervals(intervals: Array<[number, number]>, tw: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [a, b] of intervals) {
    const x0 = Math.floor(a / tw) * tw;
    const x1 = Math.ceil(b / tw) * tw;
    const last = out[out.length - 1];
    if (last && x0 <= last[1]) last[1] = Math.max(last[1], x1);
    else out.push([x0, x1]);
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
    private readonly source: BandSource,
  ) {
    const byRow = new Map<number, number[]>();
    for (const [x, y] of positions) {
      for (let t = Math.max(0, Math.floor(y / level.tileHeight)); t <= Math.floor((y + size - 1) / level.tileHeight); t++) {
        if (t * level.tileHeight >= level.height) break;
        if (!byRow.has(t)) byRow.set(t, []);
        byRow.get(t)?.push(x);
      }
    }
    for (const [t, xs] of byRow) {
      const merged = mergeIntervals(xs, size, level.tileWidth);
      this.needs.set(t, source.isTileAligned ? alignIntervals(merged, level.tileWidth) : merged);
    }
  }

  private bandsFor(t: number): Band[] {
    let bands = this.bands.get(t);
    if (!bands) {
      const needs = this.needs.get(t) ?? [];
      const data = this.source.decodeRow ? this.source.decodeRow(t, needs) : needs.map(([x0, x1]) => this.source.decode(t, x0, x1));
      // A band that fails before any read awaits it must not be an unhandled rejection (reads still see it).
      for (const d of data) d.catch(() => undefined);
      bands = needs.map(([x0, x1], i) => ({ x0, x1, data: data[i], users: 0, isDropped: false }));
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
    for (const [t, bands] of this.bands) {
      if (t >= first) continue;
      this.bands.delete(t);
      for (const band of bands) {
        band.isDropped = true;
        this.releaseIfUnused(band);
      }
    }
    // Take every band this patch needs before awaiting, and start the next tile row early.
    const parts: Array<{ t: number; band: Band }> = [];
    for (let t = first; t <= last; t++) {
      const band = this.bandsFor(t).find((b) => b.x0 <= x && x + s <= b.x1);
      if (!band) throw new Error(`patch at ${x},${y} was not announced to the band reader`);
      parts.push({ t, band });
      band.users++;
    }
    // Keep the decoders busy while the main thread writes and hashes: decode a few tile rows ahead.
    for (let t = last + 1; t <= last + BandReader.LOOKAHEAD_ROWS; t++) if (this.needs.has(t)) this.bandsFor(t);
    const out = into ?? new Uint8Array(s * s * 3);
    // Only a patch reaching past the top or bottom of the level has rows no band covers.
    if (y < 0 || y + s > height) out.fill(255);
    try {
      for (const { t, band } of parts) {
        const data = await band.data;
        const bw = band.x1 - band.x0;
        const top = t * tileHeight;
        const [r0, r1] = [Math.max(y, top), Math.min(y + s, top + Math.min(tileHeight, height - top))];
        // One WebAssembly call when band and patch are both in the shared arena (src/util/shared-arena.ts).
        copyRows({
          src: data,
          srcAt: ((r0 - top) * bw + (x - band.x0)) * 3,
          srcPitch: bw * 3,
          dst: out,
          dstAt: (r0 - y) * s * 3,
          dstPitch: s * 3,
          len: s * 3,
          rows: r1 - r0,
        });
      }
    } finally {
      for (const { band } of parts) {
        band.users--;
        this.releaseIfUnused(band);
      }
    }
    return out;
  }

  /** No more reads (the last ones have settled): every band's buffer goes back to the source once decoded. */
  close(): void {
    for (const bands of this.bands.values()) {
      for (const band of bands) {
        band.isDropped = true;
        this.releaseIfUnused(band);
      }
    }
    this.bands.clear();
  }

  /** Hand a dropped band's buffer back to the source once no read copies from it. */
  private releaseIfUnused(band: Band): void {
    if (!band.isDropped || band.users > 0 || !this.source.release) return;
    const release = this.source.release.bind(this.source);
    band.data.then(release, () => undefined);
  }
}
