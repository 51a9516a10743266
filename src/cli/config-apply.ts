// Hands the config file's values to yargs as defaults of the command being run (so the command line wins),
// records which values came from the file, and answers --print-config. Reading and checking: config-file.ts.
import type { Argv, CommandModule } from 'yargs';
import { Document, isMap, isScalar } from 'yaml';
import { type ArgvWithConfig, CONFIG_SOURCED, typedOnCommandLine } from './config-file.js';
import { commandNameOf } from './config-options.js';
import { type ConfigFile, type OptionSource, configValuesFor } from './config-validate.js';
import { optionsOf } from './options.js';
import { printJson } from './output.js';

/** Thrown once --print-config has printed: the CLI stops there with exit 0, having done no work. */
export class ConfigPrinted extends Error {
  constructor() {
    super('--print-config: printed');
    this.name = 'ConfigPrinted';
  }
}

/** Per command line: the loaded file, the raw arguments, and what the running command took from the file. */
export interface ConfigState {
  readonly config: ConfigFile | null;
  readonly args: readonly string[];
  command?: { name: string; positionals: readonly string[] };
  readonly applied: Map<string, OptionSource>;
}

export const createConfigState = (config: ConfigFile | null, args: readonly string[]): ConfigState => ({
  config,
  args,
  applied: new Map(),
});

/** Pairs a command refuses together: typing one on the command line sets aside the file's value of the other. */
const EXCLUSIVE: ReadonlyArray<readonly [string, string]> = [
  ['level', 'mpp'],
  ['shard-size', 'patches-per-shard'],
];

/** The same command with the file's values (its section over the top level) as defaults of the options it declares. */
export function withConfigDefaults<T, U>(command: CommandModule<T, U>, state: ConfigState): CommandModule<T, U> {
  const builder = command.builder;
  if (typeof builder !== 'function') return command;
  return {
    ...command,
    builder: (y: Argv<T>) => {
      const built = (builder(y) ?? y) as Argv<U>;
      const o = optionsOf(built);
      const name = commandNameOf(command);
      state.command = { name, positionals: [...String(command.command).matchAll(/[<[]([\w-]+)(?:\.\.)?[>\]]/g)].map((m) => m[1]) };
      for (const [key, { value, source }] of configValuesFor(state.config, name, o.key)) {
        const partner = EXCLUSIVE.find((p) => p.includes(key))?.find((k) => k !== key);
        if (partner && typedOnCommandLine(state.args, partner, o.alias[partner])) continue;
        built.default(key, value);
        state.applied.set(key, source);
      }
      return built as never;
    },
  };
}

/** Options never shown by --print-config: yargs' own and those about this one command line. */
const NOT_SHOWN = new Set(['help', 'version', 'config', 'print-config', 'json', '$0', '_']);

// Each shown option of the running command with its final value and where that came from.
function mergedOptions(
  argv: Record<string, unknown>,
  y: unknown,
  state: ConfigState,
): Array<{ key: string; value: unknown; source: OptionSource }> {
  const o = optionsOf(y);
  const aliasNames = new Set(Object.values(o.alias).flat());
  const skip = new Set([...NOT_SHOWN, ...(state.command?.positionals ?? [])]);
  const defaults = (o as unknown as { default: Record<string, unknown> }).default;
  const sourceOf = (k: string): OptionSource | undefined =>
    typedOnCommandLine(state.args, k, o.alias[k])
      ? 'command line'
      : (state.applied.get(k) ?? (Object.hasOwn(defaults, k) ? 'default' : undefined));
  // A value from none of the three is a positional argument (a subcommand's, too): not an option.
  return Object.keys(o.key)
    .filter((k) => !skip.has(k) && !aliasNames.has(k) && argv[k] !== undefined && sourceOf(k) !== undefined)
    .sort()
    .map((key) => ({ key, value: argv[key], source: sourceOf(key) ?? 'default' }));
}

/** --print-config output: YAML (a valid config section, each line commented with its source) or one JSON document. */
export function renderMergedOptions(
  command: string,
  file: string | null,
  options: ReturnType<typeof mergedOptions>,
  isJson: boolean,
): string | object {
  if (isJson) {
    return {
      command,
      configFile: file,
      options: Object.fromEntries(options.map((o) => [o.key, o.value])),
      sources: Object.fromEntries(options.map((o) => [o.key, o.source])),
    };
  }
  const doc = new Document({ [command]: Object.fromEntries(options.map((o) => [o.key, o.value])) });
  const label = (s: OptionSource) => (s === 'config section' ? `config (${command}:)` : s);
  const map = doc.get(command, true);
  if (isMap(map)) {
    for (const pair of map.items) {
      const source = options.find((o) => isScalar(pair.key) && o.key === pair.key.value)?.source ?? 'default';
      if (isScalar(pair.value)) pair.value.comment = ` ${label(source)}`;
      else if (isScalar(pair.key)) pair.key.commentBefore = ` ${label(source)}`;
    }
  }
  doc.commentBefore = ` Options of \`wsi-hpc ${command}\`: command line > config file ${command}: section > config file top level > default\n config file: ${file ?? `none (no --config, $WSI_HPC_CONFIG or ./wsi-hpc.yaml)`}`;
  return String(doc);
}

/**
 * yargs middleware (after validation: --print-config shows a command line yargs accepted): marks on argv which values came from the file (see isFromConfig),
 * and for --print-config prints the merged options and stops the command before it does anything.
 */
export function configMiddleware(state: ConfigState) {
  return (argv: Record<string, unknown>, y: unknown): void => {
    const o = optionsOf(y);
    const fromFile = new Set([...state.applied.keys()].filter((k) => !typedOnCommandLine(state.args, k, o.alias[k])));
    // A plain property: a handler's `{ ...argv }` copy keeps it (symbols stay out of Object.keys and JSON).
    (argv as ArgvWithConfig)[CONFIG_SOURCED] = fromFile;
    if (!argv['print-config']) {
      // Say where values came from, so an error about `--stride` can be traced to the file.
      if (fromFile.size && !argv.quiet && state.config) {
        process.stderr.write(`config: ${state.config.file}: ${[...fromFile].map((k) => `--${k} ${String(argv[k])}`).join(' ')}\n`);
      }
      return;
    }
    const command = state.command?.name ?? String((argv._ as unknown[])?.[0] ?? '');
    const out = renderMergedOptions(command, state.config?.file ?? null, mergedOptions(argv, y, state), argv.json === true);
    if (typeof out === 'string') process.stdout.write(out);
    else printJson(out);
    throw new ConfigPrinted();
  };
}
