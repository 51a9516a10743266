// Doctor test helpers: a PATH folder holding only `node` (so SLURM, vips and nvidia-smi are not found),
// optionally with stand-in commands, and the doctor report's JSON with a lookup by check id.
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Result } from 'execa';
import { expect } from 'vitest';
import type { CheckResult, DoctorReport } from '../../src/doctor/index.js';
import { parseJson } from '../fixtures/index.js';

/** A bin folder in `dir` with `node` and the given shell scripts (name -> body); use it as the whole PATH. */
export async function makeBinDir(dir: string, scripts: Record<string, string> = {}): Promise<string> {
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  await symlink(process.execPath, join(bin, 'node'));
  for (const [name, body] of Object.entries(scripts)) {
    await writeFile(join(bin, name), `#!/bin/sh\n${body}\n`);
    await chmod(join(bin, name), 0o755);
  }
  return bin;
}

export interface ParsedReport extends DoctorReport {
  check(id: string): CheckResult;
}

/** The --json report; every check present exactly once, each with a valid status and a one-line finding. */
export function parseReport(r: Result): ParsedReport {
  const report = parseJson<DoctorReport>(r);
  const ids = report.checks.map((c) => c.id);
  expect(new Set(ids).size, ids.join(',')).toBe(ids.length);
  for (const c of report.checks) {
    expect(['ok', 'warn', 'fail', 'absent']).toContain(c.status);
    expect(c.finding).not.toContain('\n');
    // Anything not ok says what it means or how to fix it.
    if (c.status !== 'ok') expect(c.detail ?? c.fix, c.id).toBeTruthy();
  }
  return {
    ...report,
    check: (id) => {
      const c = report.checks.find((x) => x.id === id);
      if (!c) throw new Error(`no check ${id} in ${ids.join(', ')}`);
      return c;
    },
  };
}

/** `stat -f -c %T DIR`: coreutils' name for the file system type (the oracle for statfs' magic number). */
export const statFsType = (dir: string): string => execFileSync('stat', ['-f', '-c', '%T', dir], { encoding: 'utf8' }).trim();
