// A TCP client for tests: send bytes to 127.0.0.1:port, half-close, and read the answer until the server closes.
import { connect } from 'node:net';

export function sendAndRead(port: number, data: Buffer, localAddress?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, allowHalfOpen: true, ...(localAddress ? { localAddress } : {}) });
    let out = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => { out += d; });
    s.on('end', () => resolve(out));
    s.on('error', reject);
    s.end(data);
  });
}
