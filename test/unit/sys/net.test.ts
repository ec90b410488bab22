// sys/net.ts listenTcp4: a listening socket as a plain fd — connections complete into its backlog without
// anyone accepting, it holds its port against other binds, and a taken port is EADDRINUSE.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Server, connect, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { isErrno } from '../../../sys/check.js';
import { close } from '../../../sys/fd.js';
import { listenTcp4 } from '../../../sys/net.js';

async function freePort(): Promise<number> {
  const s = new Server().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as AddressInfo).port;
  s.close();
  await once(s, 'close');
  return port;
}

test('listens without accepting, and holds the port', async () => {
  const port = await freePort();
  const fd = listenTcp4('127.0.0.1', port);
  try {
    const c = connect({ host: '127.0.0.1', port });
    await once(c, 'connect'); // completed by the kernel into the backlog
    c.destroy();
    const other = new Server().listen(port, '127.0.0.1');
    const [err] = await once(other, 'error') as [NodeJS.ErrnoException];
    assert.equal(err.code, 'EADDRINUSE');
  } finally {
    close(fd);
  }
});

test('a taken port is EADDRINUSE; a bad address is refused', async () => {
  const s = new Server().listen(0, '127.0.0.1');
  await once(s, 'listening');
  try {
    assert.throws(() => listenTcp4('127.0.0.1', (s.address() as AddressInfo).port), (e) => isErrno(e, 'EADDRINUSE'));
  } finally {
    s.close();
  }
  assert.throws(() => listenTcp4('::1', 80), /not an IPv4 address/);
});
