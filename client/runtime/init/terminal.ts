// The container's terminal, for the init and for exec: a pty from the container's own devpts instance (so
// `tty` inside shows /dev/pts/N), whose master goes to the parent over `ttyFd` (SCM_RIGHTS). Runs after the
// container's /dev is in place; static imports only.
import { close, openPath } from '../../../sys/fd.js';
import { openPtyMaster } from '../../../sys/pty.js';
import { sendFds } from '../../../sys/socket.js';

const O_RDWR = 0o2, O_NOCTTY = 0o400, O_CLOEXEC = 0o2000000;

/** Opens the pty, sends its master on `ttyFd` and closes both; returns the slave fd for the workload. */
export function openContainerTerminal(ttyFd: number): number {
  const { master, slavePath } = openPtyMaster('/dev/pts/ptmx');
  const slave = openPath(slavePath, O_RDWR | O_NOCTTY | O_CLOEXEC);
  sendFds(ttyFd, [master], Buffer.from('m'));
  close(master);
  close(ttyFd);
  return slave;
}
