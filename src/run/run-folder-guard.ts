// Checks `plan --out` before anything is written: it must be a folder (or not exist yet), and an existing
// folder must be empty or a run folder, so that a run never lands in `/`, a slides folder or someone's data.
import { readdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { OptionError } from '../errors.js';

/** Top-level names a run folder holds (see paths.ts), plus report.html; dot-files are temporary files and locks. */
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
  if (entries.includes('plan.json')) return;
  const foreign = entries.filter((name) => !name.startsWith('.') && !RUN_ENTRIES.has(name));
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, ... (${foreign.length} in all)` : '');
    throw notARunFolder(out, `it has no plan.json and holds files wsi-hpc did not write (${shown})`);
  }
}
