// --init: a small static init (tini or catatonit, Debian packages) bound read-only into the container at
// /dev/init and run as PID 1 in front of the command, so zombies are reaped and signals reach the workload.
// It must be static: the container's root has no host libc. /dev is the container's own tmpfs, so the bind
// works with --read-only too and leaves the image's files alone.
import { closeSync, openSync, readSync } from 'node:fs';
import { elfLinkage } from '../../image/elf.js';
import { NotFoundError } from '../errors.js';
import type { ContainerSpec } from '../spec.js';

export const INIT_DESTINATION = '/dev/init';
const CANDIDATES: readonly { path: string; args: string[] }[] = [
  { path: '/usr/bin/tini-static', args: ['--'] },
  { path: '/usr/bin/catatonit', args: ['--'] },
  { path: '/usr/libexec/podman/catatonit', args: ['--'] },
];

function isStatic(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return elfLinkage(buf.subarray(0, n)) === 'static';
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The first installed static init, or a NotFoundError saying which package to install. */
export function findInitBinary(): string {
  const found = CANDIDATES.find((c) => isStatic(c.path));
  if (!found) throw new NotFoundError('no static init binary found for --init', 'install the `tini` (tini-static) or `catatonit` package');
  return found.path;
}

/** The spec as launched: with --init, the bind mount and `/dev/init -- <args>`. */
export function withInit(spec: ContainerSpec): ContainerSpec {
  const init = spec.lifecycle?.init;
  if (!init) return spec;
  const extra = CANDIDATES.find((c) => c.path === init)?.args ?? ['--'];
  return {
    ...spec,
    mounts: [...spec.mounts, { type: 'bind', source: init, destination: INIT_DESTINATION, readonly: true, file: true }],
    process: { ...spec.process, args: [INIT_DESTINATION, ...extra, ...spec.process.args] },
  };
}
