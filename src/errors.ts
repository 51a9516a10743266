// Typed errors for the whole tool: a stable code, the file concerned and a hint.
// Callers branch on `code`; the CLI prints `{"error":{code,message,file,hint}}` with --json.

export type ErrorCode =
  | 'SLIDE_UNREADABLE'
  | 'OPENSLIDE_MISSING'
  | 'CUDA_UNAVAILABLE'
  | 'SLIDE_NOT_TIFF'
  | 'SLIDE_TRUNCATED'
  | 'SLIDE_CHANGED'
  | 'TILE_CORRUPT'
  | 'UNSUPPORTED_COMPRESSION'
  | 'UNSUPPORTED_LAYOUT'
  | 'SLIDE_TOO_LARGE'
  | 'MPP_MISSING'
  | 'MASK_INVALID'
  | 'MASK_EMPTY'
  | 'RUN_INCOMPLETE'
  | 'PLAN_INVALID'
  | 'PLAN_TASK_FAILED'
  | 'INVALID_OPTION'
  | 'USAGE'
  | 'CONFIG_INVALID'
  | 'TOOL_MISSING'
  | 'SHARD_CORRUPT'
  | 'SHARD_WRITE_FAILED'
  | 'FEATURES_WRITE_FAILED'
  | 'MODEL_INVALID'
  | 'MODEL_MISMATCH'
  | 'INFER_FAILED'
  | 'UNIT_LOCKED'
  | 'UNIT_LOCK_LOST'
  | 'SHARD_MISMATCH'
  | 'PREDICTIONS_INVALID'
  | 'PREDICTIONS_MISMATCH'
  | 'MODELS_MIXED'
  | 'FS_READ_ONLY'
  | 'FS_NO_SPACE'
  | 'FS_PERMISSION'
  | 'FS_NOT_A_FOLDER'
  | 'FS_NOT_A_FILE'
  | 'RESOURCE_LIMIT'
  | 'GRID_TOO_LARGE'
  | 'UNSAFE_PATH';

export interface WsiHpcErrorOptions {
  file?: string;
  hint?: string;
  cause?: unknown;
}

export class WsiHpcError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, options: WsiHpcErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WsiHpcError';
    this.code = code;
    this.file = options.file;
    this.hint = options.hint;
  }

  toJSON(): { code: ErrorCode; message: string; file?: string; hint?: string } {
    return { code: this.code, message: this.message, file: this.file, hint: this.hint };
  }
}

/** A slide that cannot be opened or decoded: corrupt, truncated, not a TIFF, unsupported codec. */
export class SlideError extends WsiHpcError {
  constructor(code: ErrorCode, file: string, reason: string, options: Omit<WsiHpcErrorOptions, 'file'> = {}) {
    super(code, `${file}: ${reason}`, { ...options, file });
    this.name = 'SlideError';
  }
}

/** A user option that fails validation; the CLI maps it to exit code 2. */
export class OptionError extends WsiHpcError {
  constructor(message: string, hint?: string) {
    super('INVALID_OPTION', message, { hint });
    this.name = 'OptionError';
  }
}

/** Normalise anything thrown into a WsiHpcError, keeping the original as `cause`. */
export function toWsiHpcError(err: unknown, code: ErrorCode, file?: string): WsiHpcError {
  if (err instanceof WsiHpcError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new WsiHpcError(code, file ? `${file}: ${message}` : message, { file, cause: err });
}
