// Files of the supervisor in the run root: its socket, the lock that serialises starting it, and its own log.
import { join } from 'node:path';
import type { MyctrPaths } from '../../../paths.js';

export const supervisorSocketPath = (p: MyctrPaths): string => join(p.runRoot, 'supervisor.sock');
export const supervisorLockPath = (p: MyctrPaths): string => join(p.runRoot, 'supervisor.lock');
export const supervisorLogPath = (p: MyctrPaths): string => join(p.runRoot, 'supervisor.log');
