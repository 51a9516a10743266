// Builds a complete JPEG stream for one TIFF tile: splices in the shared JPEGTables and, for RGB-stored
// components (Aperio, Photometric=2), injects an Adobe APP14 marker with transform=0 so decoders skip YCbCr->RGB.

const SOI = [0xff, 0xd8];
/** APP14 "Adobe", version 100, flags 0/0, transform 0 (no colour transform: components are RGB). */
const ADOBE_RGB_MARKER = Uint8Array.from([0xff, 0xee, 0x00, 0x0e, 0x41, 0x64, 0x6f, 0x62, 0x65, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00]);

function startsWithSoi(bytes: Uint8Array): boolean {
  return bytes[0] === SOI[0] && bytes[1] === SOI[1];
}

function endsWithEoi(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;
}

/**
 * Return a self-contained JPEG for `tile`: tables without their EOI + tile without its SOI when `tables` is
 * given, and the Adobe transform=0 marker right after SOI when `isRgbComponents`.
 */
export function buildJpegStream(tile: Uint8Array, tables: Uint8Array | null, isRgbComponents: boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  let body = tile;
  if (tables !== null && tables.length > 4 && startsWithSoi(tables) && startsWithSoi(tile)) {
    const head = endsWithEoi(tables) ? tables.subarray(0, tables.length - 2) : tables;
    parts.push(head.subarray(0, 2));
    if (isRgbComponents) parts.push(ADOBE_RGB_MARKER);
    parts.push(head.subarray(2));
    body = tile.subarray(2);
  } else if (isRgbComponents && startsWithSoi(tile)) {
    parts.push(tile.subarray(0, 2), ADOBE_RGB_MARKER);
    body = tile.subarray(2);
  }
  if (parts.length === 0) return tile;
  parts.push(body);
  return Buffer.concat(parts);
}
