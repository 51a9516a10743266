// The run folder's file system (type from statfs and /proc/mounts, with advice for shared storage) and
// its free space against the bytes the run's plan.json still has to write (the rule planConcerns uses).
import { existsSync } from 'node:fs';
import { readFile, realpath, statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { formatBytes } from '../cli/format.js';
import { readPlanIfExists } from '../plan/index.js';
import { runPaths } from '../run/paths.js';
import { fsAdvice } from './fs-advice.js';
import { mountOf, nameFsMagic, parseMounts, storageKind } from './fs-type.js';
import type { CheckResult } from './types.js';

// The folder itself, or its nearest existing ancestor when the run folder does not exist yet.
async function existingDir(dir: string): Promise<string> {
  let d = resolve(dir);
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  return realpath(d);
}

export async function checkFilesystem(runDir: string): Promise<CheckResult> {
  const dir = await existingDir(runDir);
  const magic = nameFsMagic((await statfs(dir)).type);
  const mounts = await readFile('/proc/mounts', 'utf8').then(parseMounts, () => []);
  const mount = mountOf(dir, mounts);
  // /proc/mounts names ext4 and nfs4 precisely; statfs' magic number is what is left off Linux-style /proc.
  const type = mount?.type ?? magic;
  const advice = fsAdvice(storageKind(type) === 'unknown' ? storageKind(magic) : storageKind(type), type, resolve(runDir));
  const where = dir === resolve(runDir) ? dir : `${dir} (${resolve(runDir)} does not exist yet)`;
  return {
    id: 'filesystem',
    status: advice.status,
    finding: `${where} is on ${type}${mount ? ` (${mount.device} at ${mount.mountPoint})` : ''}: ${advice.note}`,
    ...(advice.detail ? { detail: advice.detail } : {}),
    ...(advice.fix ? { fix: advice.fix } : {}),
    data: { dir, type, magic, mountPoint: mount?.mountPoint ?? null, device: mount?.device ?? null },
  };
}

export async function checkDisk(runDir: string): Promise<CheckResult> {
  const dir = await existingDir(runDir);
  const s = await statfs(dir);
  const freeBytes = s.bavail * s.bsize;
  const paths = runPaths(resolve(runDir));
  let plan: Awaited<ReturnType<typeof readPlanIfExists>>;
  try {
    plan = existsSync(paths.plan) ? await readPlanIfExists(paths.plan) : null;
  } catch (err) {
    return {
      id: 'disk',
      status: 'warn',
      finding: `${formatBytes(freeBytes)} free; ${paths.plan} cannot be read: ${(err as Error).message}`,
      detail: 'The space the run needs is unknown.',
      fix: 'Plan again (`wsi-hpc plan SLIDES --out RUN`) or fix plan.json.',
      data: { freeBytes, planBytes: null, bytesToWrite: null },
    };
  }
  if (!plan)
    return {
      id: 'disk',
      status: 'ok',
      finding: `${formatBytes(freeBytes)} free (no plan.json: nothing to compare)`,
      data: { freeBytes, planBytes: null, bytesToWrite: null },
    };
  // Shards already written need no more room (planConcernsFor counts the same way).
  const bytesToWrite = plan.shards.list.filter((sh) => !existsSync(paths.shard(sh.id))).reduce((n, sh) => n + sh.expectedBytes, 0);
  const planBytes = plan.shards.list.reduce((n, sh) => n + sh.expectedBytes, 0);
  const data = { freeBytes, planBytes, bytesToWrite };
  const compressed = plan.params.pack.compression.codec !== 'none' ? ' before compression' : '';
  const finding = `${formatBytes(freeBytes)} free; the plan's shards still to write need ${formatBytes(bytesToWrite)}${compressed} (of ${formatBytes(planBytes)})`;
  if (bytesToWrite <= freeBytes) return { id: 'disk', status: 'ok', finding, data };
  return {
    id: 'disk',
    status: compressed ? 'warn' : 'fail',
    finding,
    detail: compressed
      ? 'Compressed shards are usually much smaller than this, but pack may run out of space (FS_NO_SPACE) part-way.'
      : 'pack will run out of space (FS_NO_SPACE) part-way; completed shards are kept.',
    fix: `Free space (\`df -h ${dir}\`), use a run folder on a larger file system, or plan fewer slides.`,
    data,
  };
}
