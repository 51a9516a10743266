// POSIX shell quoting: every value placed in a generated script goes through here. Pure.

/** Quote `value` as one shell word: single quotes, with embedded single quotes as '\''. */
export function shellQuote(value: string): string {
  if (value === '') return "''";
  if (/^[A-Za-z0-9_/.,:=@%+-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A value for an `#SBATCH --opt=value` line, which sbatch splits itself: refuse what it can't hold. */
export function validateDirectiveValue(name: string, value: string): string {
  if (/[\s'"\\`$\n]/.test(value)) {
    throw new Error(
      `#SBATCH --${name} value \`${value}\` contains whitespace, quotes, \`$\` or backslashes; pass it on the sbatch command line instead`,
    );
  }
  return value;
}
