// Packing parameters fixed at plan time (every pack task must agree): codec and chunking.
import { OptionError } from '../../errors.js';
import { expectPositiveInt } from '../../util/is.js';
import type { PackParams } from '../../plan/index.js';

export interface PackOptions {
  /** "none", "gzip" or "gzip:LEVEL" (1–9). @default "none" */
  compression?: string;
  /** Patches per HDF5 chunk. @default 16 */
  chunkPatches?: number;
}

export const PACK_DEFAULTS = Object.freeze({ compression: 'none', chunkPatches: 16, gzipLevel: 4 });

export function parseCompression(text: string): PackParams['compression'] {
  const m = /^(none|gzip)(?::(\d))?$/.exec(text);
  if (!m || (m[1] === 'none' && m[2] !== undefined) || (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 9))) {
    throw new OptionError(
      `Expected \`compression\` to be none, gzip or gzip:LEVEL with LEVEL 1-9, received \`${text}\``,
      'Only codecs every HDF5 reader (h5py, h5dump, h5wasm) decodes are written; LZF and Blosc are not.',
    );
  }
  return m[1] === 'none' ? { codec: 'none' } : { codec: 'gzip', level: m[2] === undefined ? PACK_DEFAULTS.gzipLevel : Number(m[2]) };
}

export function normalizePackParams(raw: PackOptions = {}): PackParams {
  return Object.freeze({
    compression: parseCompression(raw.compression ?? PACK_DEFAULTS.compression),
    chunkPatches: expectPositiveInt('chunkPatches', raw.chunkPatches ?? PACK_DEFAULTS.chunkPatches),
  });
}
