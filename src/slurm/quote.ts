// POSIX shell quoting: every value placed in a generated script goes through here. Pure.
import { OptionError } from '../errors.js';

/** Quote `value` as one shell word: single quotes, with embedded single quotes as '\''. */
export function shellQuote(value: string): string {
  if (value === '') return "''";
  if (/^[A-Za-z0-9_/.,:=@%+-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A value for an `#SBATCH --opt=value` line, which sbatch splits itself: refuse what it can't hold. */
export function validateDirectiveValue(name: string, value: string): string {
  if (/[\s'"\\`$\n]/.test(value)) {
    throw new OptionError(
      `Expected \`--${name}\` to be one word without whitespace, quotes, \`$\` or backslashes (it goes on an #SBATCH line), received \`${value}\``,
      `Give the ${name} name as SLURM lists it`,
    );
  }
  return value;
}
