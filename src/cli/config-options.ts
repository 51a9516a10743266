// What each command accepts, read from the yargs builders themselves (never a hand-kept list), so the
// config file is checked against exactly the options the command line takes. Positionals are left out.
import yargs from 'yargs';
import type { CommandModule } from 'yargs';
import { optionsOf } from './options.js';

export type OptionKind = 'boolean' | 'number' | 'string' | 'array';

export interface OptionSpec {
  kind: OptionKind;
  /** Allowed values, when the option declares `choices`. */
  choices?: readonly unknown[];
  /** Other names of the option (`m` for `model`). */
  aliases: readonly string[];
}

/** Command name (`plan`) -> option name as typed (`patch-size`) -> what it takes. */
export type OptionTables = Readonly<Record<string, Readonly<Record<string, OptionSpec>>>>;

/** Options of the program itself that a config file may set for every command. */
const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = { quiet: { kind: 'boolean', aliases: ['q'] } };

/** yargs' own options, never set from a file. */
const BUILT_IN = new Set(['help', 'version']);

/** The first word of a command module's `command` string (`plan <slides..>` -> `plan`). */
export const commandNameOf = (c: Pick<CommandModule, 'command'>): string => String(c.command).split(' ')[0];

// `plan <slides..>` -> ['slides']: positionals are arguments, not options a file could default.
function positionalsOf(c: Pick<CommandModule, 'command'>): string[] {
  return [...String(c.command).matchAll(/[<[]([\w-]+)(?:\.\.)?[>\]]/g)].map((m) => m[1]);
}

/** Each command's options, by running its builder on a throwaway yargs instance. */
export function optionTablesOf(commands: readonly Pick<CommandModule, 'command'>[]): OptionTables {
  const tables: Record<string, Record<string, OptionSpec>> = {};
  for (const c of commands as CommandModule[]) {
    const table: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS };
    const builder = c.builder;
    if (typeof builder === 'function') {
      const y = yargs([]);
      const built = builder(y) ?? y;
      const o = optionsOf(built);
      const aliasNames = new Set(Object.values(o.alias).flat());
      const skip = new Set([...BUILT_IN, ...positionalsOf(c)]);
      const choices = (o as unknown as { choices: Record<string, unknown[]> }).choices ?? {};
      for (const k of Object.keys(o.key)) {
        if (skip.has(k) || aliasNames.has(k)) continue;
        const kind: OptionKind = o.array.includes(k)
          ? 'array'
          : o.boolean.includes(k)
            ? 'boolean'
            : o.number.includes(k)
              ? 'number'
              : 'string';
        table[k] = { kind, choices: choices[k], aliases: o.alias[k] ?? [] };
      }
    }
    tables[commandNameOf(c)] = table;
  }
  return tables;
}
