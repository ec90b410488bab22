// `myctr bootstrap busybox`: a tiny rootfs from the host's static busybox (Debian's busybox-static), synthesized
// as a tar in memory (owners 0:0, times = the binary's mtime, so the layer and image ids are reproducible) and
// imported through the same path as `myctr import`.
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { MissingToolError, MyctrError, messageOf } from '../runtime/errors.js';
import { DEFAULT_PATH, type ImageConfig } from './config.js';
import { elfLinkage } from './elf.js';
import { importTarStream, type ImportResult } from './import.js';
import type { ImageStore } from './store.js';
import { buildTar, type TarEntry } from './tar-writer.js';

const execFileAsync = promisify(execFile);

export const BUSYBOX_PATHS = ['/bin/busybox', '/usr/bin/busybox'] as const;
export const BUSYBOX_CONFIG: ImageConfig = { Env: [DEFAULT_PATH], Cmd: ['sh'] };
const HINT = 'install a statically linked busybox: `apt-get install busybox-static`';

export interface StaticBusybox { path: string; data: Buffer; mtime: Date }

/** The first candidate that exists and is a static ELF; MissingToolError if none (a dynamic one says so). */
export function findStaticBusybox(candidates: readonly string[] = BUSYBOX_PATHS): StaticBusybox {
  let dynamic: string | undefined;
  for (const path of candidates) {
    let data: Buffer;
    try {
      if (!statSync(path).isFile()) continue;
      data = readFileSync(path);
    } catch {
      continue;
    }
    const linkage = elfLinkage(data);
    if (linkage === 'static') return { path, data, mtime: statSync(path).mtime };
    dynamic ??= path;
  }
  if (dynamic) throw new MissingToolError('busybox (static)', `\`${dynamic}\` is dynamically linked; ${HINT}`);
  throw new MissingToolError('busybox', HINT);
}

/** `busybox --list-full`: applet paths relative to / (`bin/sh`, `usr/bin/awk`, …). */
export async function listApplets(busybox: string): Promise<string[]> {
  try {
    const { stdout } = await execFileAsync(busybox, ['--list-full'], { maxBuffer: 1 << 20 });
    return stdout.split('\n').map((l) => l.trim().replace(/^\/+/, '')).filter((l) => l && !l.includes('..'));
  } catch (err) {
    throw new MyctrError('MYCTR_IMAGE', `\`${busybox} --list-full\`: ${messageOf(err)}`, { cause: err, hint: HINT });
  }
}

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/bin/false',
  'bin:x:2:2:bin:/bin:/bin/false',
  'sys:x:3:3:sys:/dev:/bin/false',
  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false',
];
const GROUP = [
  'root:x:0:', 'daemon:x:1:', 'bin:x:2:', 'sys:x:3:', 'adm:x:4:', 'tty:x:5:', 'wheel:x:10:root', 'users:x:100:',
  'nogroup:x:65534:',
];
const DIRS: [string, number][] = [
  ['bin', 0o755], ['sbin', 0o755], ['usr', 0o755], ['usr/bin', 0o755], ['usr/sbin', 0o755], ['etc', 0o755],
  ['tmp', 0o1777], ['root', 0o700], ['home', 0o755], ['var', 0o755], ['proc', 0o555], ['sys', 0o555],
  ['dev', 0o755], ['run', 0o755],
];

/** The rootfs as tar entries (pure): dirs, /bin/busybox, /etc files, one symlink per applet. */
export function busyboxRootfs(binary: Uint8Array, applets: readonly string[], mtime: Date): TarEntry[] {
  const dirs = new Map<string, number>(DIRS);
  const links = [...new Set(applets)].filter((a) => a !== 'bin/busybox').sort();
  for (const a of links) {
    const parts = a.split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (!dirs.has(d)) dirs.set(d, 0o755);
    }
  }
  const base = { uid: 0, gid: 0, mtime };
  const file = (path: string, data: string, mode = 0o644): TarEntry => ({ ...base, path, type: 'file', data, mode });
  return [
    { ...base, path: './', type: 'dir', mode: 0o755 },
    ...[...dirs.keys()].sort().map((d): TarEntry => ({ ...base, path: d, type: 'dir', mode: dirs.get(d)! })),
    { ...base, path: 'bin/busybox', type: 'file', data: binary, mode: 0o755 },
    file('etc/passwd', `${PASSWD.join('\n')}\n`),
    file('etc/group', `${GROUP.join('\n')}\n`),
    file('etc/hosts', ''),
    file('etc/hostname', ''),
    file('etc/resolv.conf', ''),
    ...links.map((a): TarEntry => ({ ...base, path: a, type: 'symlink', linkpath: '/bin/busybox', mode: 0o777 })),
  ];
}

async function busyboxVersion(path: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(path, ['--help'], { maxBuffer: 1 << 20 });
    return /BusyBox (v\S+)/.exec(stdout)?.[1] ?? 'unknown version';
  } catch (err) {
    // `busybox --help` exits 0 on Debian, 1 on some builds; the banner is still there.
    return /BusyBox (v\S+)/.exec(String((err as { stdout?: unknown }).stdout ?? ''))?.[1] ?? 'unknown version';
  }
}

export interface BootstrapBusyboxOptions {
  /** Image name (default `busybox:latest`). */
  name?: string;
  /** Candidate busybox paths (default BUSYBOX_PATHS). */
  candidates?: readonly string[];
  showProgress?: boolean;
}

export async function bootstrapBusybox(store: ImageStore, opts: BootstrapBusyboxOptions = {}): Promise<ImportResult> {
  const bb = findStaticBusybox(opts.candidates);
  const applets = await listApplets(bb.path);
  const tar = buildTar(busyboxRootfs(bb.data, applets, bb.mtime));
  const version = await busyboxVersion(bb.path);
  return importTarStream(store, Readable.from([tar]), {
    names: [opts.name ?? 'busybox:latest'],
    config: BUSYBOX_CONFIG,
    createdBy: `myctr bootstrap busybox (${bb.path}, BusyBox ${version}, static)`,
    created: bb.mtime.toISOString(),
    totalBytes: tar.length,
    progressLabel: 'bootstrap busybox',
    ...(opts.showProgress !== undefined ? { showProgress: opts.showProgress } : {}),
  });
}
