// A reference typed by the user → registry, repository, tag/digest and the canonical store name; plus the
// client for it with the login file's credentials.
import { parseReference, formatReference, DOCKER_HUB } from '../image/reference.js';
import type { MyctrPaths } from '../paths.js';
import { authFilePath, lookupCredentials } from './auth-file.js';
import { isInsecureRegistry, RegistryClient } from './client.js';

export interface RemoteTarget { registry: string; repository: string; ref: string; canonical: string }

export function remoteTarget(input: string): RemoteTarget {
  const p = parseReference(input);
  const registry = p.registry ?? DOCKER_HUB;
  const canonical = formatReference(registry, p);
  const repository = canonical.slice(canonical.indexOf('/') + 1).replace(/[:@].*$/, '');
  return { registry, repository, ref: p.digest ?? p.tag ?? 'latest', canonical };
}

export function clientFor(paths: MyctrPaths, t: RemoteTarget, opts: { push?: boolean; tlsVerify?: boolean | undefined } = {}): RegistryClient {
  return new RegistryClient({
    registry: t.registry, repository: t.repository, credentials: lookupCredentials(authFilePath(paths), t.registry),
    insecure: opts.tlsVerify === false || isInsecureRegistry(t.registry), ...(opts.push ? { push: true } : {}),
  });
}
