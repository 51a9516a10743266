// container/wsi-hpc.def cannot be built here (Apptainer is not packaged for Debian 12), so its parts are
// checked as far as this machine can: every file it copies exists in the repository, the %post script
// is valid bash, and it asks for the CUDA provider and fails when the download did not happen.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../fixtures/index.js';

const def = readFileSync(join(ROOT, 'container/wsi-hpc.def'), 'utf8');

/** The body of a %section, up to the next %section. */
function section(name: string): string {
  const m = new RegExp(`^%${name}\\n([\\s\\S]*?)(?=^%\\w+\\n|$(?![\\s\\S]))`, 'm').exec(def);
  if (!m) throw new Error(`container/wsi-hpc.def has no %${name} section`);
  return m[1];
}

test('the image starts from a CUDA 12 + cuDNN 9 runtime', () => {
  expect(def).toMatch(/^Bootstrap: docker$/m);
  expect(def).toMatch(/^From: nvidia\/cuda:12\.[\d.]+-cudnn9-runtime-/m);
});

test('every file the definition copies exists in the repository', () => {
  const sources = section('files')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(/\s+/)[0]);
  expect(sources.length).toBeGreaterThan(3);
  for (const s of sources) expect(existsSync(join(ROOT, s)), s).toBe(true);
  // What `npm run build` and the runtime need.
  expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.json', 'src', 'templates']));
});

test('%post is valid bash, installs with the CUDA provider and checks that it arrived', () => {
  const post = section('post');
  execFileSync('bash', ['-n'], { input: post });
  expect(post).toContain('export ONNXRUNTIME_NODE_INSTALL=cuda12');
  // pack's JPEG decoder (libturbojpeg0 on Debian, libturbojpeg on Ubuntu).
  expect(post).toMatch(/apt-get install[^\n]*"\$TURBOJPEG"/);
  expect(post).toMatch(/npm ci\b/);
  expect(post).toContain('libonnxruntime_providers_cuda.so');
  expect(post).toContain('/usr/local/bin/wsi-hpc');
});
