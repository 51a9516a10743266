// Encodes one TIFF image file directory (classic or BigTIFF) into bytes at a known file offset.
// Pure: no I/O. Which tags an image gets is decided in tiff-writer.ts.

export const TAG = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  Photometric: 262,
  ImageDescription: 270,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  XResolution: 282,
  YResolution: 283,
  PlanarConfiguration: 284,
  ResolutionUnit: 296,
  Software: 305,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  YCbCrSubsampling: 530,
} as const;

const TYPE = { ASCII: 2, SHORT: 3, LONG: 4, RATIONAL: 5, LONG8: 16 } as const;
const TYPE_SIZE: Record<number, number> = { 2: 1, 3: 2, 4: 4, 5: 8, 16: 8 };

export type IfdValue =
  | { type: 'ascii'; value: string }
  | { type: 'short' | 'long' | 'offset'; value: readonly number[] }
  | { type: 'rational'; value: readonly [number, number][] };

export interface IfdEntry {
  tag: number;
  value: IfdValue;
}

interface Layout {
  isBigTiff: boolean;
  entrySize: number;
  inlineSize: number;
}

function layoutOf(isBigTiff: boolean): Layout {
  return isBigTiff ? { isBigTiff, entrySize: 20, inlineSize: 8 } : { isBigTiff, entrySize: 12, inlineSize: 4 };
}

// The TIFF type code and element count of a value; `offset` means LONG in classic TIFF, LONG8 in BigTIFF.
function typeOf(value: IfdValue, isBigTiff: boolean): { type: number; count: number } {
  switch (value.type) {
    case 'ascii':
      return { type: TYPE.ASCII, count: Buffer.byteLength(value.value, 'latin1') + 1 };
    case 'short':
      return { type: TYPE.SHORT, count: value.value.length };
    case 'long':
      return { type: TYPE.LONG, count: value.value.length };
    case 'offset':
      return { type: isBigTiff ? TYPE.LONG8 : TYPE.LONG, count: value.value.length };
    case 'rational':
      return { type: TYPE.RATIONAL, count: value.value.length };
  }
}

function payloadOf(value: IfdValue, type: number, count: number): Buffer {
  const buf = Buffer.alloc(count * TYPE_SIZE[type]);
  if (value.type === 'ascii') {
    buf.write(value.value, 0, 'latin1');
  } else if (value.type === 'rational') {
    value.value.forEach(([num, den], k) => {
      buf.writeUInt32LE(num, k * 8);
      buf.writeUInt32LE(den, k * 8 + 4);
    });
  } else {
    value.value.forEach((v, k) => {
      if (type === TYPE.SHORT) buf.writeUInt16LE(v, k * 2);
      else if (type === TYPE.LONG) buf.writeUInt32LE(v, k * 4);
      else buf.writeBigUInt64LE(BigInt(v), k * 8);
    });
  }
  return buf;
}

/** Byte length of an IFD (entries plus out-of-line values), independent of where it is placed. */
export function ifdByteLength(entries: readonly IfdEntry[], isBigTiff: boolean): number {
  const layout = layoutOf(isBigTiff);
  let size = (isBigTiff ? 8 : 2) + entries.length * layout.entrySize + (isBigTiff ? 8 : 4);
  for (const entry of entries) {
    const { type, count } = typeOf(entry.value, isBigTiff);
    const bytes = count * TYPE_SIZE[type];
    if (bytes > layout.inlineSize) size += bytes + (bytes % 2);
  }
  return size;
}

/** Encode an IFD placed at file offset `at`, pointing to the next IFD at `next` (0 = last). */
export function encodeIfd(entries: readonly IfdEntry[], at: number, next: number, isBigTiff: boolean): Buffer {
  const layout = layoutOf(isBigTiff);
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  const out = Buffer.alloc(ifdByteLength(sorted, isBigTiff));
  let pos = 0;
  const writeCount = (v: number) => {
    if (isBigTiff) out.writeBigUInt64LE(BigInt(v), pos);
    else out.writeUInt32LE(v, pos);
  };
  if (isBigTiff) out.writeBigUInt64LE(BigInt(sorted.length), 0);
  else out.writeUInt16LE(sorted.length, 0);
  pos = isBigTiff ? 8 : 2;
  let extra = pos + sorted.length * layout.entrySize + (isBigTiff ? 8 : 4);
  for (const entry of sorted) {
    const { type, count } = typeOf(entry.value, isBigTiff);
    const payload = payloadOf(entry.value, type, count);
    out.writeUInt16LE(entry.tag, pos);
    out.writeUInt16LE(type, pos + 2);
    pos += 4;
    writeCount(count);
    pos += isBigTiff ? 8 : 4;
    if (payload.length <= layout.inlineSize) {
      payload.copy(out, pos);
    } else {
      if (isBigTiff) out.writeBigUInt64LE(BigInt(at + extra), pos);
      else out.writeUInt32LE(at + extra, pos);
      payload.copy(out, extra);
      extra += payload.length + (payload.length % 2);
    }
    pos += layout.inlineSize;
  }
  if (isBigTiff) out.writeBigUInt64LE(BigInt(next), pos);
  else out.writeUInt32LE(next, pos);
  return out;
}
