// Writes a synthetic TIFF under `<path>.partial` and renames it into place, so a failed or killed write
// never leaves a half slide under the real name; errors become SLIDE_UNREADABLE naming the file.
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { toWsiHpcError } from '../errors.js';
import { TiffWriter } from './tiff-writer.js';

export async function writeTiffFile<T>(path: string, write: (writer: TiffWriter) => Promise<T>): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  const writer = await TiffWriter.create(partial);
  try {
    const result = await write(writer);
    await rename(partial, path);
    return result;
  } catch (err) {
    await writer.abort().catch(() => undefined); // already closed when finish() failed late
    await rm(partial, { force: true });
    throw toWsiHpcError(err, 'SLIDE_UNREADABLE', path);
  }
}
