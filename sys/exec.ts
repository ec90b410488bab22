// execve(2). Returns only by throwing. Stdio is made to survive the exec here because Node sets FD_CLOEXEC
// on fds 0-2 (STYLE §0.4); every other fd is the caller's business (closeRange/setCloexec in fd.ts).
import { check, cString, isErrno } from './check.js';
import { setCloexec } from './fd.js';
import * as libc from './libc.js';

/**
 * Replaces the process image with `path` (no PATH lookup), passing `argv` (argv[0] included) and `env`
 * ('KEY=value' strings). FD_CLOEXEC is cleared on 0, 1 and 2 first (closed ones are skipped). Throws
 * SyscallError, e.g. "execve `/nope`: ENOENT (no such file or directory)", if the kernel refuses.
 */
export function execve(path: string, argv: readonly string[], env: readonly string[]): never {
  const cArgv = [...argv.map((a) => cString('argument', a)), null];
  const cEnv = [...env.map((e) => cString('environment entry', e)), null];
  cString('path', path);
  for (const fd of [0, 1, 2]) {
    try {
      setCloexec(fd, false);
    } catch (err) {
      if (!isErrno(err, 'EBADF')) throw err;
    }
  }
  check('execve', `\`${path}\``, libc.execve(path, cArgv, cEnv));
  // execve returns only on failure, and check() throws on -1; anything else is a broken libc.
  throw new Error(`execve \`${path}\` returned without an error`);
}
