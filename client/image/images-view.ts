// What `myctr images` prints: an aligned table (REPOSITORY TAG IMAGE ID CREATED SIZE, one row per name,
// `<none>` for untagged images, as Podman), `--format json`, or `-q` ids. Pure functions of the records.
import { UsageError } from '../runtime/errors.js';
import { formatAge, formatSize } from './format.js';
import { splitName } from './reference.js';
import type { ImageRecord } from './store.js';

export interface ImagesViewOptions {
  format?: string | undefined;
  quiet?: boolean | undefined;
  noTrunc?: boolean | undefined;
  now?: Date;
}

/** Podman-compatible `--format json` element. Created is unix seconds. */
export interface ImageJson { Id: string; Names: string[]; Created: number; Size: number }

export function shortId(id: string, noTrunc = false): string {
  return noTrunc ? `sha256:${id}` : id.slice(0, 12);
}

/** Columns padded to their widest cell, separated by at least two spaces, no trailing blanks. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 2))).join('').trimEnd())
    .join('\n') + '\n';
}

export function imagesTable(images: readonly ImageRecord[], opts: ImagesViewOptions = {}): string {
  const now = opts.now ?? new Date();
  const rows: string[][] = [];
  for (const img of images) {
    const names = img.names.length ? img.names : [undefined];
    for (const n of names) {
      const { repository, tag } = n ? splitName(n) : { repository: '<none>', tag: '<none>' };
      rows.push([repository, tag, shortId(img.id, opts.noTrunc), formatAge(new Date(img.created), now), formatSize(img.size)]);
    }
  }
  return formatTable(['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'], rows);
}

export function imagesJson(images: readonly ImageRecord[]): string {
  const out: ImageJson[] = images.map((i) => ({
    Id: i.id, Names: [...i.names], Created: Math.floor(new Date(i.created).getTime() / 1000), Size: i.size,
  }));
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** The whole output of `myctr images` for the given flags. */
export function renderImages(images: readonly ImageRecord[], opts: ImagesViewOptions = {}): string {
  if (opts.quiet) return images.map((i) => `${shortId(i.id, opts.noTrunc)}\n`).join('');
  const format = opts.format ?? 'table';
  if (format === 'json') return imagesJson(images);
  if (format === 'table') return imagesTable(images, opts);
  throw new UsageError(`unknown format \`${format}\``, 'use `--format table` (the default) or `--format json`');
}
