// Walks the IFD chain with our own reads and checks every entry stays inside the file, before geotiff parses it.
// geotiff trusts counts and offsets and would allocate or read garbage; this turns that into typed errors.

import type { FileHandle } from 'node:fs/promises';
import { SlideError } from '../../errors.js';
import type { TiffHeader } from './tiff-header.js';

/** Byte size of each TIFF field type (1..18, BigTIFF adds 16..18); 0 marks an unknown type. */
const FIELD_TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8];
const MAX_ENTRIES = 4096;
const MAX_DIRECTORIES = 10_000;

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

/** Return the byte offset of every IFD; throws SLIDE_TRUNCATED or SLIDE_UNREADABLE naming the IFD. */
export async function checkIfdChain(handle: FileHandle, path: string, header: TiffHeader): Promise<number[]> {
  const { littleEndian: le, isBigTiff: big, fileSize } = header;
  const countBytes = big ? 8 : 2;
  const entryBytes = big ? 20 : 12;
  const pointerBytes = big ? 8 : 4;
  const offsets: number[] = [];
  const seen = new Set<number>();
  let offset = header.firstIfdOffset;
  while (offset !== 0) {
    const n = offsets.length;
    if (seen.has(offset) || n >= MAX_DIRECTORIES) {
      throw new SlideError(
        'SLIDE_UNREADABLE',
        path,
        `IFD chain loops or is implausibly long at IFD ${n} (offset ${offset}); the file is corrupt`,
      );
    }
    if (offset + countBytes > fileSize) {
      throw new SlideError('SLIDE_TRUNCATED', path, `IFD ${n} at offset ${offset} lies beyond the end of the file (${fileSize} bytes)`);
    }
    seen.add(offset);
    offsets.push(offset);
    const entryCount = readUint(await readAt(handle, offset, countBytes), 0, countBytes as 2 | 8, le);
    if (entryCount === 0 || entryCount > MAX_ENTRIES) {
      throw new SlideError('SLIDE_UNREADABLE', path, `IFD ${n} at offset ${offset} claims ${entryCount} entries; the file is corrupt`);
    }
    const tableBytes = entryCount * entryBytes + pointerBytes;
    const table = await readAt(handle, offset + countBytes, tableBytes);
    if (table.length < tableBytes) {
      throw new SlideError('SLIDE_TRUNCATED', path, `IFD ${n} at offset ${offset} is cut off by the end of the file (${fileSize} bytes)`);
    }
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
          `IFD ${n} entry ${e} (tag ${tag}) has unknown field type ${type}; the file is corrupt`,
        );
      }
      if (size * count > pointerBytes) {
        const valueOffset = readUint(table, at + (big ? 12 : 8), big ? 8 : 4, le);
        if (valueOffset + size * count > fileSize) {
          throw new SlideError(
            'SLIDE_TRUNCATED',
            path,
            `IFD ${n} tag ${tag} points at bytes ${valueOffset}..${valueOffset + size * count} beyond the end of the file (${fileSize} bytes)`,
          );
        }
      }
    }
    offset = readUint(table, entryCount * entryBytes, big ? 8 : 4, le);
  }
  return offsets;
}
