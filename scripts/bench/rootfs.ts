// The busybox rootfs that every tool runs: the very tar `myctr bootstrap busybox` imports (same code, same
// bytes: /bin/busybox, one symlink per applet, /etc/passwd and /etc/group, the usual empty dirs), written
// to the bench's temp dir as a file (for `podman import`) and unpacked as a directory (bwrap, unshare).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from './context.js';
import { errorLine, exec } from './tools.js';

export interface BusyboxRootfs {
  /** The unpacked root filesystem. */
  readonly dir: string;
  /** The same tree as an uncompressed tar. */
  readonly tar: string;
  /** Host binary it came from. */
  readonly busybox: string;
}

export function busyboxRootfs(ctx: BenchContext): Promise<BusyboxRootfs> {
  return ctx.fixture('busybox-rootfs', async () => {
    // Imported lazily: `--help` and `--list` should not load the image code.
    const { findStaticBusybox, listApplets, busyboxRootfs: entries } = await import('../../client/image/bootstrap-busybox.js');
    const { buildTar } = await import('../../client/image/tar-writer.js');
    const bb = findStaticBusybox();
    const applets = await listApplets(bb.path);
    const tar = join(ctx.tmp, 'busybox-rootfs.tar');
    writeFileSync(tar, buildTar(entries(bb.data, applets, bb.mtime)));
    const dir = join(ctx.tmp, 'busybox-rootfs');
    mkdirSync(dir);
    const x = await exec(['tar', '-xpf', tar, '-C', dir]);
    if (x.code !== 0) throw new Error(`unpacking the busybox rootfs: ${errorLine(x.stderr)}`);
    return { dir, tar, busybox: bb.path };
  });
}
