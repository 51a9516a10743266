// A folder holding only what `wsi-hpc report` wrote (report.html and report/slides/) is still a run
// folder for `plan --out`, while a folder of other files is refused.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { checkRunFolderForPlan } from '../../src/run/run-folder-guard.js';
import { makeTempDir } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('run-folder-report');
});
afterAll(() => tmp?.cleanup());

test('plan --out accepts a folder left with report.html and report/slides/, refuses one with other files', async () => {
  const run = join(tmp.dir, 'run');
  await mkdir(join(run, 'report', 'slides'), { recursive: true });
  await writeFile(join(run, 'report.html'), '<!doctype html>');
  await writeFile(join(run, 'report', 'slides', 'a-00000001.html'), '<!doctype html>');
  await expect(checkRunFolderForPlan(run)).resolves.toBeUndefined();
  await writeFile(join(run, 'notes.txt'), 'mine');
  await expect(checkRunFolderForPlan(run)).rejects.toThrow(/holds files wsi-hpc did not write \(notes\.txt\)/);
});
