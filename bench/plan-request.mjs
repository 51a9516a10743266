#!/usr/bin/env node
// What `submit SLIDES --out RUN` costs where it is typed (a login node): for N slides (symlinks to one
// synthetic slide), the CPU-seconds, wall time and peak memory of the command that lists the slides and
// writes the plan request, against a local `plan` of the same slides (which opens every slide).
// Usage: npm run build && node bench/plan-request.mjs [--sizes 399,5000,30000] [--local-max 399]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'dist/cli/bin.js');
const OUT = join(ROOT, 'bench/out/plan-request');
const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '399,5000,30000' }, 'local-max': { type: 'string', default: '399' } },
});
mkdirSync(OUT, { recursive: true });
const donorDir = join(OUT, 'donor');
if (!existsSync(join(donorDir, 'slide-001.tif')))
  execFileSync('node', [BIN, 'synth', donorDir, '--slides', '1', '--width', '6000', '--height', '4500', '-q']);
const donor = join(donorDir, 'slide-001.tif');

// /usr/bin/time -f: elapsed wall, user + system CPU-seconds, peak RSS (KB) of the command.
function measure(args) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', 'node', BIN, ...args], { encoding: 'utf8' });
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no timing from ${args.join(' ')}: ${r.stderr}`);
  return { exit: r.status, wallS: Number(m[1]), cpuS: +(Number(m[2]) + Number(m[3])).toFixed(2), peakMB: Math.round(Number(m[4]) / 1024) };
}
const rows = [];
for (const n of values.sizes.split(',').map(Number)) {
  const dir = join(OUT, `cohort-${n}`);
  if (!existsSync(dir)) {
    mkdirSync(dir);
    for (let i = 0; i < n; i++) symlinkSync(donor, join(dir, `s${String(i).padStart(6, '0')}.tif`));
  }
  const run = join(OUT, `run-${n}`);
  rmSync(run, { recursive: true, force: true });
  // Everything the command does before sbatch (options, slide listing, request hashing; --dry-run skips
  // only writing the request file and the sbatch calls), both limits given so no cluster is asked.
  const request = measure([
    'plan',
    dir,
    '--out',
    run,
    '--executor',
    'slurm',
    '--max-array-size',
    '1001',
    '--max-job-count',
    '10000',
    '--dry-run',
    '-q',
  ]);
  const row = { slides: n, request };
  if (n <= Number(values['local-max'])) {
    rmSync(run, { recursive: true, force: true });
    row.localPlan = measure(['plan', dir, '--out', run, '-q']);
  }
  rows.push(row);
  process.stderr.write(`${JSON.stringify(row)}\n`);
}
console.log(JSON.stringify({ date: new Date().toISOString(), donor: '6000x4500 synthetic TIFF', rows }, null, 2));
