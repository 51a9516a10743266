// Walks the IFD chain, and the SubIFDs (tag 330) of each IFD, with our own reads and checks every entry stays
// inside the file, before geotiff parses it. geotiff trusts counts and offsets; this turns that into typed errors.

import type { FileHandle } from 'node:fs/promises';
import { SlideError } from '../../errors.js';
import type { TiffHeader } from './tiff-header.js';

/** Byte size of each TIFF field type (1..18, BigTIFF adds 16..18); 0 marks an unknown type. */
const FIELD_TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8];
const MAX_ENTRIES = 4096;
const MAX_DIRECTORIES = 10_000;
const SUBIFDS_TAG = 330;
/** Field types a SubIFDs tag may hold offsets in: LONG, IFD, LONG8, IFD8. */
const OFFSET_TYPES = new Set([4, 13, 16, 18]);

/** The byte offsets of the top-level IFDs, and for each of them the offsets of its SubIFDs (and their chains). */
export interface IfdChain {
  offsets: number[];
  subIfdOffsets: number[][];
}

function readUint(buf: Buffer, at: number, bytes: 2 | 4 | 8, le: boolean): number {
  if (bytes === 2) return le ? buf.readUInt16LE(at) : buf.readUInt16BE(at);
  if (bytes === 4) return le ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
  return Number(le ? buf.readBigUInt64LE(at) : buf.readBigUInt64BE(at));
}

async function readAt(handle: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buf, 0, length, offset);
  return buf.subarray(0, bytesRead);
}

class ChainWalker {
  private readonly seen = new Set<number>();

  constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    private readonly header: TiffHeader,
  ) {}

  /** Offsets of the chain starting at `first`; `name(n)` names its n-th IFD in errors. SubIFDs are collected per IFD. */
  async walk(first: number, name: (n: number) => string, subIfds: number[][] | null): Promise<number[]> {
    const offsets: number[] = [];
    let offset = first;
    while (offset !== 0) {
      const what = name(offsets.length);
      if (this.seen.has(offset) || this.seen.size >= MAX_DIRECTORIES) {
        throw new SlideError(
          'SLIDE_UNREADABLE',
          this.path,
          `IFD chain loops or is implausibly long at ${what} (offset ${offset}); the file is corrupt`,
        );
      }
      this.seen.add(offset);
      offsets.push(offset);
      const ifd = await this.checkIfd(offset, what);
      subIfds?.push(ifd.subIfds);
      offset = ifd.next;
    }
    return offsets;
  }

  // Checks one IFD's entries; returns the next-IFD offset and the offsets its SubIFDs tag lists.
  private async checkIfd(offset: number, what: string): Promise<{ next: number; subIfds: number[] }> {
    const { littleEndian: le, isBigTiff: big, fileSize } = this.header;
    const { handle, path } = this;
    const countBytes = big ? 8 : 2;
    const entryBytes = big ? 20 : 12;
    const pointerBytes = big ? 8 : 4;
    if (offset + countBytes > fileSize) {
      throw new SlideError('SLIDE_TRUNCATED', path, `${what} at offset ${offset} lies beyond the end of the file (${fileSize} bytes)`);
    }
    const entryCount = readUint(await readAt(handle, offset, countBytes), 0, countBytes as 2 | 8, le);
    if (entryCount === 0 || entryCount > MAX_ENTRIES) {
      throw new SlideError('SLIDE_UNREADABLE', path, `${what} at offset ${offset} claims ${entryCount} entries; the file is corrupt`);
    }
    const tableBytes = entryCount * entryBytes + pointerBytes;
    const table = await readAt(handle, offset + countBytes, tableBytes);
    if (table.length < tableBytes) {
      throw new SlideError('SLIDE_TRUNCATED', path, `${what} at offset ${offset} is cut off by the end of the file (${fileSize} bytes)`);
    }
    let subIfds: number[] = [];
    for (let e = 0; e < entryCount; e++) {
      const at = e * entryBytes;
      const tag = readUint(table, at, 2, le);
      const type = readUint(table, at + 2, 2, le);
      const count = readUint(table, at + 4, big ? 8 : 4, le);
      const size = FIELD_TYPE_SIZE[type] ?? 0;
      if (size === 0) {
        throw new SlideError(
          'SLIDE_UNREADABLE',
          path,
          `${what} entry ${e} (tag ${tag}) has unknown field type ${type}; the file is corrupt`,
        );
      }
      const valueAt = at + (big ? 12 : 8);
      const isInline = size * count <= pointerBytes;
      const valueOffset = isInline ? 0 : readUint(table, valueAt, big ? 8 : 4, le);
      if (!isInline && valueOffset + size * count > fileSize) {
        throw new SlideError(
          'SLIDE_TRUNCATED',
          path,
          `${what} tag ${tag} points at bytes ${valueOffset}..${valueOffset + size * count} beyond the end of the file (${fileSize} bytes)`,
        );
      }
      if (tag === SUBIFDS_TAG && OFFSET_TYPES.has(type) && count <= MAX_DIRECTORIES) {
        const values = isInline ? table.subarray(valueAt, valueAt + pointerBytes) : await readAt(handle, valueOffset, size * count);
        subIfds = Array.from({ length: count }, (_, i) => readUint(values, i * size, size as 4 | 8, le)).filter((o) => o !== 0);
      }
    }
    return { next: readUint(table, entryCount * entryBytes, big ? 8 : 4, le), subIfds };
  }
}

/** Check the chain and every SubIFD; throws SLIDE_TRUNCATED or SLIDE_UNREADABLE naming the IFD. */
export async function checkIfdChain(handle: FileHandle, path: string, header: TiffHeader): Promise<IfdChain> {
  const walker = new ChainWalker(handle, path, header);
  const listed: number[][] = [];
  const offsets = await walker.walk(header.firstIfdOffset, (n) => `IFD ${n}`, listed);
  const subIfdOffsets: number[][] = [];
  for (const [i, starts] of listed.entries()) {
    const found: number[] = [];
    // Each listed SubIFD may continue in a chain of its own; nested SubIFDs are not pyramid levels here.
    for (const start of starts) found.push(...(await walker.walk(start, (n) => `IFD ${i} SubIFD ${found.length + n}`, null)));
    subIfdOffsets.push(found);
  }
  return { offsets, subIfdOffsets };
}
