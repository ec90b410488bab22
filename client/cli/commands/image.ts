// The `image` group: inspect, history, prune (plus `image ls/rm/tag/save/load/pull/push` aliases). No logic here.
import type { Command } from 'commander';
import { formatAge, formatSize } from '../../image/format.js';
import { imageHistory, pruneImages } from '../../image/image-ops.js';
import { ImageStore } from '../../image/store.js';
import { resolvePaths } from '../../paths.js';

export function register(program: Command): void {
  const image = (program.commands.find((c) => c.name() === 'image') ?? program.command('image').description('manage images'));
  image
    .command('inspect')
    .description('print image records and configs as JSON')
    .argument('<images...>')
    .action((refs: string[]) => {
      const store = ImageStore.open(resolvePaths());
      const out = refs.map((r) => {
        const img = store.resolve(r);
        const layers = img.layers.map((d) => ({ diffId: d, ...store.layer(d) }));
        return { Id: `sha256:${img.id}`, RepoTags: img.names, Created: img.created, Architecture: img.architecture, Os: img.os,
          Size: img.size, Config: img.config, RootFS: { Type: 'layers', Layers: img.layers }, History: img.history, Layers: layers,
          ImageConfig: JSON.parse(store.configJson(img.id)) as unknown };
      });
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    });
  image
    .command('history')
    .description('show the history of an image')
    .argument('<image>')
    .option('--no-trunc', 'do not truncate the CREATED BY column')
    .action((ref: string, flags: { trunc: boolean }) => {
      const store = ImageStore.open(resolvePaths());
      const rows = imageHistory(store, store.resolve(ref));
      const lines = [['CREATED', 'CREATED BY', 'SIZE', 'LAYER']];
      for (const r of rows) {
        const by = flags.trunc && r.createdBy.length > 45 ? `${r.createdBy.slice(0, 44)}…` : r.createdBy;
        lines.push([r.created ? formatAge(new Date(r.created)) : '', by, formatSize(r.size), r.layer ? r.layer.slice(7, 19) : '<missing>']);
      }
      const w = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
      process.stdout.write(lines.map((l) => l.map((c, i) => c.padEnd(w[i]!)).join('   ').trimEnd()).join('\n') + '\n');
    });
  image
    .command('prune')
    .description('remove untagged images no container uses (-a: all unused images)')
    .option('-a, --all', 'remove every image no container uses')
    .option('-f, --force', 'do not ask (myctr never asks; accepted for Docker compatibility)')
    .action(async (flags: { all?: boolean }) => {
      const paths = resolvePaths();
      const res = await pruneImages(ImageStore.open(paths), paths, flags.all === true);
      for (const id of res.deleted) process.stdout.write(`Deleted: ${id}\n`);
      process.stdout.write(`Total reclaimed space: ${formatSize(res.bytes)}\n`);
    });
}
