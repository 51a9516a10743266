// Streams a TIFF to disk: image data blocks (tiles or strips) are appended as they are produced,
// then all IFDs go at the end, classic TIFF when every offset fits in 32 bits, BigTIFF otherwise.
// IFD byte encoding lives in tiff-ifd.ts; what the pixels are is the caller's business.
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { TAG, encodeIfd, ifdByteLength } from './tiff-ifd.js';
import type { IfdEntry } from './tiff-ifd.js';

/** Where a data block landed in the file. */
export interface BlockRef {
  offset: number;
  byteCount: number;
}

/** One image (IFD) of the file; blocks are tiles in row-major order, or strips top to bottom. */
export interface TiffImageSpec {
  width: number;
  height: number;
  /** Tiled when set (TileWidth = TileLength = tileSize); stripped otherwise. */
  tileSize?: number;
  /** Rows per strip for stripped images. @default height */
  rowsPerStrip?: number;
  compression: 'jpeg' | 'none';
  /** `ycbcr` for JPEG tiles (with `ycbcrSubsampling`), `rgb` for uncompressed pixels. */
  photometric: 'ycbcr' | 'rgb';
  ycbcrSubsampling?: [number, number];
  /** 0 full image, 1 reduced resolution, 9 reduced + macro (Aperio). */
  newSubfileType: number;
  description: string;
  /** Software tag (e.g. Philips' "Philips DP v1.0"); left out when unset. */
  software?: string;
  /** Pixels per centimetre in x and y (ResolutionUnit 3). */
  pixelsPerCm?: number;
  blocks: BlockRef[];
}

export type BigTiffChoice = 'auto' | 'always' | 'never';

const HEADER_BYTES = 16;
const FLUSH_BYTES = 8 << 20;
const CLASSIC_LIMIT = 2 ** 32;

export class TiffWriter {
  private readonly images: TiffImageSpec[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private position = HEADER_BYTES;

  private constructor(private readonly file: FileHandle) {}

  /** Create (truncate) `path` and reserve room for the header. */
  static async create(path: string): Promise<TiffWriter> {
    const file = await open(path, 'w');
    await file.write(Buffer.alloc(HEADER_BYTES), 0, HEADER_BYTES, 0);
    return new TiffWriter(file);
  }

  /** Append one block (a complete JPEG tile, a raw strip) and return where it went. Copies `bytes`. */
  async writeBlock(bytes: Uint8Array): Promise<BlockRef> {
    const ref = { offset: this.position, byteCount: bytes.length };
    this.pending.push(Buffer.from(bytes));
    this.pendingBytes += bytes.length;
    this.position += bytes.length;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
    return ref;
  }

  /** Add an image; IFDs are written in the order images are added. */
  addImage(image: TiffImageSpec): void {
    this.images.push(image);
  }

  /** Write the IFDs and the header, close the file, and say which flavour of TIFF it became. */
  async finish(bigTiff: BigTiffChoice = 'auto'): Promise<{ isBigTiff: boolean; byteLength: number }> {
    const entries = this.images.map(imageEntries);
    const dataEnd = this.position + (this.position % 2);
    const classicEnd = dataEnd + entries.reduce((sum, e) => sum + ifdByteLength(e, false) + 2, 0);
    const isBigTiff = bigTiff === 'always' || (bigTiff === 'auto' && classicEnd >= CLASSIC_LIMIT);
    if (!isBigTiff && classicEnd >= CLASSIC_LIMIT) {
      throw new RangeError(`The file would be ${classicEnd} bytes, beyond classic TIFF's 4 GiB; allow BigTIFF`);
    }
    if (this.position % 2 === 1) await this.writeBlock(new Uint8Array(1));
    const starts: number[] = [];
    let at = this.position;
    for (const e of entries) {
      starts.push(at);
      at += ifdByteLength(e, isBigTiff);
      at += at % 2;
    }
    for (let k = 0; k < entries.length; k++) {
      const ifd = encodeIfd(entries[k], starts[k], starts[k + 1] ?? 0, isBigTiff);
      await this.writeBlock(Buffer.concat([ifd, Buffer.alloc(ifd.length % 2)]));
    }
    await this.flush();
    await this.file.write(header(isBigTiff, starts[0] ?? 0), 0, HEADER_BYTES, 0);
    await this.file.close();
    return { isBigTiff, byteLength: this.position };
  }

  /** Close without finishing (after an error); the caller removes the file. */
  async abort(): Promise<void> {
    await this.file.close();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = Buffer.concat(this.pending);
    const at = this.position - chunk.length;
    this.pending = [];
    this.pendingBytes = 0;
    await this.file.write(chunk, 0, chunk.length, at);
  }
}

function header(isBigTiff: boolean, firstIfd: number): Buffer {
  const buf = Buffer.alloc(HEADER_BYTES);
  buf.write('II', 0, 'latin1');
  if (isBigTiff) {
    buf.writeUInt16LE(43, 2);
    buf.writeUInt16LE(8, 4);
    buf.writeBigUInt64LE(BigInt(firstIfd), 8);
  } else {
    buf.writeUInt16LE(42, 2);
    buf.writeUInt32LE(firstIfd, 4);
  }
  return buf;
}

// The tags of one image: geometry, sample layout, compression, resolution and block locations.
function imageEntries(image: TiffImageSpec): IfdEntry[] {
  const short = (tag: number, ...value: number[]): IfdEntry => ({ tag, value: { type: 'short', value } });
  const long = (tag: number, ...value: number[]): IfdEntry => ({ tag, value: { type: 'long', value } });
  const offsets = image.blocks.map((b) => b.offset);
  const counts = image.blocks.map((b) => b.byteCount);
  const entries: IfdEntry[] = [
    long(TAG.NewSubfileType, image.newSubfileType),
    long(TAG.ImageWidth, image.width),
    long(TAG.ImageLength, image.height),
    short(TAG.BitsPerSample, 8, 8, 8),
    short(TAG.Compression, image.compression === 'jpeg' ? 7 : 1),
    short(TAG.Photometric, image.photometric === 'ycbcr' ? 6 : 2),
    { tag: TAG.ImageDescription, value: { type: 'ascii', value: image.description } },
    short(TAG.SamplesPerPixel, 3),
    short(TAG.PlanarConfiguration, 1),
  ];
  if (image.tileSize !== undefined) {
    entries.push(long(TAG.TileWidth, image.tileSize), long(TAG.TileLength, image.tileSize));
    entries.push(
      { tag: TAG.TileOffsets, value: { type: 'offset', value: offsets } },
      { tag: TAG.TileByteCounts, value: { type: 'long', value: counts } },
    );
  } else {
    entries.push(long(TAG.RowsPerStrip, image.rowsPerStrip ?? image.height));
    entries.push(
      { tag: TAG.StripOffsets, value: { type: 'offset', value: offsets } },
      { tag: TAG.StripByteCounts, value: { type: 'long', value: counts } },
    );
  }
  if (image.software !== undefined) entries.push({ tag: TAG.Software, value: { type: 'ascii', value: image.software } });
  if (image.ycbcrSubsampling) entries.push(short(TAG.YCbCrSubsampling, ...image.ycbcrSubsampling));
  if (image.pixelsPerCm !== undefined) {
    const rational: [number, number] = [Math.round(image.pixelsPerCm * 1000), 1000];
    entries.push({ tag: TAG.XResolution, value: { type: 'rational', value: [rational] } });
    entries.push({ tag: TAG.YResolution, value: { type: 'rational', value: [rational] } });
    entries.push(short(TAG.ResolutionUnit, 3));
  }
  return entries;
}
