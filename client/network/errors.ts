// Errors of network set-up: one message naming the tool or resource, one hint saying what to do.
import { MyctrError } from '../runtime/errors.js';

export class NetworkError extends MyctrError {
  override name = 'NetworkError';
  constructor(message: string, hint: string, cause?: unknown) {
    super('MYCTR_NETWORK', message, { hint, ...(cause !== undefined ? { cause } : {}) });
  }
}

/** `code` is the errno name of opening /dev/net/tun read-write (tools.ts tunProblem). */
export function tunError(code: string): NetworkError {
  const missing = code === 'ENOENT' || code === 'ENODEV' || code === 'ENXIO';
  return new NetworkError(`cannot open \`/dev/net/tun\`: ${code}`, missing
    ? 'user-mode networking needs the tun device: `sudo modprobe tun` and, if the node is still missing, `sudo mknod -m 0666 /dev/net/tun c 10 200`; or use --network none|host'
    : 'user-mode networking needs /dev/net/tun readable and writable by you: `sudo chmod 0666 /dev/net/tun` (the Debian default), or use --network none|host');
}
