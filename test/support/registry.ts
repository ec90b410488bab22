// A real registry for tests: Debian's `docker-registry` (distribution) on 127.0.0.1 with a temp config (optionally
// htpasswd auth), plus a tiny HTTP proxy in front of it that records requests and can cut or corrupt blob
// downloads, to test resume, truncation and digest checks against real registry responses. The Host header is
// passed through, so the registry's Location URLs point back at the proxy.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { createServer as netServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findExecutable, type Probe } from './probes.js';

export const registryProbe: Probe = findExecutable('docker-registry') ? { ok: true } : { ok: false, reason: 'docker-registry: not found (apt install docker-registry)' };
export const skopeoProbe: Probe = findExecutable('skopeo') ? { ok: true } : { ok: false, reason: 'skopeo: not found (apt install skopeo)' };
export const htpasswdProbe: Probe = findExecutable('htpasswd') ? { ok: true } : { ok: false, reason: 'htpasswd: not found (apt install apache2-utils)' };

export async function freePort(): Promise<number> {
  const s = netServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface TestRegistry { host: string; port: number; stop(): Promise<void> }

/** Starts a registry storing under `dir`; with `auth`, an htpasswd file with that user. */
export async function startRegistry(dir: string, auth?: { user: string; password: string }): Promise<TestRegistry> {
  const port = await freePort();
  let authYaml = '';
  if (auth) {
    const htpasswd = join(dir, 'htpasswd');
    const r = spawnSync('htpasswd', ['-Bbn', auth.user, auth.password], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`htpasswd: ${r.stderr}`);
    writeFileSync(htpasswd, r.stdout);
    authYaml = `auth:\n  htpasswd:\n    realm: test\n    path: ${htpasswd}\n`;
  }
  const cfg = join(dir, `registry-${port}.yml`);
  writeFileSync(cfg, `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, `data-${port}`)}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${authYaml}`);
  const child: ChildProcess = spawn(findExecutable('docker-registry')!, ['serve', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v2/`);
      await res.body?.cancel();
      break;
    } catch {
      if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr}`);
      await sleep(50);
    }
  }
  return {
    host: `127.0.0.1:${port}`, port,
    stop: async () => {
      if (child.exitCode === null) { child.kill('SIGTERM'); await new Promise((r) => child.once('exit', r)); }
    },
  };
}

export interface ProxyLog { method: string; url: string; range?: string }

export interface TestProxy {
  host: string;
  log: ProxyLog[];
  /** For the next GET of this blob digest: 'cut' sends half the body then resets; 'corrupt' flips a byte. */
  sabotage(digest: string, how: 'cut' | 'corrupt'): void;
  stop(): Promise<void>;
}

/**
 * With `bearer`, the proxy acts as a token-auth registry (distribution's token flow): requests without
 * `Authorization: Bearer <token>` get a 401 with a Bearer challenge pointing at `/token` here, which hands out
 * the token for Basic credentials of that user (and an anonymous token that is refused).
 */
export async function startProxy(target: TestRegistry, bearer?: { user: string; password: string }): Promise<TestProxy> {
  const log: ProxyLog[] = [];
  const plans = new Map<string, 'cut' | 'corrupt'>();
  const TOKEN = 'test-token-1234';
  let port = 0;
  const server: Server = createServer((req, res) => {
    log.push({ method: req.method ?? '', url: req.url ?? '', ...(req.headers.range ? { range: req.headers.range } : {}) });
    if (bearer && req.url?.startsWith('/token')) {
      const basic = `Basic ${Buffer.from(`${bearer.user}:${bearer.password}`).toString('base64')}`;
      const scope = new URL(req.url, 'http://x').searchParams.get('scope') ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token: req.headers.authorization === basic && scope.startsWith('repository:') ? TOKEN : 'anonymous' }));
      return;
    }
    if (bearer && req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="test-registry"`, 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    const digest = /\/blobs\/(sha256:[0-9a-f]{64})$/.exec(req.url ?? '')?.[1];
    const plan = req.method === 'GET' && digest ? plans.get(digest) : undefined;
    if (plan && digest) plans.delete(digest);
    const up = request({ host: '127.0.0.1', port: target.port, path: req.url, method: req.method, headers: { ...req.headers, authorization: '' } }, (upRes) => {
      if (!plan) { res.writeHead(upRes.statusCode ?? 502, upRes.headers); upRes.pipe(res); return; }
      const chunks: Buffer[] = [];
      upRes.on('data', (c: Buffer) => chunks.push(c));
      upRes.on('end', () => {
        const body = Buffer.concat(chunks);
        res.writeHead(upRes.statusCode ?? 502, { ...upRes.headers, 'content-length': String(body.length) });
        if (plan === 'cut') {
          res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
        } else {
          body[body.length - 10] = (body[body.length - 10] ?? 0) ^ 0xff;
          res.end(body);
        }
      });
    });
    up.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
  return {
    host: `127.0.0.1:${port}`, log,
    sabotage: (d, how) => { plans.set(d, how); },
    stop: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
