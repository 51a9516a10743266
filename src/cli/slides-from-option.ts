// `--slides-from FILE` for every command that takes SLIDES: the option, and the slides a command line names
// (positional SLIDES, the list's slides, or both). Reading and checking the list is plan/slide-list.ts.
import type { Argv } from 'yargs';
import { OptionError } from '../errors.js';
import { readSlideList, type SlideList } from '../plan/index.js';
import { isFromConfig } from './config-file.js';

export interface SlidesFromArgs {
  slides?: string[];
  'slides-from'?: string;
}

export const SLIDES_FROM_DESCRIPTION =
  'Slide list: a .csv with a header naming the slide column (slide, path or wsi; other columns are kept as metadata in scores.csv), ' +
  'or any other file with one path per line (# comments); relative paths are relative to the list file (to the current folder for a pipe)';

/** Adds `--slides-from` to a command whose `slides..` positional is optional. */
export function withSlidesFromOption<T>(y: Argv<T>): Argv<T & { 'slides-from'?: string }> {
  return y.option('slides-from', { type: 'string', describe: SLIDES_FROM_DESCRIPTION });
}

/**
 * The positional slides and the checked list. A `slides-from` from the config file is a default: slides
 * typed on the command line set it aside. Neither given is a usage error (exit 2).
 */
export async function slidesFromArgs(argv: SlidesFromArgs, command: string): Promise<{ inputs: string[]; slideList?: SlideList }> {
  const inputs = argv.slides ?? [];
  const file = argv['slides-from'];
  const useList = file !== undefined && !(inputs.length > 0 && isFromConfig(argv, 'slides-from'));
  if (inputs.length === 0 && !useList) {
    throw new OptionError(
      `\`wsi-hpc ${command}\` needs slides: give SLIDES (files, folders or globs) or --slides-from FILE`,
      `e.g. wsi-hpc ${command} slides/ ... or wsi-hpc ${command} --slides-from cohort.csv ...`,
    );
  }
  return useList ? { inputs, slideList: await readSlideList(file) } : { inputs };
}
