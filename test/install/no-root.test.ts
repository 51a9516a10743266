// The README's install for a cluster account without root: the checkout's bin/wsi-hpc on PATH, run as
// user nobody (uid 65534) with a HOME of its own, works from any folder and writes only where asked.
import { chmod, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ROOT, makeTempDir } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('no-root');
  await chmod(tmp.dir, 0o777);
});
afterAll(() => tmp?.cleanup());

const asNobody = (cmd: string) =>
  execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'sh', '-c', cmd], {
    reject: false,
    cwd: tmp.dir,
    env: { HOME: tmp.dir, PATH: `${join(ROOT, 'bin')}:${process.env.PATH}` },
    extendEnv: false,
  });

test('bin/wsi-hpc on PATH runs the built CLI as a user without root', async () => {
  const version = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const r = await asNobody('wsi-hpc --version');
  expect(r.exitCode, String(r.stderr)).toBe(0);
  expect(String(r.stdout).trim()).toBe(version);
});

test('as that user, a symlinked bin/wsi-hpc writes a cohort into its own folder and nothing else', async () => {
  const r = await asNobody(
    `mkdir -p "$HOME/bin" && ln -s ${JSON.stringify(join(ROOT, 'bin/wsi-hpc'))} "$HOME/bin/wsi-hpc" && ` +
      '"$HOME/bin/wsi-hpc" synth "$HOME/slides" -n 1 --width 1024 --height 768 --json',
  );
  expect(r.exitCode, String(r.stderr)).toBe(0);
  expect((await readdir(join(tmp.dir, 'slides'))).filter((f) => /\.(tif|svs)$/.test(f))).toHaveLength(1);
  expect((await readdir(tmp.dir)).sort()).toEqual(['bin', 'slides']);
});
