// Turns the SLIDES arguments (folders, files, globs) into a sorted list of absolute slide paths and
// reports every folder entry or glob match it did not take, with the reason. Folders are read one level
// deep and never followed down, so a symlink loop cannot hang discovery. Reading the slides is left to plan.
// Multi-file slides count once: an MRXS file's companion folder belongs to it, and the .dcm files of one
// folder are one DICOM slide (read by OpenSlide >= 4 only).
import { realpath as realpathCb, stat as statCb, type Stats } from 'node:fs';
import { readdir, readlink, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type FileSystemAdapter, glob, isDynamicPattern } from 'tinyglobby';
import { OptionError } from '../errors.js';
import { DICOM_EXTENSION, SLIDE_EXTENSIONS, UNREADABLE_WSI_FORMATS, extensionOf, readsDicom } from './slide-formats.js';

export { SLIDE_EXTENSIONS } from './slide-formats.js';

export interface DiscoveryOptions {
  /**
   * Version of the OpenSlide library found (e.g. "4.0.0"), or null when none was found: DICOM slides are
   * taken only from OpenSlide 4 on. Asked once, and only when a .dcm file is seen.
   * @default the library the OpenSlide backend loads (WSI_HPC_OPENSLIDE, then the usual sonames)
   */
  openSlideVersion?: () => Promise<string | null>;
}

/** Why discovery left an entry out. */
export type SkipReason =
  | 'unsupported-format'
  | 'needs-openslide-4'
  | 'directory'
  | 'dangling-symlink'
  | 'symlink-loop'
  | 'special-file'
  | 'unreadable';

export interface SkippedEntry {
  /** Absolute path of the folder entry or glob match. */
  path: string;
  reason: SkipReason;
  /** One line for people, e.g. "unsupported format .ndpi (...)". */
  detail: string;
}

export interface SlideDiscovery {
  /** Absolute slide paths, sorted. */
  slides: string[];
  /** Entries seen but not taken, sorted by path. */
  skipped: SkippedEntry[];
}

function isSlideName(name: string): boolean {
  return SLIDE_EXTENSIONS.includes(extensionOf(name));
}

function errnoOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(err);
}

// The entry exists in its folder but stat() failed: tell a dangling symlink and a loop from the rest.
async function brokenEntry(path: string, err: unknown): Promise<SkippedEntry> {
  const code = errnoOf(err);
  if (code === 'ELOOP') return { path, reason: 'symlink-loop', detail: 'symlink loop (too many levels of symbolic links)' };
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    const target = await readlink(path).catch(() => null);
    if (target !== null) return { path, reason: 'dangling-symlink', detail: `dangling symlink to \`${target}\`, which does not exist` };
  }
  return { path, reason: 'unreadable', detail: `cannot read it (${code})` };
}

function unsupported(path: string): SkippedEntry {
  const ext = extensionOf(path);
  const what = ext ? `unsupported format ${ext}` : 'unsupported format (no extension)';
  const vendor = UNREADABLE_WSI_FORMATS[ext];
  const advice = vendor
    ? `${vendor}: neither the built-in TIFF reader nor OpenSlide reads it; convert it to a pyramidal TIFF`
    : `slides are ${SLIDE_EXTENSIONS.join(' ')}`;
  return { path, reason: 'unsupported-format', detail: `${what} (${advice})` };
}

function openSlideFound(version: string | null): string {
  return version === null ? 'no OpenSlide library was found' : `the OpenSlide found is ${version}`;
}

/** A DICOM file or folder when the OpenSlide found (if any) does not read DICOM. */
function needsDicom(path: string, what: string, version: string | null): SkippedEntry {
  const detail = `${what}: needs OpenSlide 4 (DICOM); ${openSlideFound(version)} (install OpenSlide >= 4.0, or convert it to a pyramidal TIFF)`;
  return { path, reason: 'needs-openslide-4', detail };
}

