// The cheap half of "may this done marker be trusted": its output file exists with the size the marker
// recorded (`result.fileBytes`). No file is opened or hashed, so `status`/`resubmit` can ask it on a
// login node; the stages add their content checks on top (isComplete in pack-shard.ts, infer-shard.ts).
import { stat } from 'node:fs/promises';
import type { Marker } from './markers.js';

/** Why the marker's output is not as recorded, or null when it is (exists, recorded size). */
export async function describeOutputChange(marker: Marker, file: string): Promise<string | null> {
  const recorded = marker.result?.fileBytes;
  const st = await stat(file).catch((err: NodeJS.ErrnoException) => err);
  if (st instanceof Error)
    return st.code === 'ENOENT' ? `done marker but output missing: ${file}` : `done marker but output unreadable: ${file} (${st.code})`;
  if (!st.isFile()) return `done marker but output is not a file: ${file}`;
  if (typeof recorded !== 'number') return `done marker records no output size for ${file}`;
  if (st.size !== recorded) return `done marker but output changed: ${file} is ${st.size} bytes, the marker recorded ${recorded}`;
  return null;
}

/** Whether the marker's output exists with the size the marker recorded. */
export async function isOutputPresent(marker: Marker, file: string): Promise<boolean> {
  return (await describeOutputChange(marker, file)) === null;
}
