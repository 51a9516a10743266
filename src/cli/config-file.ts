// Finds and reads the config file (`--config FILE`, $WSI_HPC_CONFIG, else ./wsi-hpc.yaml) with the `yaml`
// package, and tells handlers which option values came from it. Checking and merging live in config-validate.ts.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, isMap, isScalar, parseDocument, type Node } from 'yaml';
import type { OptionTables } from './config-options.js';
import { ConfigError, normalizeConfig, type ConfigFile, type RawEntry } from './config-validate.js';
import { rawValue } from './options.js';

export { ConfigError, type ConfigFile } from './config-validate.js';

/** The file looked for in the current directory when neither --config nor $WSI_HPC_CONFIG names one. */
export const CONFIG_FILE_NAME = 'wsi-hpc.yaml';

/** Where the set of config-sourced option names is kept on a parsed argv (set by the CLI's middleware). */
export const CONFIG_SOURCED: unique symbol = Symbol.for('wsi-hpc.config-sourced');

/** Parsed arguments as the handlers see them, possibly carrying the names of options taken from the config file. */
export type ArgvWithConfig = { [CONFIG_SOURCED]?: ReadonlySet<string> };

/**
 * Whether the value of option `key` (as typed, `mem-gb`) came from the config file rather than the command
 * line or a built-in default. Checks that refuse an option "given" where it cannot apply ask this: a file's
 * defaults must not make a command line fail.
 */
export function isFromConfig(argv: object, key: string): boolean {
  return (argv as ArgvWithConfig)[CONFIG_SOURCED]?.has(key) ?? false;
}

/** Whether `--key` (or an alias, or `--no-key`) is on the command line. */
export function typedOnCommandLine(args: readonly string[], key: string, aliases: readonly string[] = []): boolean {
  return rawValue(args, [key, ...aliases, `no-${key}`]).isGiven;
}

// The `key: value` pairs of one YAML mapping, with their line numbers; one level of nesting (a command's section).
function entriesOf(map: Node, lines: LineCounter, depth: number): RawEntry[] {
  if (!isMap(map)) return [];
  return map.items.map((pair) => {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const line = isScalar(pair.key) && pair.key.range ? lines.linePos(pair.key.range[0]).line : 0;
    const node = pair.value as Node | null;
    const value = node === null ? null : node.toJSON();
    return depth === 0 && isMap(node) ? { key, line, value, entries: entriesOf(node, lines, 1) } : { key, line, value };
  });
}

/** The entries of a config file's text; a syntax error or a top level that is not a mapping throws ConfigError. */
export function parseConfigText(text: string, file: string): RawEntry[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const what = syntax.message.split('\n')[0].replace(/:$/, '');
    throw new ConfigError(
      `${file}: YAML syntax error: ${what}`,
      file,
      `Fix ${file} at that line (indent with spaces, no tabs; one \`option: value\` per line), or point --config elsewhere`,
    );
  }
  if (doc.contents === null) return [];
  if (!isMap(doc.contents)) {
    throw new ConfigError(
      `${file}: expected \`option: value\` lines at the top level, found ${isScalar(doc.contents) ? 'a single value' : 'a list'}`,
      file,
      'Write one `option: value` per line, e.g. `mpp: 0.5`',
    );
  }
  return entriesOf(doc.contents, lines, 0);
}

/** Which file to read: --config FILE, else $WSI_HPC_CONFIG (both must exist), else ./wsi-hpc.yaml if present. */
export function configPathOf(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): { path: string; isExplicit: boolean; via?: string } | null {
  const given = rawValue(args, ['config']);
  // `--config` without a value: yargs reports it once the program parses.
  if (given.isGiven)
    return given.text && !given.text.startsWith('-') ? { path: resolve(cwd, given.text), isExplicit: true, via: '--config' } : null;
  if (env.WSI_HPC_CONFIG) return { path: resolve(cwd, env.WSI_HPC_CONFIG), isExplicit: true, via: '$WSI_HPC_CONFIG' };
  return { path: resolve(cwd, CONFIG_FILE_NAME), isExplicit: false };
}

/** Read and check the config file for this command line, or null when there is none. Throws ConfigError (exit 2). */
export async function loadConfigFile(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  tables: () => OptionTables,
): Promise<ConfigFile | null> {
  const where = configPathOf(args, env, cwd);
  if (!where) return null;
  let text: string;
  try {
    text = await readFile(where.path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // No ./wsi-hpc.yaml is simply no config; a file named by --config or $WSI_HPC_CONFIG must be there.
    if (code === 'ENOENT' && !where.isExplicit) return null;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? String(err)})`;
    const fix = where.isExplicit
      ? `Check the path given to ${where.via}, or leave it out`
      : `Fix the permissions of ${where.path}, or name another file with --config`;
    throw new ConfigError(`Config file ${where.path}${where.via ? ` (from ${where.via})` : ''} ${why}`, where.path, fix);
  }
  return normalizeConfig(parseConfigText(text, where.path), tables(), where.path, dirname(where.path));
}