// tinyglobby drops the symlinks it cannot resolve (dangling, loops). This file-system adapter hands them
// back as plain files so that the glob still matches them by name and classifyEntry says what is wrong.
const BROKEN_LINK = { isDirectory: () => false, isFile: () => true };
const keepBrokenLinks: FileSystemAdapter = {
  realpath: ((path: string, done: (err: null, resolved: string) => void) =>
    realpathCb(path, (err, resolved) => done(null, err ? path : resolved))) as unknown as FileSystemAdapter['realpath'],
  stat: ((path: string, done: (err: null, st: Pick<Stats, 'isDirectory' | 'isFile'>) => void) =>
    statCb(path, (err, st) => done(null, err ? BROKEN_LINK : st))) as unknown as FileSystemAdapter['stat'],
};

/** The version of the OpenSlide the backend loads, or null when it finds none (loaded only when asked). */
async function systemOpenSlideVersion(): Promise<string | null> {
  const { getOpenSlide } = await import('../slide/index.js');
  const load = await getOpenSlide();
  return load.isLoaded ? load.binding.version : null;
}

const SPECIAL_FILE = 'not a regular file (FIFO, socket or device)';

/** What discovery gathers over all the arguments. */
interface Gathered {
  found: Set<string>;
  skipped: Map<string, SkippedEntry>;
  /** .dcm files seen in folders and globs: the files of one folder are one DICOM slide. */
  dicomFiles: Set<string>;
  /** The OpenSlide version, looked up on the first .dcm file seen. */
  openSlideVersion: () => Promise<string | null>;
}

const isDicomName = (name: string): boolean => extensionOf(name) === DICOM_EXTENSION;

/** The sibling `<folder>.mrxs` file that makes a folder an MRXS slide's companion (Slidedat.ini, .dat). */
async function isMrxsCompanion(folder: string): Promise<boolean> {
  for (const ext of ['.mrxs', '.MRXS']) {
    const st = await stat(`${folder}${ext}`).catch(() => null);
    if (st?.isFile()) return true;
  }
  return false;
}

/** The .dcm files directly in a folder, sorted (none when it cannot be listed). */
async function dicomFilesIn(folder: string): Promise<string[]> {
  const names = await readdir(folder).catch(() => [] as string[]);
  return names
    .filter(isDicomName)
    .map((n) => resolve(folder, n))
    .sort();
}

/** A folder entry: a slide, a skipped entry, or part of a multi-file slide (MRXS folder, DICOM file). */
async function takeEntry(path: string, g: Gathered): Promise<void> {
  let st: Stats;
  try {
    st = await stat(path);
  } catch (err) {
    g.skipped.set(path, await brokenEntry(path, err));
    return;
  }
  if (st.isDirectory()) {
    if (await isMrxsCompanion(path)) return;
    const dicom = await dicomFilesIn(path);
    if (dicom.length > 0) {
      // A folder of DICOM files is one slide; OpenSlide opens it from any of its files.
      const version = await g.openSlideVersion();
      if (readsDicom(version)) g.found.add(dicom[0]);
      else g.skipped.set(path, needsDicom(path, `a DICOM slide folder (${dicom.length} .dcm files)`, version));
      return;
    }
    const detail = isSlideName(path)
      ? 'a directory named like a slide (a slide must be a single file; folders are not searched recursively)'
      : 'a directory (folders are not searched recursively; pass it as its own argument)';
    g.skipped.set(path, { path, reason: 'directory', detail });
    return;
  }
  if (!st.isFile()) g.skipped.set(path, { path, reason: 'special-file', detail: SPECIAL_FILE });
  else if (isDicomName(path)) g.dicomFiles.add(path);
  else if (isSlideName(path)) g.found.add(path);
  else g.skipped.set(path, unsupported(path));
}

