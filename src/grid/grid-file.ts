// The grid file format (docs/FORMAT.md): 16-byte header ("WSIGRID1", uint32 LE version = 1,
// uint32 LE count N), then int32 LE x,y pairs (2N values, level 0), then float32 LE tissue
// fractions (N values). Encoding and decoding are pure; the stage writes the bytes.
import { WsiHpcError } from '../errors.js';
import { sha256 } from '../util/hash.js';

export const GRID_MAGIC = 'WSIGRID1';
export const GRID_FILE_VERSION = 1;

export interface GridRecords {
  coords: Int32Array;
  tissue: Float32Array;
}

export function encodeGrid(records: GridRecords): Uint8Array {
  const n = records.tissue.length;
  const buf = new ArrayBuffer(16 + n * 12);
  const view = new DataView(buf);
  for (let i = 0; i < 8; i++) view.setUint8(i, GRID_MAGIC.charCodeAt(i));
  view.setUint32(8, GRID_FILE_VERSION, true);
  view.setUint32(12, n, true);
  for (let i = 0; i < 2 * n; i++) view.setInt32(16 + i * 4, records.coords[i], true);
  for (let i = 0; i < n; i++) view.setFloat32(16 + 8 * n + i * 4, records.tissue[i], true);
  return new Uint8Array(buf);
}

export function decodeGrid(bytes: Uint8Array, file = 'grid'): GridRecords {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (bytes.byteLength < 16 || magic !== GRID_MAGIC) {
    throw new WsiHpcError('PLAN_INVALID', `${file}: not a wsi-hpc grid file (bad magic)`, { file });
  }
  const version = view.getUint32(8, true);
  if (version !== GRID_FILE_VERSION) {
    throw new WsiHpcError('PLAN_INVALID', `${file}: grid file version ${version} is not supported (expected ${GRID_FILE_VERSION})`, {
      file,
      hint: 'Re-run `wsi-hpc plan` with this version',
    });
  }
  const n = view.getUint32(12, true);
  if (bytes.byteLength !== 16 + n * 12) {
    throw new WsiHpcError(
      'PLAN_INVALID',
      `${file}: grid file is ${bytes.byteLength} bytes, expected ${16 + n * 12} for ${n} patches (truncated?)`,
      { file },
    );
  }
  const coords = new Int32Array(2 * n);
  const tissue = new Float32Array(n);
  for (let i = 0; i < 2 * n; i++) coords[i] = view.getInt32(16 + i * 4, true);
  for (let i = 0; i < n; i++) tissue[i] = view.getFloat32(16 + 8 * n + i * 4, true);
  return { coords, tissue };
}

/** decodeGrid after checking the bytes against the plan's checksum: a grid swapped or edited since planning is refused. */
export function decodePlannedGrid(bytes: Uint8Array, file: string, expectedSha256: string): GridRecords {
  if (sha256(bytes) !== expectedSha256) {
    throw new WsiHpcError('PLAN_INVALID', `${file}: grid file changed since planning (checksum mismatch)`, {
      file,
      hint: 'Restore it, or plan the run again with `wsi-hpc plan ... --force` (its shards are then redone)',
    });
  }
  return decodeGrid(bytes, file);
}
