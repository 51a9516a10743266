// The model's identity for resume and merge checks: SHA-256 of the .onnx bytes, and for a model saved with
// external data, of every weights file it references too (a changed .onnx.data with the same graph is a new model).
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { sha256 } from '../util/hash.js';
import type { ExternalRef } from './external-data.js';

async function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * `sha256(onnx)` for a self-contained model; otherwise the SHA-256 of `onnx:<hex>` followed by one
 * `<location>:<hex>` line per distinct weights file (sorted by location), each file hashed whole as it streams.
 */
export async function modelDigest(bytes: Uint8Array, refs: readonly ExternalRef[], dir: string): Promise<string> {
  const onnxHash = sha256(bytes);
  const locations = [...new Set(refs.map((r) => r.location))].sort();
  if (locations.length === 0) return onnxHash;
  const lines = [`onnx:${onnxHash}`];
  for (const location of locations) lines.push(`${location}:${await fileSha256(join(dir, location))}`);
  return sha256(lines.join('\n'));
}
