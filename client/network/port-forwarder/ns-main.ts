// The port forwarder inside a container's network namespace (started by host.ts through `nsenter`): fds 3,
// 4, … are listening sockets of the host's namespace, one per port argument; each accepted connection is joined
// to a new connection to 127.0.0.1:<port>, made here, inside, from the client's own address (every 127/8
// address exists on the namespace's loopback too, so the server inside sees exactly who connected), and relayed
// with splice(2) (relay.ts). A server bound only to the container's interface address is reached there
// instead (from that interface's address: a loopback source cannot leave lo). argv: <label> <owner pid>
// <interface address> <port>...
import { Server, connect, type Socket } from 'node:net';
import { setParentDeathSignal } from '../../../sys/process.js';
import { SpliceRelay } from './relay.js';

const [, , label, ownerArg, ifaceAddr, ...portArgs] = process.argv;
process.title = `myctr-portfwd ${label ?? ''}`;
// Entering the user namespace changed our credentials, which clears the parent-death signal that setpriv
// set: arm it again, then make sure the owner did not die before that.
setParentDeathSignal(9);
if (process.ppid !== Number(ownerArg)) process.exit(1);

const relay = new SpliceRelay();

function forward(client: Socket, port: number): void {
  client.on('error', () => client.destroy());
  const attempt = (host: string, localAddress: string | undefined, fallback: boolean): void => {
    const upstream = connect({ host, port, ...(localAddress ? { localAddress } : {}) });
    // Paused before it connects: Node never reads it, the relay does.
    upstream.pause();
    upstream.once('error', (err: NodeJS.ErrnoException) => {
      upstream.destroy();
      if (fallback && err.code === 'ECONNREFUSED' && ifaceAddr) attempt(ifaceAddr, undefined, false);
      // Nobody listens inside (yet): the client sees its connection closed, as with a direct connection.
      else client.destroy();
    });
    upstream.once('connect', () => {
      // From here the relay owns both; Node neither reads nor writes them, but an error event without a
      // listener would end this process and every other connection with it.
      // Nor may an error close a socket under the relay, which closes both itself.
      if (client.destroyed) { upstream.destroy(); return; }
      for (const s of [client, upstream]) { s.removeAllListeners('error'); s.on('error', () => undefined); }
      relay.add(client, upstream);
    });
  };
  attempt('127.0.0.1', client.remoteAddress, true);
}

portArgs.forEach((arg, i) => {
  const port = Number(arg);
  const server = new Server({ pauseOnConnect: true }, (client) => forward(client, port));
  server.on('error', (err) => { process.stderr.write(`port ${port}: ${err.message}\n`); process.exit(1); });
  server.listen({ fd: 3 + i });
});
