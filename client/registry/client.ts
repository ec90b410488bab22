// A small OCI distribution API client (distribution-spec): one registry + repository, HTTP(S) via Node's fetch,
// auth on demand. A 401 with a Bearer challenge fetches a token from the realm (with the login file's
// credentials if any); a Basic challenge sends them. Every error names the registry and what was asked.
import { MyctrError } from '../runtime/errors.js';
import type { Credentials } from './auth-file.js';
import { parseChallenge } from './challenge.js';

export class RegistryError extends MyctrError {
  override name = 'RegistryError';
  constructor(message: string, readonly status?: number, hint?: string) { super('MYCTR_IMAGE', message, { hint }); }
}

export interface ClientOptions {
  registry: string;
  repository: string;
  credentials?: Credentials | undefined;
  /** Use plain http (localhost registries, --tls-verify=false). */
  insecure: boolean;
  /** Ask for push rights too when getting a token. */
  push?: boolean;
}

/** Docker Hub's API host differs from the name people use. */
export function apiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

/** Plain http for loopback registries (as Docker and Podman do) and those in MYCTR_INSECURE_REGISTRIES. */
export function isInsecureRegistry(registry: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const host = registry.replace(/:\d+$/, '');
  if (host === 'localhost' || host === '127.0.0.1' || host === '[::1]') return true;
  return (env.MYCTR_INSECURE_REGISTRIES ?? '').split(',').map((s) => s.trim()).includes(registry);
}

export class RegistryClient {
  readonly base: string;
  private authHeader: string | undefined;

  constructor(readonly opts: ClientOptions) {
    this.base = `${opts.insecure ? 'http' : 'https'}://${apiHost(opts.registry)}/v2/${opts.repository}`;
  }

  /** fetch against `/v2/<repo><path>` (or an absolute URL from a Location header), authenticating on a 401. */
  async request(method: string, path: string, init: { headers?: Record<string, string>; body?: RequestInit['body']; duplex?: 'half' } = {}): Promise<Response> {
    const url = /^https?:\/\//.test(path) ? path : path.startsWith('/v2/') ? new URL(path, this.base).toString() : `${this.base}${path}`;
    const send = () => {
      const req: RequestInit & { duplex?: 'half' } = { method, headers: { ...init.headers, ...(this.authHeader ? { authorization: this.authHeader } : {}) } };
      if (init.body !== undefined) req.body = init.body;
      if (init.duplex) req.duplex = init.duplex;
      return this.fetch(url, req);
    };
    let res = await send();
    if (res.status === 401 && !(init.body instanceof ReadableStream)) {
      await res.body?.cancel();
      await this.authenticate(res.headers.get('www-authenticate'));
      res = await send();
    }
    if (res.status === 401) {
      await res.body?.cancel();
      throw new RegistryError(`${this.opts.registry}: authentication required for \`${this.opts.repository}\``, 401,
        this.opts.credentials ? 'the stored credentials were refused: run `myctr login` again' : `run \`myctr login ${this.opts.registry}\``);
    }
    return res;
  }

  /** Makes sure the next requests carry credentials (push streams bodies, which cannot be replayed after a 401). */
  async ensureAuth(): Promise<void> {
    const res = await this.fetch(`${this.base.replace(/\/v2\/.*$/, '/v2/')}`, { method: 'GET' });
    await res.body?.cancel();
    if (res.status === 401) await this.authenticate(res.headers.get('www-authenticate'));
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new RegistryError(`${this.opts.registry}: ${init.method ?? 'GET'} ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, undefined,
        'check the registry address and that it is reachable; plain-http registries need MYCTR_INSECURE_REGISTRIES or --tls-verify=false');
    }
  }

  private async authenticate(header: string | null): Promise<void> {
    const ch = parseChallenge(header);
    const creds = this.opts.credentials;
    const basic = creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` : undefined;
    if (ch?.scheme === 'basic') {
      if (!basic) throw new RegistryError(`${this.opts.registry}: authentication required`, 401, `run \`myctr login ${this.opts.registry}\``);
      this.authHeader = basic;
      return;
    }
    if (ch?.scheme !== 'bearer' || !ch.params.realm) {
      throw new RegistryError(`${this.opts.registry}: unsupported authentication challenge \`${header ?? ''}\``, 401);
    }
    const u = new URL(ch.params.realm);
    if (ch.params.service) u.searchParams.set('service', ch.params.service);
    u.searchParams.set('scope', `repository:${this.opts.repository}:${this.opts.push ? 'pull,push' : 'pull'}`);
    const res = await this.fetch(u.toString(), { headers: basic ? { authorization: basic } : {} });
    if (!res.ok) {
      await res.body?.cancel();
      throw new RegistryError(`${this.opts.registry}: token request refused (HTTP ${res.status})`, res.status,
        creds ? 'check the credentials with `myctr login`' : `run \`myctr login ${this.opts.registry}\``);
    }
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`${this.opts.registry}: token response has no token`);
    this.authHeader = `Bearer ${token}`;
  }
}

/** Throws a RegistryError for a non-2xx response, with the registry's own error text when it sent one. */
export async function expectOk(res: Response, what: string, registry: string): Promise<void> {
  if (res.ok) return;
  let detail = '';
  try {
    const body = (await res.json()) as { errors?: { code?: string; message?: string }[] };
    detail = body.errors?.map((e) => e.message ?? e.code).filter(Boolean).join('; ') ?? '';
  } catch { /* no JSON body */ }
  const notFound = res.status === 404;
  throw new RegistryError(`${registry}: ${what}: HTTP ${res.status}${detail ? ` (${detail})` : ''}`, res.status,
    notFound ? 'check the repository name and tag' : undefined);
}
