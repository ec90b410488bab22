// `myctr diff CONTAINER` and `myctr export CONTAINER`: the container's changes / its merged rootfs as a tar.
import type { Command } from 'commander';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { exportRootfs, upperChanges } from '../../image/container-changes.js';
import { ImageStore } from '../../image/store.js';
import { resolvePaths } from '../../paths.js';
import { ContainerStore } from '../../runtime/container-store.js';
import { UsageError } from '../../runtime/errors.js';

function containerLayers(ref: string) {
  const paths = resolvePaths();
  const cs = new ContainerStore(paths);
  const id = cs.resolve(ref);
  const spec = cs.loadConfig(id);
  const images = ImageStore.open(paths);
  const img = images.get(spec.image.id);
  if (!img) throw new UsageError(`the image of container \`${ref}\` is gone`, 'its changes cannot be compared');
  return { layout: cs.layout(id), lowers: images.layerDirs(img) };
}

export function register(program: Command): void {
  program
    .command('diff')
    .description("show a container's changes to its image (A added, C changed, D deleted)")
    .argument('<container>')
    .action((ref: string) => {
      const { layout, lowers } = containerLayers(ref);
      for (const c of upperChanges(layout.upper, lowers)) process.stdout.write(`${c.kind} ${c.path}\n`);
    });
  program
    .command('export')
    .description("write a container's root filesystem as a tar")
    .argument('<container>')
    .option('-o, --output <file>', 'tar file (default: stdout)')
    .action(async (ref: string, flags: { output?: string }) => {
      if (!flags.output && process.stdout.isTTY) throw new UsageError('refusing to write a tar to a terminal', 'use -o FILE or redirect stdout');
      const { layout, lowers } = containerLayers(ref);
      const fd = flags.output ? openSync(flags.output, 'w', 0o644) : 1;
      try {
        await exportRootfs(lowers, layout.upper, join(layout.dir, 'export-mnt'), fd);
      } finally {
        if (fd !== 1) closeSync(fd);
      }
    });
}
