// plan with a window layout through the built CLI: the layout is printed and in --json (params, shards,
// totals); --window-positions without a window layout, and a k whose window exceeds 4608 px, are exit 2;
// replanning a packed window run.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, makeTempDir, parseJson, smallHePath } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let he: string;

beforeAll(async () => {
  tmp = await makeTempDir('plan-windows');
  const found = smallHePath();
  expect(found, 'small_HE.svs (../shared/testdata) is needed').not.toBeNull();
  he = found as string;
});
afterAll(() => tmp?.cleanup());

describe('plan options and output of window layouts', () => {
  test('plan prints the layout and --json carries params, per-shard and total windows', async () => {
    const run = join(tmp.dir, 'print');
    const text = await cli(['plan', he, '--out', run, '--stride', '16', '--window-positions', '28', '--dry-run']);
    expect(text.exitCode, String(text.stderr)).toBe(0);
    expect(String(text.stdout)).toMatch(/layout: \d+ windows of 28 x 28 positions, 656 px on a side \(k from --window-positions/);
    // A window plan does not warn that each pixel lands in 196 patches: it stores each about once.
    expect(String(text.stderr)).not.toContain('196 patches');
    const j = parseJson(await cli(['plan', he, '--out', run, '--stride', '16', '--window-positions', '28', '--dry-run', '--json']));
    expect(j.windows).toEqual({ positions: 28, sidePx: 656, source: 'option' });
    expect(j.totals.windows).toBeGreaterThan(0);
    expect(j.shards.reduce((n: number, s: { windows: number }) => n + s.windows, 0)).toBe(j.totals.windows);
    expect(j.totals.bytes).toBe(j.totals.windows * 656 * 656 * 3);
    const patches = parseJson(await cli(['plan', he, '--out', run, '--dry-run', '--json']));
    expect(patches.windows).toBeNull();
    expect(patches.totals.windows).toBeUndefined();
  });

  test('--window-positions with --layout patches (or a stride equal to the patch) is a usage error naming it', async () => {
    for (const extra of [['--stride', '16', '--layout', 'patches'], []]) {
      const r = await cli(['plan', he, '--out', join(tmp.dir, 'bad'), '--window-positions', '14', ...extra]);
      expect(r.exitCode).toBe(2);
      expect(String(r.stderr)).toContain('`--window-positions` needs a window layout');
      expect(String(r.stderr)).toContain(extra.length ? '--layout patches' : '--stride 224 is not below the 224 px patch');
      expect(String(r.stderr)).toContain('--layout windows');
    }
  });

  test('a k whose window exceeds 4608 px is exit 2 naming the largest k allowed; 4608 px itself is accepted', async () => {
    const r = await cli(['plan', he, '--out', join(tmp.dir, 'big'), '--stride', '16', '--window-positions', '276', '--json']);
    expect(r.exitCode).toBe(2);
    const e = parseJson(r).error;
    expect(e.message).toContain('`--window-positions 276` makes windows of 4624 px');
    expect(e.message).toContain('the limit is 4608 px');
    expect(e.hint).toContain('--window-positions 275 or fewer');
    const ok = await cli(['plan', he, '--out', join(tmp.dir, 'big'), '--stride', '16', '--window-positions', '275', '--dry-run', '--json']);
    expect(ok.exitCode, String(ok.stderr)).toBe(0);
    expect(parseJson(ok).windows.sidePx).toBe(4608);
    for (const k of ['0', '2.5']) {
      const bad = await cli(['plan', he, '--out', join(tmp.dir, 'big'), '--stride', '16', '--window-positions', k]);
      expect(bad.exitCode).toBe(2);
      // The flag typed, not the library's field name (windowPositions).
      expect(String(bad.stderr)).toContain(`Expected \`--window-positions\` to be a positive integer, received \`${k}\``);
    }
  });

  test('replanning a packed window run: same options reuse the slide and keep the plan; another k needs --force', async () => {
    const run = join(tmp.dir, 'replan');
    const args = ['plan', he, '--out', run, '--stride', '16', '--window-positions', '14', '--json'];
    const first = parseJson(await cli(args));
    expect((await cli(['pack', run, '-q'])).exitCode).toBe(0);
    const again = parseJson(await cli(args));
    expect(again.reused).toHaveLength(1);
    expect(again.planHash).toBe(first.planHash);
    expect(again.totals.windows).toBe(first.totals.windows);
    expect(parseJson(await cli(['pack', run, '--json'])).shards.map((s: { status: string }) => s.status)).toEqual(['skipped']);
    const otherK = ['plan', he, '--out', run, '--stride', '16', '--window-positions', '28', '--json'];
    const refused = await cli(otherK);
    expect(refused.exitCode).toBe(2);
    expect(parseJson(refused).error.hint).toContain('--force');
    // --force replans: the same grid, windows of the new k, shards cut anew and packed again.
    const forced = parseJson(await cli([...otherK, '--force']));
    expect(forced.windows).toEqual({ positions: 28, sidePx: 656, source: 'option' });
    expect(forced.totals.windows).toBeLessThan(first.totals.windows);
    expect(forced.planHash).not.toBe(first.planHash);
    const packed = parseJson(await cli(['pack', run, '--json']));
    expect(packed.shards.map((s: { status: string }) => s.status)).toEqual(forced.shards.map(() => 'done'));
  }, 120_000);
});
