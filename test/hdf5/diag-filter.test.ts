// HDF5's error-stack dump is kept off stderr: the pure line filter on a real dump (split at awkward
// places), and the loaded module in a real process opening a file that is not HDF5.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Hdf5DiagFilter } from '../../src/hdf5/diag-filter.js';
import { makeTempDir, ROOT } from '../fixtures/index.js';

// From a gzip shard write on a full disk (h5wasm 0.10, HDF5 2.0.0), shortened.
const DUMP = [
  'HDF5-DIAG: Error detected in HDF5 (2.0.0):',
  "  #000: /src/H5D.c line 1360 in H5Dwrite(): can't synchronously write data",
  '    major: Dataset',
  '    minor: Write failed',
  '  #014: /src/H5FDsec2.c line 744 in H5FD__sec2_write(): file write failed: time = Mon Nov 30 03:59:01 2026',
  ", filename = '/run/shards/.tmp-shard-00000.h5-9aecf602', file descriptor = 3, errno = 51, error message = 'No space left on device'",
  '    major: Low-level I/O',
  '    minor: Write failed',
  '',
].join('\n');

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('diag-filter');
});
afterAll(() => tmp?.cleanup());

test.each([1, 7, 64, DUMP.length])('the filter drops a whole dump and keeps the lines around it (chunks of %i)', (size) => {
  const text = `before\n${DUMP}after: our line\n${DUMP}${DUMP}done\n  indented, not HDF5\nlast`;
  const filter = new Hdf5DiagFilter();
  let out = '';
  for (let i = 0; i < text.length; i += size) out += filter.push(text.slice(i, i + size));
  out += filter.flush();
  expect(out).toBe('before\nafter: our line\ndone\n  indented, not HDF5\nlast');
});

test('a process that loads HDF5 and opens a file that is not HDF5 prints no HDF5-DIAG dump', async () => {
  const file = join(tmp.dir, 'not.h5');
  await writeFile(file, 'this is not an HDF5 file\n');
  const script = [
    `const { loadH5 } = await import(${JSON.stringify(join(ROOT, 'dist/hdf5/h5.js'))});`,
    'const h5 = await loadH5();',
    `const f = new h5.File(${JSON.stringify(file)}, 'r');`,
    "process.stderr.write('our message\\n');",
    'console.log(String(f.file_id));',
  ].join('\n');
  const r = await execa('node', ['--input-type=module', '-e', script], { reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  // HDF5 refused the file (h5wasm returns a dead handle) ...
  expect(r.stdout.trim()).toBe('-1');
  // ... and said so only through the dump, which is gone; our own stderr stays.
  expect(r.stderr).toBe('our message');
});
