// Every CLI command, listed explicitly.
import type { CommandModule } from 'yargs';

export const commands: CommandModule<any, any>[] = [];
