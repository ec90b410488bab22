// Finds the program to exec inside the container: a path as given, else the first executable match in the
// container's $PATH. Distinguishes Docker's 127 (not found) from 126 (found, not executable).
import { accessSync, constants, statSync } from 'node:fs';
import { posix } from 'node:path';
import { MyctrError } from '../errors.js';
import { DEFAULT_PATH } from '../setup/defaults.js';

export class ExecLookupError extends MyctrError {
  override name = 'ExecLookupError';
  constructor(readonly exitCode: 126 | 127, message: string, hint: string) {
    super(exitCode === 127 ? 'MYCTR_COMMAND_NOT_FOUND' : 'MYCTR_CANNOT_EXECUTE', message, { hint });
  }
}

function canExec(path: string): 'ok' | 'missing' | 'denied' | 'dir' {
  let st;
  try { st = statSync(path); } catch { return 'missing'; }
  if (st.isDirectory()) return 'dir';
  try { accessSync(path, constants.X_OK); return 'ok'; } catch { return 'denied'; }
}

export function lookupExecutable(cmd: string, env: readonly string[], cwd: string): string {
  if (cmd.includes('/')) {
    const path = posix.resolve(cwd, cmd);
    const r = canExec(path);
    if (r === 'ok') return path;
    if (r === 'missing') throw new ExecLookupError(127, `exec \`${cmd}\`: no such file or directory`, 'check the command and the image');
    throw new ExecLookupError(126, `exec \`${cmd}\`: ${r === 'dir' ? 'is a directory' : 'permission denied'}`,
      'the file must be an executable the container user may run');
  }
  const pathVar = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
  let denied: string | undefined;
  for (const dir of pathVar.split(':')) {
    const candidate = posix.join(dir || '.', cmd);
    const r = canExec(candidate);
    if (r === 'ok') return candidate;
    if (r === 'denied') denied ??= candidate;
  }
  if (denied) throw new ExecLookupError(126, `exec \`${denied}\`: permission denied`, 'the file must be executable by the container user');
  throw new ExecLookupError(127, `exec \`${cmd}\`: executable file not found in $PATH`, 'check the command name and the image\'s PATH');
}
