// Structural check of one JPEG tile's bytes (SOI, marker segments, entropy-coded data, EOI): catches a
// truncated or overwritten tile that libtiff (libvips' tiffload) would silently decode as flat grey.
// Pure and cheap (native indexOf over 0xFF bytes); it cannot see bit errors that leave the markers intact.

/** What to do about a damaged tile (the per-tile reader and the pack stage's band path say the same). */
export const TILE_CORRUPT_HINT =
  'The slide file is damaged: copy it again from the scanner or archive (compare checksums), then rerun `wsi-hpc plan`';

/** A tile whose compressed data is truncated or corrupt (as opposed to an unsupported or unreadable one). */
export class TileDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TileDataError';
  }
}

const RST0 = 0xd0;
const RST7 = 0xd7;
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
/** Markers that may stand between scans (tables, restart interval, APPn, comments) and carry a length. */
const isTableMarker = (m: number): boolean =>
  m === 0xc4 || m === 0xcc || m === 0xdb || m === 0xdd || (m >= 0xe0 && m <= 0xef) || m === 0xfe;
const isFrameMarker = (m: number): boolean => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/** Index after the entropy-coded data starting at `from` (at its ending marker), or a reason it is corrupt. */
function skipEntropyData(buf: Buffer, from: number): number | string {
  let pos = from;
  let nextRst = 0;
  for (;;) {
    const ff = buf.indexOf(0xff, pos);
    if (ff < 0 || ff + 1 >= buf.length) return `entropy-coded data ends without an EOI marker (truncated at byte ${buf.length})`;
    let m = buf[ff + 1];
    let at = ff + 1;
    while (m === 0xff && at + 1 < buf.length) m = buf[++at]; // fill bytes
    if (m === 0x00) {
      pos = at + 1;
    } else if (m >= RST0 && m <= RST7) {
      if (m - RST0 !== nextRst) return `restart marker RST${m - RST0} where RST${nextRst} was expected at byte ${ff}`;
      nextRst = (nextRst + 1) & 7;
      pos = at + 1;
    } else if (m === 0xff) {
      return `entropy-coded data ends without an EOI marker (truncated at byte ${buf.length})`;
    } else {
      return at - 1;
    }
  }
}

/** Why `tile` (a TIFF JPEG tile, possibly abbreviated) is not a complete JPEG stream, or null when it is. */
export function jpegTileProblem(tile: Uint8Array): string | null {
  const buf = Buffer.from(tile.buffer, tile.byteOffset, tile.byteLength);
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== SOI) return 'does not start with a JPEG SOI marker';
  let pos = 2;
  let hasFrame = false;
  let hasScan = false;
  for (;;) {
    if (pos + 1 >= buf.length) return `ends without an EOI marker (truncated at byte ${buf.length})`;
    if (buf[pos] !== 0xff) return `expected a marker at byte ${pos}, found 0x${buf[pos].toString(16)}`;
    let m = buf[pos + 1];
    while (m === 0xff && pos + 2 < buf.length) m = buf[++pos + 1];
    if (m === EOI) return hasScan ? null : 'EOI marker before any scan';
    if (!(m === SOS || isTableMarker(m) || (isFrameMarker(m) && !hasFrame))) {
      return `unexpected marker 0xff${m.toString(16).padStart(2, '0')} at byte ${pos}`;
    }
    if (pos + 3 >= buf.length) return `marker segment at byte ${pos} is cut off (truncated)`;
    const length = buf.readUInt16BE(pos + 2);
    if (length < 2 || pos + 2 + length > buf.length) return `marker segment at byte ${pos} runs past the end of the tile (truncated)`;
    pos += 2 + length;
    if (isFrameMarker(m)) hasFrame = true;
    if (m !== SOS) continue;
    hasScan = true;
    const end = skipEntropyData(buf, pos);
    if (typeof end === 'string') return end;
    pos = end;
  }
}
