// The port forwarder inside a container's network namespace (started by host.ts through `nsenter`): fds 3,
// 4, … are listening sockets of the host's namespace, one per port argument; each accepted connection is joined
// to a new connection to 127.0.0.1:<port>, made here, inside, and relayed with splice(2) (relay.ts).
// argv: <label> <owner pid> <port>...
import { Server, connect, type Socket } from 'node:net';
import { setParentDeathSignal } from '../../../sys/process.js';
import { SpliceRelay } from './relay.js';

const [, , label, ownerArg, ...portArgs] = process.argv;
process.title = `myctr-portfwd ${label ?? ''}`;
// Entering the user namespace changed our credentials, which clears the parent-death signal that setpriv
// set: arm it again, then make sure the owner did not die before that.
setParentDeathSignal(9);
if (process.ppid !== Number(ownerArg)) process.exit(1);

const relay = new SpliceRelay();

function forward(client: Socket, port: number): void {
  const upstream = connect({ host: '127.0.0.1', port });
  // Paused before it connects: Node never reads it, the relay does.
  upstream.pause();
  // Nobody listens inside (yet): the client sees its connection closed, as with a direct connection.
  upstream.once('error', () => { client.destroy(); upstream.destroy(); });
  client.once('error', () => { client.destroy(); upstream.destroy(); });
  upstream.once('connect', () => relay.add(client, upstream));
}

portArgs.forEach((arg, i) => {
  const port = Number(arg);
  const server = new Server({ pauseOnConnect: true }, (client) => forward(client, port));
  server.on('error', (err) => { process.stderr.write(`port ${port}: ${err.message}\n`); process.exit(1); });
  server.listen({ fd: 3 + i });
});
