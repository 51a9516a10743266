// Rules every command's options obey, applied in one place (index.ts): an option that takes a value
// must be given one, numbers must be finite, strings non-empty, and a single-valued option given once.
// Commands declare their own options; they never repeat these checks.
import type { Argv, CommandModule } from 'yargs';
import { OptionError, WsiHpcError } from '../errors.js';

/** A command line yargs could not parse (unknown option, missing value or required argument): exit 2, nothing done. */
export class UsageError extends WsiHpcError {
  constructor(message: string, hint?: string) {
    super('USAGE', message, { hint });
    this.name = 'UsageError';
  }
}

export type ParsedOptions = {
  key: Record<string, unknown>;
  boolean: string[];
  count: string[];
  number: string[];
  string: string[];
  array: string[];
  alias: Record<string, string[]>;
};

/** What yargs knows of the options declared so far (`getOptions()`, which its types leave out). */
export function optionsOf(y: unknown): ParsedOptions {
  return (y as { getOptions(): ParsedOptions }).getOptions();
}

/** Every option of `y` that is not a flag must be followed by a value (`--out` at the end is an error). */
export function requireValues<T>(y: Argv<T>): Argv<T> {
  const o = optionsOf(y);
  const flags = new Set([...o.boolean, ...o.count, 'help', 'version']);
  const keys = Object.keys(o.key).filter((k) => !flags.has(k));
  return keys.length ? y.requiresArg(keys) : y;
}

/** The same command with requireValues applied after its own builder. */
export function withRequiredValues<T, U>(command: CommandModule<T, U>): CommandModule<T, U> {
  const builder = command.builder;
  if (typeof builder !== 'function') return command;
  return { ...command, builder: (y: Argv<T>) => requireValues(builder(y) as Argv<U>) as never };
}

/** Whether `--name` (or an alias) is on the command line, and the text given for it (last occurrence). */
export function rawValue(args: readonly string[], names: readonly string[]): { isGiven: boolean; text?: string } {
  let found: { isGiven: boolean; text?: string } = { isGiven: false };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') break;
    for (const n of names) {
      const flag = n.length === 1 ? `-${n}` : `--${n}`;
      if (args[i] === flag) found = { isGiven: true, text: args[i + 1] };
      else if (args[i].startsWith(`${flag}=`)) found = { isGiven: true, text: args[i].slice(flag.length + 1) };
    }
  }
  return found;
}

const flagName = (k: string) => (k.length === 1 ? `-${k}` : `--${k}`);

/**
 * Values yargs accepts but no command can use: NaN or infinite numbers (`--stride abc`), empty values
 * (`--out=`), and a single-valued option given twice (yargs would pass an array). Throws an OptionError
 * naming the option; returns true for yargs' `.check()`.
 */
export function validateOptionValues(argv: Record<string, unknown>, options: unknown, args: readonly string[]): true {
  const o = options as ParsedOptions;
  const aliasesOf = (k: string) => [k, ...(o.alias[k] ?? [])];
  const seen = new Set<string>();
  for (const k of Object.keys(o.key)) {
    if (seen.has(k)) continue;
    for (const a of aliasesOf(k)) seen.add(a);
    const v = argv[k];
    if (v === undefined || o.boolean.includes(k) || o.count.includes(k)) continue;
    const raw = rawValue(args, aliasesOf(k));
    if (Array.isArray(v) && !o.array.includes(k)) {
      throw new OptionError(
        `\`${flagName(k)}\` was given ${v.length} times (${v.map((x) => `\`${String(x)}\``).join(', ')}); it takes one value`,
        `Give ${flagName(k)} once`,
      );
    }
    const values = Array.isArray(v) ? v : [v];
    if (o.number.includes(k)) {
      if (raw.isGiven && (raw.text ?? '').trim() === '') throw new OptionError(`\`${flagName(k)}\` was given without a value`);
      for (const x of values) {
        if (typeof x !== 'number' || !Number.isFinite(x)) {
          throw new OptionError(`Expected \`${flagName(k)}\` to be a number, received \`${raw.text ?? String(x)}\``);
        }
      }
    } else if (values.some((x) => typeof x === 'string' && x.trim() === '')) {
      // Not on the command line as a flag: an empty positional argument such as `wsi-hpc pack ''`.
      const name = raw.isGiven ? flagName(k) : `<${k}>`;
      throw new OptionError(`\`${name}\` was given an empty value`, `Give ${name} a value`);
    }
  }
  return true;
}

// Edit distance between two option names, for "did you mean" on a misspelt option.
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** `Did you mean --stride?` for each unknown name close to a known option (at most 2 edits), or undefined. */
export function suggestOptions(unknown: readonly string[], known: readonly string[]): string | undefined {
  const picks = unknown
    .map((u) => known.map((k) => ({ k, d: distance(u, k) })).sort((x, y) => x.d - y.d)[0])
    .filter((p) => p && p.d <= 2 && p.k.length > 1)
    .map((p) => `--${p.k}`);
  return picks.length ? `Did you mean ${[...new Set(picks)].join(', ')}?` : undefined;
}
