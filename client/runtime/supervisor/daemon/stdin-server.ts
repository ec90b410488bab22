// The stdin of a container created with -i, held by the supervisor: a unix socket per container
// (<runDir>/attach.sock, 0600 in a 0700 dir, our own uid only by SO_PEERCRED) through which `attach`,
// `start -ai` and an attached `run` forward what they read. The first line of a connection is a JSON header
// ({"closeStdin": true} for `start -ai`/`run -i`: the client's EOF closes the container's stdin, Docker's
// StdinOnce; {"output": true}: a terminal's raw output comes back on the socket, prompts without a newline
// included, which the line-based json-file log would hold back); the reply is `ok\n`, the rest is the bytes.
// Several clients may be attached at once; each writes through.
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { getPeerCred } from '../../../../sys/socket.js';
import { attachSocketPath } from './paths.js';

export interface StdinServer { close(): void }

export function serveStdin(runDir: string, input: Writable, opts: { terminal: boolean; output?: Readable }): StdinServer {
  const path = attachSocketPath(runDir);
  const clients = new Set<Socket>();
  const watchers = new Set<Socket>();
  opts.output?.on('data', (d: Buffer | string) => { for (const w of watchers) w.write(d); });
  input.on('error', () => undefined); // the container closed its stdin (EPIPE): what clients send is dropped
  // allowHalfOpen: a client whose stdin ended still receives the terminal's output until the container exits.
  const server = createServer({ allowHalfOpen: true }, (sock) => {
    sock.on('error', () => undefined);
    // SECURITY: identity from the kernel, never from the header; the directory's mode already says so.
    const fd = (sock as unknown as { _handle?: { fd?: number } })._handle?.fd;
    let uid = -1;
    try { if (fd !== undefined) uid = getPeerCred(fd).uid; } catch { /* a stranger */ }
    if (uid !== process.getuid?.()) { sock.destroy(); return; }
    clients.add(sock);
    sock.once('close', () => { clients.delete(sock); watchers.delete(sock); });
    let header: Buffer | undefined = Buffer.alloc(0);
    let closeStdin = false;
    sock.on('data', (d: Buffer) => {
      if (header !== undefined) {
        header = Buffer.concat([header, d]);
        const nl = header.indexOf(0x0a);
        if (nl < 0) { if (header.length > 4096) sock.destroy(); return; }
        let h: { closeStdin?: unknown; output?: unknown };
        try { h = JSON.parse(header.subarray(0, nl).toString('utf8')) as typeof h; } catch { sock.destroy(); return; }
        closeStdin = h.closeStdin === true;
        d = header.subarray(nl + 1);
        header = undefined;
        sock.write('ok\n');
        if (h.output === true && opts.output) watchers.add(sock);
      }
      if (d.length && !input.destroyed && input.writable) input.write(d);
    });
    // A terminal has no end of input short of its master closing: EOF there is the user's ^D, sent as bytes.
    sock.once('end', () => { if (closeStdin && !opts.terminal && header === undefined) input.end(); if (!watchers.has(sock)) sock.end(); });
  });
  try { unlinkSync(path); } catch { /* none */ }
  server.listen(path, () => { try { chmodSync(path, 0o600); } catch { /* closed already */ } });
  server.on('error', () => undefined);
  return {
    close() {
      server.close();
      for (const c of clients) c.destroy();
      if (!opts.terminal) input.destroy(); // our end of the stdin socketpair (a pty master closes with its reader)
      try { unlinkSync(path); } catch { /* gone */ }
    },
  };
}
