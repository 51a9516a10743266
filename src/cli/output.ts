// How every command talks to the user: one JSON document on stdout with --json,
// human text otherwise; logs and warnings on stderr; errors mapped to exit codes.
import { WsiHpcError } from '../errors.js';
import { describeFsError } from '../util/fs-errors.js';
import { withFlagNames } from './flag-names.js';

export interface OutputFlags {
  json?: boolean;
  quiet?: boolean;
  /** yargs' command words (`['plan']`): library option names in errors are mapped to that command's flags. */
  _?: ReadonlyArray<string | number>;
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

/** Exit 2 for usage, validation and refused requests; 1 for everything else. */
function exitCodeFor(e: WsiHpcError | null): number {
  return e?.code === 'INVALID_OPTION' || e?.code === 'RESOURCE_LIMIT' ? 2 : 1;
}

/**
 * Print an error the way the flags ask and set the exit code. Never a stack trace: file-system errors
 * become FS_* errors naming the path; anything else unexpected prints its message and asks for a report
 * (the stack only with WSI_HPC_DEBUG=1).
 */
export function reportError(flags: OutputFlags, thrown: unknown): void {
  const err = withFlagNames(thrown, flags._?.[0] === undefined ? undefined : String(flags._[0]));
  const e = err instanceof WsiHpcError ? err : describeFsError(err);
  const message = e ? e.message : `${err instanceof Error ? err.message : String(err)} (internal error: please report)`;
  if (flags.json) {
    printJson({ error: e ? e.toJSON() : { code: 'INTERNAL', message } });
  } else {
    process.stderr.write(`error: ${message}\n`);
    if (e?.hint) process.stderr.write(`hint: ${e.hint}\n`);
  }
  if (process.env.WSI_HPC_DEBUG === '1') {
    const original = e && e !== err ? err : (e?.cause ?? err);
    if (original instanceof Error && original.stack) process.stderr.write(`${original.stack}\n`);
  }
  process.exitCode ??= exitCodeFor(e);
}

export function shouldShowProgress(flags: OutputFlags): boolean {
  return Boolean(process.stderr.isTTY) && !flags.json && !flags.quiet;
}
