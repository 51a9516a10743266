// `wsi-hpc plan FOLDER` on a real cohort folder that also holds what real folders hold: other formats,
// a folder named like a slide, a dangling symlink, symlink loops and unreadable folders. The summary and
// --json name each skipped entry with its reason; nothing hangs and nothing is dropped silently.
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SkippedEntry } from '../../src/plan/index.js';
import { BIN, ROOT, cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;

const SKIPPED = [
  ['annotations', 'directory'],
  ['cohort.json', 'unsupported-format'],
  ['dangling.svs', 'dangling-symlink'],
  ['geometry', 'directory'],
  ['loop.svs', 'symlink-loop'],
  ['notes.txt', 'unsupported-format'],
  ['scan.czi', 'unsupported-format'],
  ['sub', 'directory'],
  ['x.svs', 'directory'],
];

beforeAll(async () => {
  tmp = await makeTempDir('discover-cli');
  // Readable by the unprivileged user of the permission test below.
  await chmod(tmp.dir, 0o755);
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 3000, 2500, 7);
  await mkdir(join(slides, 'x.svs'));
  await mkdir(join(slides, 'sub'));
  await symlink('..', join(slides, 'sub', 'up'));
  await writeFile(join(slides, 'scan.czi'), 'not read');
  await writeFile(join(slides, 'notes.txt'), 'notes');
  await symlink('moved-away.svs', join(slides, 'dangling.svs'));
  await symlink('loop.svs', join(slides, 'loop.svs'));
}, 120_000);
afterAll(async () => {
  await chmod(join(tmp.dir, 'locked'), 0o755).catch(() => undefined);
  await chmod(join(tmp.dir, 'no-search'), 0o755).catch(() => undefined);
  await tmp?.cleanup();
});

interface PlanJson {
  totals: { slides: number; planned: number };
  skipped: SkippedEntry[];
}
const byName = (skipped: SkippedEntry[]) => skipped.map((s) => [basename(s.path), s.reason]);

describe('plan reports what folder discovery skipped', () => {
  test('--json lists each skipped entry with path, reason and detail; the slides are planned', async () => {
    const r = await cli(['plan', slides, '--out', join(tmp.dir, 'run'), '--dry-run', '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const json = parseJson<PlanJson>(r);
    expect(json.totals).toMatchObject({ slides: 2, planned: 2 });
    expect(byName(json.skipped)).toEqual(SKIPPED);
    for (const s of json.skipped) expect(s.path.startsWith(`${slides}/`)).toBe(true);
    const detail = new Map(json.skipped.map((s) => [basename(s.path), s.detail]));
    expect(detail.get('scan.czi')).toBe(
      'unsupported format .czi (Zeiss CZI: neither the built-in TIFF reader nor OpenSlide reads it; convert it to a pyramidal TIFF)',
    );
    expect(detail.get('dangling.svs')).toBe('dangling symlink to `moved-away.svs`, which does not exist');
    expect(detail.get('loop.svs')).toBe('symlink loop (too many levels of symbolic links)');
    expect(detail.get('x.svs')).toMatch(/^a directory named like a slide/);
  }, 120_000);

  test('the human summary lists every skipped entry and why', async () => {
    const r = await cli(['plan', slides, '--out', join(tmp.dir, 'run'), '--dry-run']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const out = String(r.stdout);
    expect(out).toContain(`skipped ${SKIPPED.length} folder entries:\n`);
    expect(out).toContain(`  ${join(slides, 'scan.czi')}: unsupported format .czi (Zeiss CZI: neither the built-in TIFF reader`);
    expect(out).toContain(`  ${join(slides, 'notes.txt')}: unsupported format .txt (slides are .svs .tif .tiff .btf .tf8 .tf2 .ndpi`);
    expect(out).toContain(`  ${join(slides, 'dangling.svs')}: dangling symlink to \`moved-away.svs\`, which does not exist\n`);
    expect(out).toContain(`  ${join(slides, 'loop.svs')}: symlink loop`);
    expect(out).toContain(`  ${join(slides, 'x.svs')}: a directory named like a slide`);
    expect(String(r.stderr)).not.toMatch(/at .*\.js:\d+/);
  }, 120_000);

  test('a folder with nothing but skipped entries exits 2 naming them', async () => {
    const empty = join(tmp.dir, 'no-slides');
    await mkdir(join(empty, 'case.svs'), { recursive: true });
    await writeFile(join(empty, 'case.isyntax'), 'x');
    const r = await cli(['plan', empty, '--out', join(tmp.dir, 'run-empty'), '--json']);
    expect(r.exitCode).toBe(2);
    const err = parseJson<{ error: { code: string; message: string } }>(r).error;
    expect(err.code).toBe('INVALID_OPTION');
    expect(err.message).toMatch(/skipped 2: .*case\.isyntax: unsupported format \.isyntax.*case\.svs: a directory named like a slide/);
  }, 60_000);

  test('folders that cannot be listed or searched are reported as unreadable (run as an unprivileged user)', async () => {
    const locked = join(tmp.dir, 'locked');
    const noSearch = join(tmp.dir, 'no-search');
    await mkdir(locked);
    await mkdir(noSearch);
    await writeFile(join(noSearch, 'hidden.svs'), 'x');
    await chmod(locked, 0o000);
    await chmod(noSearch, 0o644);
    // Root reads everything, so drop to `nobody` when running as root.
    const asUser =
      process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [process.execPath];
    const args = ['plan', slides, locked, noSearch, '--out', join(tmp.dir, 'run-user'), '--dry-run', '--json'];
    const r = await execa(asUser[0], [...asUser.slice(1), BIN, ...args], { reject: false, cwd: ROOT });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const json = parseJson<PlanJson>(r);
    expect(json.totals.planned).toBe(2);
    const unreadable = json.skipped.filter((s) => s.reason === 'unreadable');
    expect(unreadable).toEqual([
      { path: locked, reason: 'unreadable', detail: 'cannot list the folder (EACCES)' },
      { path: join(noSearch, 'hidden.svs'), reason: 'unreadable', detail: 'cannot read it (EACCES)' },
    ]);
  }, 120_000);
});