// Files named one by one are planned whatever their extension: plan then says if one is not a slide.
async function takeInput(input: string, g: Gathered): Promise<string | null> {
  const st = await stat(input).catch((err: unknown) => err as Error);
  if (st instanceof Error) {
    if (!isDynamicPattern(input)) {
      const broken = await brokenEntry(resolve(input), st);
      return broken.reason === 'unreadable' && errnoOf(st) === 'ENOENT' ? `\`${input}\`` : `\`${input}\` (${broken.detail})`;
    }
    const matches = await glob(input, { absolute: true, onlyFiles: false, fs: keepBrokenLinks });
    for (const m of matches) await takeEntry(resolve(m), g);
    return matches.length === 0 ? `\`${input}\`` : null;
  }
  if (!st.isDirectory()) {
    // A FIFO or device named on its own would block (or stream forever) when read: skip it with the reason.
    if (!st.isFile()) g.skipped.set(resolve(input), { path: resolve(input), reason: 'special-file', detail: SPECIAL_FILE });
    else g.found.add(resolve(input));
    return null;
  }
  let names: string[];
  try {
    names = await readdir(input);
  } catch (err) {
    const path = resolve(input);
    g.skipped.set(path, { path, reason: 'unreadable', detail: `cannot list the folder (${errnoOf(err)})` });
    return null;
  }
  for (const name of names) await takeEntry(resolve(input, name), g);
  return null;
}

/** The .dcm files of each folder are one slide (its first file) when OpenSlide reads DICOM, else each is listed as skipped. */
async function settleDicom(g: Gathered): Promise<void> {
  if (g.dicomFiles.size === 0) return;
  const version = await g.openSlideVersion();
  const byFolder = new Map<string, string[]>();
  for (const f of [...g.dicomFiles].sort()) byFolder.set(dirname(f), [...(byFolder.get(dirname(f)) ?? []), f]);
  for (const files of byFolder.values()) {
    if (files.some((f) => g.found.has(f))) continue;
    if (readsDicom(version)) g.found.add(files[0]);
    else for (const f of files) g.skipped.set(f, needsDicom(f, 'a DICOM file', version));
  }
}

function listSkipped(skipped: SkippedEntry[]): string {
  const shown = skipped.slice(0, 10).map((s) => `${s.path}: ${s.detail}`);
  if (skipped.length > shown.length) shown.push(`... and ${skipped.length - shown.length} more`);
  return shown.join('; ');
}

/** Every slide the arguments name, and every entry seen but skipped with its reason. */
export async function discoverSlideFiles(inputs: string[], options: DiscoveryOptions = {}): Promise<SlideDiscovery> {
  let version: Promise<string | null> | undefined;
  const openSlideVersion = () => {
    version ??= (options.openSlideVersion ?? systemOpenSlideVersion)();
    return version;
  };
  const g: Gathered = { found: new Set(), skipped: new Map(), dicomFiles: new Set(), openSlideVersion };
  const missing: string[] = [];
  for (const input of inputs) {
    const problem = await takeInput(input, g);
    if (problem) missing.push(problem);
  }
  if (missing.length > 0) {
    throw new OptionError(`No such slide file, folder or match: ${missing.join(', ')}`, 'Check the SLIDES arguments; quote globs.');
  }
  await settleDicom(g);
  const skipped = [...g.skipped.values()].filter((s) => !g.found.has(s.path)).sort((a, b) => (a.path < b.path ? -1 : 1));
  if (g.found.size === 0) {
    const seen = skipped.length ? `; skipped ${skipped.length}: ${listSkipped(skipped)}` : '';
    throw new OptionError(
      `No slides found in ${inputs.map((i) => `\`${i}\``).join(', ')} (looked for ${SLIDE_EXTENSIONS.join(' ')}, and .dcm with OpenSlide 4)${seen}`,
      'Pass slide files or folders that hold them.',
    );
  }
  return { slides: [...g.found].sort(), skipped };
}

/** The slide paths only, for callers that do not report skipped entries. */
export async function discoverSlides(inputs: string[], options: DiscoveryOptions = {}): Promise<string[]> {
  return (await discoverSlideFiles(inputs, options)).slides;
}
