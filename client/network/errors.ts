// Errors of network set-up: one message naming the tool or resource, one hint saying what to do.
import { MyctrError } from '../runtime/errors.js';

export class NetworkError extends MyctrError {
  override name = 'NetworkError';
  constructor(message: string, hint: string, cause?: unknown) {
    super('MYCTR_NETWORK', message, { hint, ...(cause !== undefined ? { cause } : {}) });
  }
}

export function tunError(code: string): NetworkError {
  return new NetworkError(`cannot open \`/dev/net/tun\`: ${code}`,
    'user-mode networking needs /dev/net/tun readable and writable by you: `sudo chmod 0666 /dev/net/tun` (the Debian default), or use --network none|host');
}
