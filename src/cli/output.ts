// How every command talks to the user: one JSON document on stdout with --json,
// human text otherwise; logs and warnings on stderr; errors mapped to exit codes.
import { WsiHpcError } from '../errors.js';

export interface OutputFlags {
  json?: boolean;
  quiet?: boolean;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function log(flags: OutputFlags, message: string): void {
  if (!flags.quiet) process.stderr.write(`${message}\n`);
}

export function warn(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

/** Print an error the way the flags ask and set the exit code (2 for option errors, 1 otherwise). */
export function reportError(flags: OutputFlags, err: unknown): void {
  const e = err instanceof WsiHpcError ? err : null;
  if (flags.json) {
    const payload = e ? e.toJSON() : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
    printJson({ error: payload });
  } else {
    process.stderr.write(`error: ${e ? e.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    if (e?.hint) process.stderr.write(`hint: ${e.hint}\n`);
  }
  process.exitCode ??= e?.code === 'INVALID_OPTION' ? 2 : 1;
}

export function shouldShowProgress(flags: OutputFlags): boolean {
  return Boolean(process.stderr.isTTY) && !flags.json && !flags.quiet;
}
