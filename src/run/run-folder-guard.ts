// Checks `plan --out` before anything is written: it must be a folder (or not exist yet), and an existing
// folder must be empty or a run folder, so that a run never lands in `/`, a slides folder or someone's data;
// a finished run is not replaced by a plan of other parameters without --force.
import { readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { OptionError } from '../errors.js';
import type { PlanFile } from '../plan/types.js';
import { hashJson } from '../util/hash.js';
import { describeNonRegular } from '../util/regular-file.js';
import { readMarker } from './markers.js';
import { runPaths, type RunPaths } from './paths.js';

/**
 * Top-level names a run folder holds (see paths.ts), plus report.html and its slide pages (report/), a cluster plan's
 * plan-tasks/ (before plan.json exists) and the CLAM/TRIDENT folders; dot-files are temporary files and locks.
 */
const RUN_ENTRIES = new Set([
  'plan.json',
  'grids',
  'qc',
  'masks',
  'tissue',
  'shards',
  'markers',
  'predictions',
  'heatmaps',
  'regions',
  'scores.csv',
  'thumbnails',
  'slurm',
  'logs',
  'report.html',
  'report',
  'plan-tasks',
  'patches',
  'features',
]);

function notARunFolder(out: string, problem: string): OptionError {
  return new OptionError(
    `Expected \`--out\` to be a run folder, received \`${out}\`: ${problem}`,
    'Give a new or empty folder for the run, e.g. --out runs/run1',
  );
}

export async function checkRunFolderForPlan(out: string): Promise<void> {
  const st = await stat(out).catch(() => null);
  if (!st) {
    // Not there yet: the nearest existing ancestor must be a folder, else mkdir fails with ENOTDIR.
    let parent = dirname(resolve(out));
    for (;;) {
      const pst = await stat(parent).catch(() => null);
      if (pst) {
        if (!pst.isDirectory()) throw notARunFolder(out, `${parent} is a file, not a folder`);
        return;
      }
      if (dirname(parent) === parent) return;
      parent = dirname(parent);
    }
  }
  if (!st.isDirectory()) throw notARunFolder(out, 'it is a file, not a folder');
  const entries = await readdir(out);
  if (entries.includes('plan.json')) {
    const plan = await stat(join(out, 'plan.json'));
    if (!plan.isFile()) throw notARunFolder(out, `${join(out, 'plan.json')} is ${describeNonRegular(plan)}, not a plan file`);
    return;
  }
  const foreign = entries.filter((name) => !name.startsWith('.') && !RUN_ENTRIES.has(name));
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, ... (${foreign.length} in all)` : '');
    throw notARunFolder(out, `it has no plan.json and holds files wsi-hpc did not write (${shown})`);
  }
}

/** The finished units of `previous` (done markers of its plan), e.g. `pack 4/4, infer 4/4, merge 1/1`; empty when none. */
async function describeFinishedWork(paths: RunPaths, previous: PlanFile): Promise<string> {
  const parts: string[] = [];
  const units: Array<[string, string[]]> = [
    ['pack', previous.shards.list.map((s) => s.id)],
    ['infer', previous.shards.list.map((s) => s.id)],
    ['merge', ['merge']],
  ];
  for (const [stage, ids] of units) {
    let done = 0;
    for (const id of ids) {
      const marker = await readMarker(paths.marker(stage, id)).catch(() => null);
      if (marker?.status === 'done' && marker.planHash === previous.planHash) done++;
    }
    if (done > 0) parts.push(`${stage} ${done}/${ids.length}`);
  }
  return parts.join(', ');
}

/**
 * Refuses to replace the plan of a run folder with one of other parameters while work of the old plan is
 * done: every shard would be redone and the finished run lost. `--force` replaces it on purpose.
 */
export async function checkReplan(out: string, previous: PlanFile | null, params: unknown, isForced: boolean): Promise<void> {
  if (!previous || isForced || hashJson(previous.params) === hashJson(params)) return;
  const work = await describeFinishedWork(runPaths(out), previous);
  if (!work) return;
  throw new OptionError(
    `\`--out ${out}\` holds a run planned with other parameters whose work is done (${work}): planning it again would replace plan.json and redo all of it`,
    `Plan into a new folder (e.g. --out ${out.replace(/\/+$/, '')}-2), or pass --force to replace the old run`,
  );
}
