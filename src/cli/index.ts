// The yargs program: lists every command module explicitly (ESM + commandDir don't mix)
// and maps usage errors to exit code 2.
import yargs from 'yargs';
import type { CommandModule } from 'yargs';
import { commands } from './commands/index.js';

export function buildCli(argv: string[]) {
  let cli = yargs(argv)
    .scriptName('wsi-hpc')
    .usage('$0 <command> [options]\n\nDeep-learning inference over whole-slide images on HPC clusters.')
    .option('json', { type: 'boolean', default: false, describe: 'Machine-readable output: one JSON document on stdout' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Only errors on stderr' })
    .demandCommand(1, 'Give a command; see --help.')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      if (err) throw err;
      process.stderr.write(`error: ${msg}\nRun with --help for usage.\n`);
      process.exitCode = 2;
    });
  for (const command of commands) cli = cli.command(command as CommandModule);
  return cli;
}

export async function runCli(argv: string[]): Promise<void> {
  await buildCli(argv).parseAsync();
}
