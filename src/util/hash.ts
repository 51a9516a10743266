// Small hashing helpers: content checksums for outputs and stable ids for inputs.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { createXXHash64, createXXHash128 } from 'hash-wasm';

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

/** Checksum algorithms of bulk content (shard pixels); not for security. Markers record which one they used. */
export type ContentHashAlgorithm = 'xxh64' | 'xxh128';

/** What new markers record: xxh64, about 1.8x faster than xxh128 here (which older runs recorded). */
export const CONTENT_HASH: ContentHashAlgorithm = 'xxh64';

export function isContentHashAlgorithm(value: unknown): value is ContentHashAlgorithm {
  return value === 'xxh64' || value === 'xxh128';
}

export interface ContentHasher {
  update(data: Uint8Array): void;
  /** Hex digest. */
  digest(): string;
}

interface NativeXxh64 {
  update(input: Uint8Array): unknown;
  digest(): bigint;
}
type NativeXxh64Class = new (seed?: bigint) => NativeXxh64;
let nativeXxh64: NativeXxh64Class | null | undefined;

/**
 * xxh64 from @node-rs/xxhash (native, reads the caller's memory: ~0.2 CPU-s per GB of shard pixels, against ~0.35
 * for hash-wasm, which copies into its own heap first); null where its prebuilt binary does not load.
 */
export function nativeXxh64Class(): NativeXxh64Class | null {
  if (nativeXxh64 === undefined) {
    try {
      nativeXxh64 = (createRequire(import.meta.url)('@node-rs/xxhash') as { Xxh64: NativeXxh64Class }).Xxh64;
    } catch {
      nativeXxh64 = null;
    }
  }
  return nativeXxh64;
}

/** Same digests either way: `native` false forces hash-wasm (the fallback where the native binary is missing). */
export async function contentHasher(
  algorithm: ContentHashAlgorithm = CONTENT_HASH,
  { native = true }: { native?: boolean } = {},
): Promise<ContentHasher> {
  const Native = native && algorithm === 'xxh64' ? nativeXxh64Class() : null;
  if (Native) {
    const n = new Native(0n);
    return { update: (data) => void n.update(data), digest: () => n.digest().toString(16).padStart(16, '0') };
  }
  const h = algorithm === 'xxh64' ? await createXXHash64() : await createXXHash128();
  h.init();
  return { update: (data) => void h.update(data), digest: () => h.digest('hex') };
}
