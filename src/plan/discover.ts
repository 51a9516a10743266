// Turns the SLIDES arguments (folders, files, globs) into a sorted list of absolute paths.
import { stat, readdir } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { OptionError } from '../errors.js';

export const SLIDE_EXTENSIONS = Object.freeze(['.svs', '.tif', '.tiff', '.btf', '.tf8', '.tf2']);

function isSlideName(name: string): boolean {
  return SLIDE_EXTENSIONS.includes(extname(name).toLowerCase());
}

export async function discoverSlides(inputs: string[]): Promise<string[]> {
  const found = new Set<string>();
  const missing: string[] = [];
  for (const input of inputs) {
    const st = await stat(input).catch(() => null);
    if (st?.isDirectory()) {
      for (const name of await readdir(input)) {
        // stat, not the dirent, so symlinked slides count.
        if (isSlideName(name) && (await stat(join(input, name)).catch(() => null))?.isFile()) found.add(resolve(input, name));
      }
    } else if (st) {
      found.add(resolve(input));
    } else if (isDynamicPattern(input)) {
      const matches = await glob(input, { absolute: true, onlyFiles: true });
      if (matches.length === 0) missing.push(input);
      for (const m of matches) found.add(resolve(m));
    } else {
      missing.push(input);
    }
  }
  if (missing.length > 0) {
    throw new OptionError(`No such slide file, folder or match: ${missing.map((m) => `\`${m}\``).join(', ')}`);
  }
  if (found.size === 0) {
    throw new OptionError(`No slides found in ${inputs.map((i) => `\`${i}\``).join(', ')} (looked for ${SLIDE_EXTENSIONS.join(' ')})`);
  }
  return [...found].sort();
}
