// Files of the supervisor in the run root: its socket, the lock that serialises starting it, and its own log;
// a container's attach socket (stdin of a -i container) in its run dir. Pure: the CLI imports it without koffi.
import { join } from 'node:path';
import type { MyctrPaths } from '../../../paths.js';

export const supervisorSocketPath = (p: MyctrPaths): string => join(p.runRoot, 'supervisor.sock');
export const supervisorLockPath = (p: MyctrPaths): string => join(p.runRoot, 'supervisor.lock');
export const supervisorLogPath = (p: MyctrPaths): string => join(p.runRoot, 'supervisor.log');
export const attachSocketPath = (runDir: string): string => join(runDir, 'attach.sock');
