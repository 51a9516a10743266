// The yargs program: lists every command module explicitly (ESM + commandDir don't mix), applies the
// option-value rules of options.ts to every command, and stops on any usage error with exit code 2
// before a handler runs (nothing read, nothing written).
import yargs from 'yargs';
import type { CommandModule } from 'yargs';
import { OptionError } from '../errors.js';
import { commands } from './commands/index.js';
import { ConfigPrinted, configMiddleware, createConfigState, withConfigDefaults } from './config-apply.js';
import { ConfigError, loadConfigFile, type ConfigFile } from './config-file.js';
import { optionTablesOf } from './config-options.js';
import { printJson, reportError } from './output.js';
import { UsageError, optionsOf, suggestOptions, validateOptionValues, withRequiredValues } from './options.js';

// The top-level command named on the command line (its first word that is not an option).
function commandOf(args: readonly string[]): CommandModule | undefined {
  const first = args.find((a) => !a.startsWith('-'));
  return (commands as CommandModule[]).find((c) => String(c.command).split(' ')[0] === first);
}

// yargs' own wording, made to name the option as the user typed it.
function usageMessage(msg: string, args: readonly string[]): string {
  const positional = /^Not enough non-option arguments: got (\d+), need at least (\d+)$/.exec(msg);
  const usage = String(commandOf(args)?.command ?? '');
  // Commands with subcommands (model) count their own positionals; keep yargs' wording there.
  if (positional && usage && !usage.includes('<command>')) {
    const absent = usage
      .split(' ')
      .filter((w) => w.startsWith('<'))
      .slice(Number(positional[1]));
    if (absent.length) return `Missing ${absent.map((w) => `\`${w}\``).join(', ')}: wsi-hpc ${usage}`;
  }
  const missingValue = /^Not enough arguments following: (.+)$/.exec(msg);
  if (missingValue) return `\`${missingValue[1].length === 1 ? '-' : '--'}${missingValue[1]}\` was given without a value`;
  const unknown = /^Unknown arguments?: (.+)$/.exec(msg);
  if (unknown) {
    const names = unknown[1].split(', ').map((n) => {
      const flag = [`--${n}`, `-${n}`].find((f) => args.some((a) => a === f || a.startsWith(`${f}=`)));
      return flag ? `option \`${flag}\`` : `argument \`${n}\``;
    });
    return `Unknown ${names.join(', ')}`;
  }
  const missing = /^Missing required arguments?: (.+)$/.exec(msg);
  if (missing) {
    const names = missing[1].split(', ').map((n) => `\`${n.length === 1 ? '-' : '--'}${n}\``);
    return `Missing required option${names.length > 1 ? 's' : ''} ${names.join(', ')}`;
  }
  // yargs: "Invalid values:\n  Argument: device, Given: "tpu", Choices: "auto", "cpu", "cuda"" (one line per option).
  if (/^Invalid values:/.test(msg)) {
    const lines = [...msg.matchAll(/Argument: ([\w-]+), Given: (.+), Choices: (.+)/g)].map(
      ([, name, given, choices]) => `Expected \`${name.length === 1 ? '-' : '--'}${name}\` to be one of ${choices}, received ${given}`,
    );
    if (lines.length) return lines.join('; ');
  }
  if (/^Did you mean /.test(msg)) return `Unknown command \`${args.find((a) => !a.startsWith('-')) ?? ''}\`. ${msg}`;
  return msg;
}

export function buildCli(argv: string[], config: ConfigFile | null = null) {
  const configState = createConfigState(config, argv);
  let cli = yargs(argv)
    .scriptName('wsi-hpc')
    .usage('$0 <command> [options]\n\nDeep-learning inference over whole-slide images on HPC clusters.')
    .option('json', { type: 'boolean', default: false, describe: 'Machine-readable output: one JSON document on stdout' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Only errors on stderr' })
    .option('config', { type: 'string', describe: 'Option defaults from this YAML file (default ./wsi-hpc.yaml; also $WSI_HPC_CONFIG)' })
    .option('print-config', { type: 'boolean', default: false, describe: 'Print the merged options and where each came from; do nothing' })
    .middleware(configMiddleware(configState) as never, false)
    .demandCommand(1, 'Give a command; see --help.')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .check((parsed, options) => validateOptionValues(parsed, options, argv), true)
    // Throwing here stops yargs before the command's handler runs; runCli reports it.
    .fail((msg, err) => {
      // yargs' own parse errors (YError) are usage errors too; anything else is reported as it is.
      if (err && err.name !== 'YError') throw err;
      const unknown = /^Unknown arguments?: (.+)$/.exec(msg)?.[1].split(', ');
      // The instance holds the options of the command being parsed (builders run on it).
      const known = Object.keys(optionsOf(cli).key);
      throw new UsageError(usageMessage(msg ?? err?.message ?? '', argv), unknown ? suggestOptions(unknown, known) : undefined);
    });
  for (const command of commands) cli = cli.command(withConfigDefaults(withRequiredValues(command as CommandModule), configState));
  return cli;
}

// --json is looked for in the raw arguments: a usage error means yargs' parse cannot be trusted.
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--json' || a === '--json=true');
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    // The config file is read and checked before the program parses: a bad file stops every command (exit 2).
    const config = commandOf(argv) ? await loadConfigFile(argv, process.env, process.cwd(), () => optionTablesOf(commands)) : null;
    await buildCli(argv, config).parseAsync();
  } catch (err) {
    if (err instanceof ConfigPrinted) return;
    if (err instanceof ConfigError) {
      process.exitCode = 2;
      return reportError({ json: wantsJson(argv) }, err);
    }
    if (!(err instanceof UsageError || err instanceof OptionError)) return reportError({ json: wantsJson(argv) }, err);
    const command = String(commandOf(argv)?.command ?? '').split(' ')[0];
    const hint = `${err.hint ? `${err.hint.replace(/[^.?!]$/, '$&.')} ` : ''}Run \`wsi-hpc ${command ? `${command} ` : ''}--help\` for usage.`;
    if (wantsJson(argv)) printJson({ error: { ...err.toJSON(), hint } });
    else process.stderr.write(`error: ${err.message}\n${hint}\n`);
    process.exitCode = 2;
  }
}
