// Golden-file comparison for rendered text: a mismatch prints a line diff and the refresh command;
// a missing golden fails too (only UPDATE_GOLDEN=1 writes one).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const GOLDEN_DIR = join(import.meta.dirname, '../golden');

/** Compare `text` with test/golden/NAME; only UPDATE_GOLDEN=1 writes it (a missing golden fails). */
export function golden(name: string, text: string, dir = GOLDEN_DIR): void {
  const file = join(dir, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, text);
  if (!existsSync(file)) throw new Error(`${file} is missing\nWrite it with: UPDATE_GOLDEN=1 npx vitest run test/slurm`);
  const want = readFileSync(file, 'utf8');
  if (want !== text) {
    const a = want.split('\n');
    const b = text.split('\n');
    const diff = b
      .map((l, i) => (l === a[i] ? null : `line ${i + 1}:\n- ${a[i] ?? ''}\n+ ${l}`))
      .filter(Boolean)
      .join('\n');
    throw new Error(`${file} differs:\n${diff}\nRefresh with: UPDATE_GOLDEN=1 npx vitest run test/slurm`);
  }
}
