// Slide ids: short, stable, filesystem- and shell-safe; raw slide names never reach a path.
import { basename, extname } from 'node:path';
import { sha256 } from '../util/hash.js';

export function slideIdFor(absolutePath: string): string {
  const stem = basename(absolutePath, extname(absolutePath));
  const safe =
    stem
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 40) || 'slide';
  return `${safe}-${sha256(absolutePath).slice(0, 8)}`;
}
