// Refuses user-supplied input files that are not regular files before they are read: a FIFO blocks
// forever, /dev/zero streams until memory runs out, a directory throws EISDIR. Callers pick the code.
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { WsiHpcError, type ErrorCode } from '../errors.js';

/** What `st` is, for a message: `a directory`, `a FIFO`, `a device`, `a socket`. */
export function describeNonRegular(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Throws `code` naming `file` unless it is (or links to) a regular file; `what` is e.g. `annotation`. */
export async function assertRegularFile(file: string, code: ErrorCode, what: string): Promise<void> {
  const st = await stat(file);
  if (st.isFile()) return;
  throw new WsiHpcError(code, `${file}: the ${what} is ${describeNonRegular(st)}, not a regular file`, {
    file,
    hint: `Replace it with the ${what} file itself, or remove it from its folder`,
  });
}
