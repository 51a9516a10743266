// The README's first command: `npm run demo` (scripts/demo.sh) runs end to end and exits 0, with
// the corrupt slide reported and skipped and evaluate scoring the rest against the ground truth.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTempDir, ROOT } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  tmp = await makeTempDir('demo-script');
});
afterAll(() => tmp?.cleanup());

test('scripts/demo.sh runs end to end: exit 0, report written, the corrupt slide skipped, FROC over real lesions', async () => {
  const out = join(tmp.dir, 'demo-run');
  const r = await execa('bash', [join(ROOT, 'scripts/demo.sh')], { reject: false, env: { WSI_HPC_DEMO_OUT: out }, all: true });
  expect(r.exitCode, String(r.all).slice(-3000)).toBe(0);
  const text = String(r.all);
  expect(text).toContain('corrupt-truncated.svs');
  expect(text).toMatch(/FROC \(CAMELYON16\) \d\.\d{4} over [1-9]\d* lesion/);
  expect(text).toMatch(/patch-level AUC 0\.9\d{3}|patch-level AUC 1\.0000/);
  expect(existsSync(join(out, 'run', 'report.html'))).toBe(true);
  expect(existsSync(join(out, 'run', 'scores.csv'))).toBe(true);
}, 900_000);
