// Published TCP ports bound to a host loopback address, under slirp4netns: forwarded by a process inside the
// container's network namespace (ns-main.ts, splice(2) relaying) instead of through libslirp's TCP stack,
// which is slower. The host side binds the listening sockets, so a taken port fails here before anything
// runs, and hands them to the forwarder as inherited fds; the forwarder, entered into the namespace with
// util-linux `nsenter`, accepts on them and connects to 127.0.0.1:<container port> inside.
// Nothing is lost: a client of a loopback address is on the host's loopback, and the server inside sees that
// client's own loopback address (libslirp showed its gateway, 10.0.2.2). Ports on other addresses stay with
// slirp4netns, which keeps a remote client's address.
import { spawn } from 'node:child_process';
import { isErrno } from '../../../sys/check.js';
import { close } from '../../../sys/fd.js';
import { listenTcp4 } from '../../../sys/net.js';
import { nodeEntryArgv } from '../../runtime/node-entry.js';
import { NetworkError } from '../errors.js';
import { stopChild } from '../handle.js';
import { portInUse } from '../port-check.js';
import type { PortMapping } from '../types.js';

export interface PortForwarder {
  pid(): number | undefined;
  stop(): Promise<void>;
}

/** Binds every mapping and starts the forwarder in the namespaces of `nsPid`; `label` goes on its command line. */
export async function startPortForwarder(nsPid: number, o: {
  userns: boolean; ports: readonly PortMapping[]; label: string;
  /** The container's own interface address, for servers that listen on it only. */
  ifaceAddr: string;
}): Promise<PortForwarder> {
  const fds: number[] = [];
  try {
    for (const p of o.ports) fds.push(listenTcp4(p.hostIp, p.hostPort));
  } catch (err) {
    for (const fd of fds) close(fd);
    if (isErrno(err, 'EADDRINUSE')) throw portInUse(o.ports[fds.length]!);
    throw err;
  }
  const argv = ['--pdeathsig', 'KILL', '--', 'nsenter', '--target', String(nsPid),
    ...(o.userns ? ['--user', '--preserve-credentials'] : []), '--net', '--',
    ...nodeEntryArgv(import.meta.url, './ns-main.js'), o.label, String(process.pid), o.ifaceAddr, ...o.ports.map((p) => String(p.containerPort))];
  // This process never accepts on the sockets: until the forwarder does, connections wait in their backlog.
  let child;
  try {
    child = spawn('setpriv', argv, { stdio: ['ignore', 'ignore', 'pipe', ...fds], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  } finally {
    for (const fd of fds) close(fd);
  }
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-2048); });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) => reject(new NetworkError(`cannot start the port forwarder: ${err.message}`, 'install util-linux (setpriv, nsenter)')));
  });
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) process.emitWarning(`the port forwarder of ${o.label} exited (${signal ?? code}) ${stderr.trim()}`);
  });
  return {
    pid: () => (child.exitCode === null && child.signalCode === null ? child.pid : undefined),
    stop: () => { stopping = true; return stopChild(child, 1000); },
  };
}
