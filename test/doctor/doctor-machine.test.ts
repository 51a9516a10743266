// `wsi-hpc doctor --json` on this machine, each finding checked against an independent oracle: Node,
// the packages' own package.json, sharp, OpenSlide through Debian's python, the CUDA provider file, GPUs.
// PATH holds only `node`, so SLURM and vips are absent (not failures: exit 0); a hung scontrol times out.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CUDA_PROVIDER_LIBRARY } from '../../src/runner/cuda-libraries.js';
import { CUDA_FIX_HINT } from '../../src/runner/device.js';
import { cli, makeTempDir, ROOT, SYSTEM_PYTHON } from '../fixtures/index.js';
import { makeBinDir, parseReport, type ParsedReport } from './fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let bare: string;
let report: ParsedReport;
let exitCode: number | undefined;

beforeAll(async () => {
  tmp = await makeTempDir('doctor-machine');
  bare = await makeBinDir(join(tmp.dir, 'bare'));
  const r = await cli(['doctor', '--json'], { env: { PATH: bare } });
  exitCode = r.exitCode;
  report = parseReport(r);
}, 60_000);
afterAll(() => tmp?.cleanup());

describe('doctor --json on this machine, with PATH holding only node', () => {
  test('exits 0 with ok: nothing fails when only optional parts are missing', () => {
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(exitCode).toBe(0);
  });

  test('node reports process.version and the engines range of package.json', () => {
    const engines = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node;
    expect(report.check('node')).toMatchObject({ status: 'ok', data: { version: process.version, required: engines } });
  });

  test('packages lists the versions installed in node_modules', () => {
    const installed = (name: string) => JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
    const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    const c = report.check('packages');
    expect(c.status).toBe('ok');
    expect(c.data?.versions).toEqual({
      'wsi-hpc': own,
      ...Object.fromEntries(['onnxruntime-node', 'h5wasm', 'sharp', 'koffi', 'yargs'].map((n) => [n, installed(n)])),
    });
  });

  test("libvips is sharp's bundled libvips, as sharp itself reports it in a separate process", () => {
    const versions = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', "import s from 'sharp'; console.log(JSON.stringify(s.versions))"], {
        cwd: ROOT,
        encoding: 'utf8',
      }),
    );
    expect(report.check('libvips')).toMatchObject({ status: 'ok', data: { libvips: versions.vips, sharp: versions.sharp } });
  });

  test('the vips CLI is absent (not on PATH), with what it would add', () => {
    const c = report.check('vips-cli');
    expect(c.status).toBe('absent');
    expect(c.detail).toMatch(/tiffsave/);
  });

  test("OpenSlide's version equals openslide-python's __library_version__", () => {
    const oracle = execFileSync(SYSTEM_PYTHON, ['-c', 'import openslide; print(openslide.__library_version__)'], {
      encoding: 'utf8',
    }).trim();
    expect(report.check('openslide')).toMatchObject({ status: 'ok', data: { version: oracle } });
    expect(report.check('openslide').finding).toContain(`OpenSlide ${oracle}`);
  });

  test('ONNX Runtime opens and runs a CPU session', () => {
    const ortVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules/onnxruntime-node/package.json'), 'utf8')).version;
    expect(report.check('ort-cpu')).toMatchObject({ status: 'ok', data: { version: ortVersion } });
  });

  test('CUDA is unavailable, naming the provider library missing from onnxruntime-node', () => {
    const dir = join(ROOT, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64');
    expect(existsSync(join(dir, CUDA_PROVIDER_LIBRARY))).toBe(false);
    const c = report.check('ort-cuda');
    expect(c.status).toBe('absent');
    expect(c.finding).toBe(`CUDA unavailable: ${CUDA_PROVIDER_LIBRARY} is missing from ${dir}; no GPU visible`);
    expect(c.fix).toBe(CUDA_FIX_HINT);
  });

  test('no GPU visible', () => {
    expect(existsSync('/dev/nvidia0')).toBe(false);
    const c = report.check('gpus');
    expect(c.status).toBe('absent');
    expect(c.finding).toMatch(/^no GPU visible/);
    expect(c.data).toMatchObject({ isVisible: false, nvidiaSmi: null });
  });

  test.each(['slurm', 'slurm-partitions', 'slurm-accounting'])(
    '%s is absent, not failed, when the SLURM commands are not on PATH',
    (id) => {
      const c = report.check(id);
      expect(c.status).toBe('absent');
      expect(c.finding).toBe('SLURM is not installed here (optional)');
      expect(c.detail).toMatch(/--executor local/);
    },
  );
});

describe('doctor as text and its usage errors', () => {
  test('a table with one row per check, then what each check that is not ok means and how to fix it', async () => {
    const r = await cli(['doctor'], { env: { PATH: bare } });
    expect(r.exitCode).toBe(0);
    const out = String(r.stdout);
    for (const c of report.checks) expect(out).toMatch(new RegExp(`^${c.id}\\s+${c.status}\\s+\\S`, 'm'));
    expect(out).toMatch(/^ort-cuda \(absent\): CUDA unavailable/m);
    expect(out).toMatch(/^ {2}fix: {3}\S/m);
    expect(out).toMatch(/\d+ ok, 0 warn, 0 fail, \d+ absent: nothing fails$/);
  });

  test('--timeout 0 and a RUN that is a file are usage errors (exit 2)', async () => {
    const t = await cli(['doctor', '--timeout', '0'], { env: { PATH: bare } });
    expect(t.exitCode).toBe(2);
    expect(String(t.stderr)).toMatch(/Expected `--timeout` to be a positive number, received `?0/);
    const file = join(tmp.dir, 'plan.json');
    writeFileSync(file, '{}');
    const f = await cli(['doctor', file, '--json'], { env: { PATH: bare } });
    expect(f.exitCode).toBe(2);
    expect(JSON.parse(String(f.stdout)).error.message).toContain(`Expected RUN to be a folder, received the file \`${file}\``);
  });

  test('an unknown option is a usage error (exit 2) that names it', async () => {
    const r = await cli(['doctor', '--bogus'], { env: { PATH: bare } });
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toContain('Unknown option `--bogus`');
  });

  test('--help shows examples', async () => {
    const r = await cli(['doctor', '--help']);
    expect(r.exitCode).toBe(0);
    expect(String(r.stdout)).toContain('wsi-hpc doctor /scratch/me/run1');
  });
});

describe('a hung SLURM', () => {
  test('scontrol, sinfo and sacct that never answer fail after --timeout; every other check is still reported; exit 1', async () => {
    const hung = await makeBinDir(join(tmp.dir, 'hung'), {
      scontrol: 'exec /bin/sleep 600',
      sinfo: 'exec /bin/sleep 600',
      sacct: 'exec /bin/sleep 600',
    });
    const r = await cli(['doctor', '--json', '--timeout', '1'], { env: { PATH: hung } });
    expect(r.exitCode).toBe(1);
    const hungReport = parseReport(r);
    expect(hungReport.ok).toBe(false);
    expect(hungReport.check('slurm')).toMatchObject({
      status: 'fail',
      finding: 'SLURM controller not reachable: `scontrol show config` did not answer within 1 s',
    });
    expect(hungReport.check('slurm-partitions')).toMatchObject({
      status: 'fail',
      finding: 'partitions unknown: `sinfo` did not answer within 1 s',
    });
    expect(hungReport.check('slurm-accounting').status).toBe('warn');
    expect(hungReport.checks.map((c) => c.id)).toEqual(report.checks.map((c) => c.id));
    expect(hungReport.check('ort-cpu').status).toBe('ok');
  }, 60_000);
});
