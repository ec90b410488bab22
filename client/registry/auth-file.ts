// The login file: `{"auths": {"<registry>": {"auth": base64("user:pass")}}}` (the containers-auth.json(5) shape
// Podman and skopeo read), at $MYCTR_AUTH_FILE or `<runRoot>/auth.json` (tmpfs, per user), written mode 0600.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { MyctrPaths } from '../paths.js';
import { MyctrError } from '../runtime/errors.js';
import { writeFileAtomic } from '../storage/atomic.js';

export interface Credentials { username: string; password: string }

interface AuthFile { auths: Record<string, { auth?: string }> }

export function authFilePath(paths: MyctrPaths, env: NodeJS.ProcessEnv = process.env): string {
  return env.MYCTR_AUTH_FILE || join(paths.runRoot, 'auth.json');
}

function read(path: string): AuthFile {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { return { auths: {} }; }
  try {
    const v = JSON.parse(text) as Partial<AuthFile>;
    return { auths: typeof v.auths === 'object' && v.auths !== null ? v.auths : {} };
  } catch (err) {
    throw new MyctrError('MYCTR_USAGE', `read login file \`${path}\`: ${(err as Error).message}`, { hint: 'remove it and run `myctr login` again' });
  }
}

/** Stored credentials for `registry` (host[:port]), if any. */
export function lookupCredentials(path: string, registry: string): Credentials | undefined {
  const entry = read(path).auths[registry];
  if (!entry?.auth) return undefined;
  const plain = Buffer.from(entry.auth, 'base64').toString();
  const colon = plain.indexOf(':');
  return colon < 0 ? undefined : { username: plain.slice(0, colon), password: plain.slice(colon + 1) };
}

export function storeCredentials(path: string, registry: string, c: Credentials): void {
  const f = read(path);
  f.auths[registry] = { auth: Buffer.from(`${c.username}:${c.password}`).toString('base64') };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileAtomic(path, `${JSON.stringify(f, null, 2)}\n`, 0o600);
}

/** Removes the entry; false when there was none. */
export function removeCredentials(path: string, registry: string): boolean {
  const f = read(path);
  if (!(registry in f.auths)) return false;
  delete f.auths[registry];
  writeFileAtomic(path, `${JSON.stringify(f, null, 2)}\n`, 0o600);
  return true;
}
