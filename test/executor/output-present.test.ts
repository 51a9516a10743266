// The size check status/resubmit and the stages share (src/run/output-present.ts), on real files.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Marker } from '../../src/run/markers.js';
import { describeOutputChange, isOutputPresent } from '../../src/run/output-present.js';
import { makeTempDir } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('output-present');
  await writeFile(join(tmp.dir, 'ten.h5'), Buffer.alloc(10));
  await mkdir(join(tmp.dir, 'dir.h5'));
});
afterAll(() => tmp?.cleanup());

const marker = (result?: Record<string, unknown>): Marker => ({
  stage: 'infer',
  unit: 's0',
  status: 'done',
  planHash: 'p',
  host: 'h',
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: '2026-01-01T00:00:01Z',
  seconds: 1,
  ...(result ? { result } : {}),
});

test.each([
  ['the recorded size', 'ten.h5', { fileBytes: 10 }, null],
  ['a missing file', 'gone.h5', { fileBytes: 10 }, 'done marker but output missing: FILE'],
  ['another size', 'ten.h5', { fileBytes: 11 }, 'done marker but output changed: FILE is 10 bytes, the marker recorded 11'],
  ['a directory in its place', 'dir.h5', { fileBytes: 10 }, 'done marker but output is not a file: FILE'],
  ['a marker without fileBytes', 'ten.h5', undefined, 'done marker records no output size for FILE'],
  ['a fileBytes that is not a number', 'ten.h5', { fileBytes: '10' }, 'done marker records no output size for FILE'],
])('%s: %s', async (_, name, result, expected) => {
  const file = join(tmp.dir, name);
  expect(await describeOutputChange(marker(result), file)).toBe(expected?.replace('FILE', file) ?? null);
  expect(await isOutputPresent(marker(result), file)).toBe(expected === null);
});
