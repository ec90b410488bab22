// Build errors: a Containerfile syntax error points at file:line and quotes the offending text; a failed step
// names the step. Both are MYCTR_BUILD (exit 125), except a RUN whose command failed: the build exits with that
// command's status (as `podman build` does) and the message names it too.
import { MyctrError } from '../runtime/errors.js';

/** Where an instruction came from, for messages (`Containerfile:12`). */
export interface SourcePos { file: string; line: number }

export class DockerfileSyntaxError extends MyctrError {
  override name = 'DockerfileSyntaxError';
  constructor(readonly pos: SourcePos, what: string, text: string, hint?: string) {
    super('MYCTR_BUILD', `${pos.file}:${pos.line}: ${what}${text ? `: \`${clip(text)}\`` : ''}`, { hint });
  }
}

export class BuildError extends MyctrError {
  override name = 'BuildError';
  /** The failed RUN's exit status, which becomes myctr's (cli/main.ts `exitCodeFor`); unset → 125. */
  readonly exitCode: number | undefined;
  constructor(message: string, opts: { hint?: string; cause?: unknown; exitCode?: number } = {}) {
    super('MYCTR_BUILD', message, { hint: opts.hint, cause: opts.cause });
    this.exitCode = opts.exitCode;
  }
}

function clip(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 77)}...` : one;
}
