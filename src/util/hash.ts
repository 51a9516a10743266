// Small hashing helpers: content checksums for outputs and stable ids for inputs.
import { createHash } from 'node:crypto';
import { createXXHash128 } from 'hash-wasm';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A stable JSON hash: object keys sorted, so equal values hash equally. */
export function hashJson(value: unknown): string {
  return sha256(stableStringify(value));
}

export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/** Checksum of bulk content (shard pixels): xxh128, about 2.5x faster than SHA-256 here; not for security. */
export const CONTENT_HASH = 'xxh128';

export async function contentHasher(): Promise<{ update(data: Uint8Array): void; digest(): string }> {
  const h = await createXXHash128();
  h.init();
  return { update: (data) => void h.update(data), digest: () => h.digest('hex') };
}
