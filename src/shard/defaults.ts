// Defaults and validation of shard options, and parsing of sizes such as "1GiB" or "500MB".
import { OptionError } from '../errors.js';
import { expectPositiveInt } from '../util/is.js';
import type { ShardConfig, ShardOptions } from './types.js';

export const SHARD_DEFAULTS = Object.freeze({ shardSizeBytes: 1024 ** 3, shardsPerTask: 1 });

const UNITS: Record<string, number> = {
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** Parse "1GiB", "512MiB", "2.5GB", "1000000" into bytes. */
export function parseSize(text: string, name = 'size'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? (m[2] || 'b').toLowerCase() : '';
  if (!m || !(unit in UNITS)) {
    throw new OptionError(
      `Expected \`${name}\` to be a size like 1GiB, 500MB or 1000000, received \`${text}\``,
      `Units: ${Object.keys(UNITS).join(', ')}`,
    );
  }
  const bytes = Math.round(Number(m[1]) * UNITS[unit]);
  if (bytes <= 0) throw new OptionError(`Expected \`${name}\` to be positive, received \`${text}\``);
  return bytes;
}

export function normalizeShardOptions(raw: ShardOptions = {}): ShardConfig {
  if (raw.shardSizeBytes !== undefined && raw.patchesPerShard !== undefined) {
    throw new OptionError('Give either `shardSizeBytes` or `patchesPerShard` (--shard-size or --patches-per-shard), not both');
  }
  const patchesPerShard = raw.patchesPerShard === undefined ? null : expectPositiveInt('patchesPerShard', raw.patchesPerShard);
  const shardSizeBytes =
    patchesPerShard !== null ? null : expectPositiveInt('shardSizeBytes', raw.shardSizeBytes ?? SHARD_DEFAULTS.shardSizeBytes);
  const shardsPerTask = expectPositiveInt('shardsPerTask', raw.shardsPerTask ?? SHARD_DEFAULTS.shardsPerTask);
  return Object.freeze({ shardSizeBytes, patchesPerShard, shardsPerTask });
}
