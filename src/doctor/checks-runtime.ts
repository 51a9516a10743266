// Checks of the JavaScript runtime: Node against package.json's engines range, and the versions of the
// packages wsi-hpc leans on, each read from its own package.json (what is installed, not what was asked for).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { TOOL_VERSION } from '../version.js';
import type { CheckResult } from './types.js';

/** The packages whose versions doctor lists: the native ones (onnxruntime-node, sharp, koffi) and the format/CLI ones. */
export const KEY_PACKAGES = ['onnxruntime-node', 'h5wasm', 'sharp', 'koffi', 'yargs'] as const;

const ownPackage = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines?: { node?: string } };

/** [major, minor, patch] of "v20.19.1", ">=20.19" or "20"; missing parts are 0. */
export function parseVersion(text: string): [number, number, number] | null {
  const m = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : null;
}

function isAtLeast(have: [number, number, number], want: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (have[i] !== want[i]) return have[i] > want[i];
  return true;
}

/** Node's version against the lowest version package.json's `engines.node` (">=X.Y") admits. */
export function checkNode(version = process.version, engines = ownPackage.engines?.node ?? '>=20'): CheckResult {
  const have = parseVersion(version);
  const want = parseVersion(engines) ?? [20, 0, 0];
  const data = { version, required: engines };
  if (have && isAtLeast(have, want)) return { id: 'node', status: 'ok', finding: `Node ${version} (needs ${engines})`, data };
  return {
    id: 'node',
    status: 'fail',
    finding: `Node ${version} is older than wsi-hpc needs (${engines})`,
    detail: 'yargs 18 and the ES features wsi-hpc uses need it; commands may fail at start-up or part-way.',
    fix: `Install Node ${want.join('.')} or newer: \`module load nodejs/20\` on a cluster, or nvm (\`nvm install 20\`) without root.`,
    data,
  };
}

// The installed package.json of `name` (not `require.resolve(name/package.json)`: some packages' exports hide it).
function installedVersion(name: string): string | null {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths(name) ?? []) {
    const file = join(dir, name, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? null;
  }
  return null;
}

/** wsi-hpc's own version and the installed versions of KEY_PACKAGES. */
export function checkPackages(): CheckResult {
  const versions: Record<string, string | null> = { 'wsi-hpc': TOOL_VERSION };
  for (const name of KEY_PACKAGES) versions[name] = installedVersion(name);
  const missing = Object.keys(versions).filter((k) => versions[k] === null);
  const finding = Object.entries(versions)
    .map(([k, v]) => `${k} ${v ?? 'MISSING'}`)
    .join(', ');
  if (missing.length === 0) return { id: 'packages', status: 'ok', finding, data: { versions } };
  return {
    id: 'packages',
    status: 'fail',
    finding,
    detail: `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not installed: the commands that need ${missing.length > 1 ? 'them' : 'it'} fail.`,
    fix: 'Run `npm ci && npm run build` in the wsi-hpc folder (no root needed).',
    data: { versions },
  };
}
