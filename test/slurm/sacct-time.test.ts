// sacct reads --starttime without a zone as local time: status renders the submission time in the
// local zone of the process (TZ), not as UTC.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { renderSacctTime } from '../../src/executor/index.js';
import { ROOT } from '../fixtures/index.js';

describe('renderSacctTime', () => {
  test.each([
    ['UTC', 0, '2026-01-15T12:00:00'],
    ['New York in winter (UTC-5)', 300, '2026-01-15T07:00:00'],
    ['Tokyo (UTC+9), next day', -540, '2026-01-15T21:00:00'],
    ['Kathmandu (UTC+5:45)', -345, '2026-01-15T17:45:00'],
  ])('%s', (_zone, offsetMin, want) => {
    expect(renderSacctTime(new Date('2026-01-15T12:00:00Z'), offsetMin)).toBe(want);
  });

  test('with TZ=America/New_York the default is New York wall-clock time, daylight saving included', () => {
    const script = `import(${JSON.stringify(join(ROOT, 'dist/executor/index.js'))}).then((m) =>
      console.log(['2026-01-15T12:00:00Z', '2026-07-15T12:00:00Z', '2026-11-30T03:00:00Z'].map((d) => m.renderSacctTime(new Date(d))).join(' ')))`;
    const out = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, TZ: 'America/New_York' }, encoding: 'utf8' });
    expect(out.trim()).toBe('2026-01-15T07:00:00 2026-07-15T08:00:00 2026-11-29T22:00:00');
  });
});
