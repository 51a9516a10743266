// Finds and loads the system's OpenSlide library, once per process: WSI_HPC_OPENSLIDE (a path), then
// libopenslide.so.1 (OpenSlide 4) and libopenslide.so.0 (3.4) on the loader path. Per-slide errors: open-slide.ts.

import { SlideError } from '../../errors.js';
import { bindOpenSlide, type OpenSlideBinding } from './binding.js';

/** Sonames tried on the loader path (LD_LIBRARY_PATH, ldconfig: covers `module load` and conda), newest first. */
export const OPENSLIDE_SONAMES = ['libopenslide.so.1', 'libopenslide.so.0'] as const;

export const OPENSLIDE_ENV = 'WSI_HPC_OPENSLIDE';

/** How to get OpenSlide, for hints. */
export const OPENSLIDE_INSTALL_HINT =
  'Possible solutions: `apt install libopenslide0` (Debian/Ubuntu), `conda install -c conda-forge openslide`, ' +
  `\`module load openslide\` on a cluster, or set ${OPENSLIDE_ENV}=/path/to/libopenslide.so`;

export type OpenSlideLoad = { isLoaded: true; binding: OpenSlideBinding } | { isLoaded: false; reason: string };

// koffi's async calls run on a small private stack by default; OpenSlide's decoders (libjpeg, libtiff, cairo)
// get 1 MiB like a thread. Only possible before the first library is loaded in this process.
let isConfigured = false;
async function importKoffi(): Promise<typeof import('koffi').default> {
  const koffi = (await import('koffi')).default;
  if (!isConfigured) {
    isConfigured = true;
    try {
      koffi.config({ ...koffi.config(), async_stack_size: 1 << 20 });
    } catch {
      // Another module loaded a library through koffi first: keep its settings.
    }
  }
  return koffi;
}

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).trim();
}

/** Try to load OpenSlide as `env` says; never throws (the reason says what was tried and why it failed). */
export async function loadOpenSlideLibrary(env: NodeJS.ProcessEnv = process.env): Promise<OpenSlideLoad> {
  let koffi: Awaited<ReturnType<typeof importKoffi>>;
  try {
    koffi = await importKoffi();
  } catch (err) {
    return { isLoaded: false, reason: `koffi, the module wsi-hpc calls OpenSlide through, could not be loaded (${messageOf(err)})` };
  }
  const explicit = env[OPENSLIDE_ENV];
  const candidates = explicit ? [explicit] : [...OPENSLIDE_SONAMES];
  const failures: string[] = [];
  for (const name of candidates) {
    try {
      return { isLoaded: true, binding: bindOpenSlide(koffi.load(name), name) };
    } catch (err) {
      failures.push(`${name}: ${messageOf(err)}`);
    }
  }
  const reason = explicit
    ? `${OPENSLIDE_ENV}=${explicit} could not be loaded as the OpenSlide library (${failures.join('; ')})`
    : `the OpenSlide library was not found on the loader path (tried ${failures.join('; ')})`;
  return { isLoaded: false, reason };
}

let cached: Promise<OpenSlideLoad> | undefined;

/** The process-wide OpenSlide, loaded on first use (a failure is remembered too). */
export function getOpenSlide(): Promise<OpenSlideLoad> {
  cached ??= loadOpenSlideLibrary();
  return cached;
}

/** The error of a slide that needs OpenSlide when the library is missing: names the file, its format and the fix. */
export function openSlideMissingError(file: string, format: string, reason: string): SlideError {
  return new SlideError('OPENSLIDE_MISSING', file, `reading this ${format} slide needs OpenSlide, but ${reason}`, {
    hint: OPENSLIDE_INSTALL_HINT,
  });
}
