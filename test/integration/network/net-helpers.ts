// Helpers for the networking integration tests: run host Node inside a busybox container (the host's / is
// mounted read-only at /host and its dynamic loader started directly, so the container's own /etc files
// apply), wait for a condition, bind/free checks and a tiny DNS responder.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import { dirname } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Probe } from '../../support/probes.js';

const LOADER: Partial<Record<string, string>> = { x64: '/lib64/ld-linux-x86-64.so.2', arm64: '/lib/ld-linux-aarch64.so.1' };

/** `-v /:/host:ro` plus argv that runs the host's node inside the container with `script`. */
export function nodeInContainer(script: string): string[] {
  const ld = realpathSync(LOADER[process.arch] ?? '/lib64/ld-linux-x86-64.so.2');
  return ['-v', '/:/host:ro', 'busybox', `/host${ld}`, '--library-path', `/host${dirname(ld)}`, `/host${realpathSync(process.execPath)}`, '-e', script];
}

/** TCP on 8000 answers with the peer address; UDP on 9000 answers `pong <peer>`; prints `ready` once both
 *  listen (wait for it with waitForLine, not for time); SIGTERM exits. */
export const ECHO_SERVER = `
const net = require('net'), dgram = require('dgram');
let up = 0; const listening = () => { if (++up === 2) console.log('ready'); };
net.createServer((s) => s.end(s.remoteAddress.replace(/^::ffff:/, '') + '\\n')).listen(8000, listening);
const u = dgram.createSocket('udp4');
u.on('message', (m, r) => u.send('pong ' + r.address, r.port, r.address));
u.bind(9000, listening);
process.on('SIGTERM', () => process.exit(0));
`;

/** Resolves when `child` prints `line` on stdout; rejects (with its stderr) if it exits first. */
export function waitForLine(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (b: Buffer | string) => { err += b.toString(); });
    const onExit = (code: number | null) => reject(new Error(`exited (${code}) before printing \`${line}\`: ${err.trim()}`));
    child.once('exit', onExit);
    child.stdout?.on('data', (b: Buffer | string) => {
      out += b.toString();
      if (out.split('\n').includes(line)) { child.off('exit', onExit); resolve(); }
    });
  });
}

/** Polls `fn` until it returns a value (not undefined) or `limitMs` passes (then throws `what`). */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, limitMs = 20_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    try { const v = await fn(); if (v !== undefined) return v; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await sleep(100);
  }
}

/** Connects (optionally from `localAddress`) and reads until the server closes. */
export function tcpRequest(host: string, port: number, localAddress?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port, ...(localAddress ? { localAddress } : {}) });
    let data = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => { data += d; });
    s.on('end', () => resolve(data));
    s.on('error', reject);
    s.setTimeout(10_000, () => { s.destroy(); reject(new Error('timeout')); });
  });
}

export function udpRequest(host: string, port: number, msg: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => { s.close(); reject(new Error('timeout')); }, 2000);
    s.on('message', (m) => { clearTimeout(timer); s.close(); resolve(m.toString()); });
    s.on('error', (e) => { clearTimeout(timer); s.close(); reject(e); });
    s.bind(0, host, () => s.send(msg, port, host));
  });
}

/** True when (127.0.0.1 or ip, port) can be bound now. */
export function canBind(port: number, proto: 'tcp' | 'udp', ip = '0.0.0.0'): Promise<boolean> {
  return new Promise((resolve) => {
    if (proto === 'tcp') {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen({ port, host: ip, exclusive: true }, () => srv.close(() => resolve(true)));
    } else {
      const s = createSocket('udp4');
      s.once('error', () => { s.close(); resolve(false); });
      s.bind({ port, address: ip, exclusive: true }, () => s.close(() => resolve(true)));
    }
  });
}

/** A currently free TCP+UDP port above 20000. */
export async function freePort(): Promise<number> {
  for (;;) {
    const p = 20000 + Math.floor(Math.random() * 30000);
    if (await canBind(p, 'tcp') && await canBind(p, 'udp')) return p;
  }
}

export function hostAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

/** Probe: the host has a non-loopback IPv4 address (traffic to it stays on this machine). */
export function hostAddressProbe(): Probe {
  return hostAddress() ? { ok: true } : { ok: false, reason: 'the host has no non-loopback IPv4 address' };
}

/** A DNS responder answering every A query with `answer` (RFC 1035 §4.1; one question, one answer). */
export async function startDnsServer(ip: string, port: number, answer: string): Promise<UdpSocket> {
  const sock = createSocket('udp4');
  sock.on('message', (q, r) => {
    let i = 12;
    while (q[i] !== 0 && i < q.length) i += q[i]! + 1;
    const question = q.subarray(12, i + 5);
    const header = Buffer.from(q.subarray(0, 12));
    header.writeUInt16BE(0x8180, 2); // response, recursion desired + available, no error
    header.writeUInt16BE(1, 4); header.writeUInt16BE(q.readUInt16BE(i + 1) === 1 ? 1 : 0, 6);
    header.writeUInt16BE(0, 8); header.writeUInt16BE(0, 10);
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); rr.writeUInt16BE(1, 2); rr.writeUInt16BE(1, 4); rr.writeUInt32BE(60, 6); rr.writeUInt16BE(4, 10);
    answer.split('.').forEach((o, k) => rr.writeUInt8(Number(o), 12 + k));
    const body = q.readUInt16BE(i + 1) === 1 ? Buffer.concat([header, question, rr]) : Buffer.concat([header, question]);
    sock.send(body, r.port, r.address);
  });
  await new Promise<void>((resolve, reject) => { sock.once('error', reject); sock.bind(port, ip, () => resolve()); });
  return sock;
}
