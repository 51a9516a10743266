// Reads and checks the 8- or 16-byte TIFF/BigTIFF header with our own bytes, before geotiff sees the file,
// so a non-TIFF or a header pointing past the end gives a typed error naming the file.

import type { FileHandle } from 'node:fs/promises';
import { SlideError } from '../../errors.js';

export interface TiffHeader {
  littleEndian: boolean;
  isBigTiff: boolean;
  firstIfdOffset: number;
  fileSize: number;
}

const NOT_TIFF_HINT = 'Whole-slide images must be pyramidal tiled TIFF (Aperio SVS, generic tiled TIFF, BigTIFF).';

/** Read the header of an open file; throws SLIDE_NOT_TIFF or SLIDE_TRUNCATED. */
export async function readTiffHeader(handle: FileHandle, path: string): Promise<TiffHeader> {
  const { size: fileSize } = await handle.stat();
  const bytes = Buffer.alloc(16);
  const { bytesRead } = await handle.read(bytes, 0, 16, 0);
  const order = bytes.toString('latin1', 0, 2);
  if (bytesRead < 8 || (order !== 'II' && order !== 'MM')) {
    const got = bytes.subarray(0, Math.min(bytesRead, 4)).toString('hex');
    throw new SlideError('SLIDE_NOT_TIFF', path, `not a TIFF file (first bytes 0x${got || '<empty>'}, expected "II*\\0" or "MM\\0*")`, {
      hint: NOT_TIFF_HINT,
    });
  }
  const littleEndian = order === 'II';
  const magic = littleEndian ? bytes.readUInt16LE(2) : bytes.readUInt16BE(2);
  if (magic !== 42 && magic !== 43) {
    throw new SlideError('SLIDE_NOT_TIFF', path, `not a TIFF file (byte order "${order}" but version ${magic}, expected 42 or 43)`, {
      hint: NOT_TIFF_HINT,
    });
  }
  const isBigTiff = magic === 43;
  if (isBigTiff && bytesRead < 16) {
    throw new SlideError('SLIDE_TRUNCATED', path, `BigTIFF header is cut short (${bytesRead} of 16 bytes)`);
  }
  const firstIfdOffset = isBigTiff
    ? Number(littleEndian ? bytes.readBigUInt64LE(8) : bytes.readBigUInt64BE(8))
    : littleEndian
      ? bytes.readUInt32LE(4)
      : bytes.readUInt32BE(4);
  if (firstIfdOffset < 8 || firstIfdOffset >= fileSize) {
    throw new SlideError(
      'SLIDE_TRUNCATED',
      path,
      `first IFD offset ${firstIfdOffset} lies outside the file (${fileSize} bytes); the file is truncated or corrupt`,
    );
  }
  return { littleEndian, isBigTiff, firstIfdOffset, fileSize };
}
