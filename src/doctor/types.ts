// The data of `wsi-hpc doctor`: one result per check, and the report over all of them. No behaviour here.

/** ok: works; warn: works with a caveat; fail: wsi-hpc cannot work this way; absent: an optional part is not installed. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'absent';

export interface CheckResult {
  /** Stable id for scripts, e.g. `node`, `slurm`, `ort-cuda`. */
  id: string;
  status: CheckStatus;
  /** One line: what was found. */
  finding: string;
  /** When not ok: what it means for wsi-hpc (what is lost or at risk). */
  detail?: string;
  /** When not ok: how to fix it, as commands where possible. */
  fix?: string;
  /** The values behind the finding, for scripts (versions, limits, byte counts). */
  data?: Record<string, unknown>;
}

export interface DoctorReport {
  checks: CheckResult[];
  /** True when no check is `fail`. */
  ok: boolean;
}

export interface DoctorOptions {
  /** The run folder whose file system and free space are checked; the current directory when absent. */
  runDir?: string;
  /** Seconds each check (and each command it runs) may take. @default 10 */
  timeoutS: number;
  env: NodeJS.ProcessEnv;
}
