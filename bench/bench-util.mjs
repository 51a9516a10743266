// Shared helpers of the plan/pack benchmarks: paths, synthetic slides made once under bench/out/,
// timed child processes (wall seconds, CPU seconds and peak RSS from /usr/bin/time), JSON output.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = join(ROOT, 'bench/out');
export const BIN = join(ROOT, 'dist/cli/bin.js');
export const PY = '/usr/bin/python3';

export function log(...args) {
  console.error(...args);
}

/** Run `cmd args` under /usr/bin/time; returns wall and CPU seconds, peak RSS (MiB) and stdout. Throws on a non-zero exit. */
export function timed(cmd, args, opts = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${(r.stderr ?? '').slice(-2000)}`);
  return { wallS: Number(m[1]), cpuS: Number(m[2]) + Number(m[3]), peakRssMiB: Number(m[4]) / 1024, stdout: r.stdout };
}

/** Synthetic slides in `dir` (generated once, then reused). */
export function ensureSlides(dir, { slides, width, height, flavour }) {
  if (existsSync(join(dir, 'cohort.json'))) return;
  log(`generating ${slides} synthetic ${width}x${height} slide(s) into ${dir} ...`);
  rmSync(dir, { recursive: true, force: true });
  execFileSync(
    'node',
    [BIN, 'synth', dir, '--slides', String(slides), '--width', String(width), '--height', String(height), '--flavour', flavour, '-q'],
    { stdio: 'inherit' },
  );
}

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function writeResult(name, result) {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

export const round = (x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * The published design's packer (bench/openslide_h5py_pack.py: OpenSlide read_region per patch + h5py, one
 * process) over grid patches [0, n) of `gridFile` at level 0, 224 px, into `out` (deleted after), timed.
 */
export function timedOpenslideH5pyPack(slide, gridFile, n, out) {
  execFileSync('sync');
  const t = timed(PY, [join(ROOT, 'bench/openslide_h5py_pack.py'), slide, gridFile, '0', String(n), '0', '224', out, '16']);
  rmSync(out, { force: true });
  return t;
}
