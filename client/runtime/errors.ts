// The MyctrError hierarchy: every failure myctr reports to a user is one of these, with a stable `code`,
// a lowercase one-line `message` and an optional `hint` saying what to do. Exit codes are decided in cli/main.ts.

/** Stable error codes; documented in docs/ERRORS.md. Match on `code`, never on `instanceof` across processes. */
export type MyctrErrorCode =
  | 'MYCTR_SYSCALL'
  | 'MYCTR_USAGE'
  | 'MYCTR_NOT_FOUND'
  | 'MYCTR_CONFLICT'
  | 'MYCTR_INVALID_STATE'
  | 'MYCTR_CREATE_FAILED'
  | 'MYCTR_SETUP_FAILED'
  | 'MYCTR_PROTOCOL'
  | 'MYCTR_INIT_DIED'
  | 'MYCTR_USERNS_UNAVAILABLE'
  | 'MYCTR_IDMAP'
  | 'MYCTR_IMAGE'
  | 'MYCTR_CANNOT_EXECUTE'
  | 'MYCTR_COMMAND_NOT_FOUND'
  | 'MYCTR_MISSING_TOOL'
  | 'MYCTR_UNSUPPORTED'
  | 'MYCTR_NETWORK'
  | 'MYCTR_BUILD'
  | 'MYCTR_INTERNAL';

export interface ErrorOptions { cause?: unknown; hint?: string | undefined }

export class MyctrError extends Error {
  override name = 'MyctrError';
  readonly hint: string | undefined;
  constructor(readonly code: MyctrErrorCode, message: string, opts: ErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.hint = opts.hint;
  }
}

/** Bad command-line input: an option, a spec, a reference the user typed. */
export class UsageError extends MyctrError {
  override name = 'UsageError';
  constructor(message: string, hint?: string) { super('MYCTR_USAGE', message, { hint }); }
}

/** A named thing (image, container, user, file) does not exist. */
export class NotFoundError extends MyctrError {
  override name = 'NotFoundError';
  constructor(message: string, hint?: string) { super('MYCTR_NOT_FOUND', message, { hint }); }
}

/** A name or resource already taken. */
export class ConflictError extends MyctrError {
  override name = 'ConflictError';
  constructor(message: string, hint?: string) { super('MYCTR_CONFLICT', message, { hint }); }
}

/** A required host tool (newuidmap, unshare, mmdebstrap…) is missing. */
export class MissingToolError extends MyctrError {
  override name = 'MissingToolError';
  constructor(tool: string, hint: string) { super('MYCTR_MISSING_TOOL', `\`${tool}\` not found`, { hint }); }
}

/** Container creation failed; carries the cleanup errors from the rollback stack (youki style). */
export class CreateContainerError extends MyctrError {
  override name = 'CreateContainerError';
  constructor(readonly runError: unknown, readonly cleanupErrors: readonly Error[]) {
    super(
      runError instanceof MyctrError ? runError.code : 'MYCTR_CREATE_FAILED',
      messageOf(runError) +
        (cleanupErrors.length ? `; errors during cleanup: ${cleanupErrors.map(messageOf).join('; ')}` : ''),
      { cause: runError, hint: runError instanceof MyctrError ? runError.hint : undefined },
    );
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function hintOf(err: unknown): string | undefined {
  return err instanceof MyctrError ? err.hint : undefined;
}
