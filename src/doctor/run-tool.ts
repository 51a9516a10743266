// Runs one external command for a check with a hard time limit (a hung `scontrol` must not hang doctor):
// missing commands, time-outs and exit codes come back as data, never as a throw.
import { execa } from 'execa';

export interface ToolResult {
  /** The command is not on PATH (ENOENT). */
  isMissing: boolean;
  isTimedOut: boolean;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export async function runTool(cmd: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv): Promise<ToolResult> {
  const r = await execa(cmd, args, {
    reject: false,
    timeout: timeoutMs,
    env,
    extendEnv: false,
    stdin: 'ignore',
    forceKillAfterDelay: 1000,
  });
  const isMissing = (r as { code?: string }).code === 'ENOENT' || /ENOENT/.test(String(r.originalMessage ?? ''));
  return {
    isMissing,
    isTimedOut: Boolean(r.timedOut),
    exitCode: r.exitCode ?? null,
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
  };
}

/** "`cmd args` timed out after N s" / "exited with 1: <stderr>": why a command did not answer. */
export function describeToolFailure(cmd: string, r: ToolResult, timeoutMs: number): string {
  if (r.isTimedOut) return `\`${cmd}\` did not answer within ${timeoutMs / 1000} s`;
  const said = (r.stderr || r.stdout).trim().split('\n')[0];
  return `\`${cmd}\` exited with ${r.exitCode ?? 'a signal'}${said ? `: ${said}` : ''}`;
}
