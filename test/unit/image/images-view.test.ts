// `myctr images` output: aligned table, one row per name, <none> for untagged, json, -q, --no-trunc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAge, formatSize } from '../../../client/image/format.js';
import { formatTable, renderImages } from '../../../client/image/images-view.js';
import type { ImageRecord } from '../../../client/image/store.js';
import { MyctrError } from '../../../client/runtime/errors.js';

const now = new Date('2024-06-01T12:00:00Z');
const img = (id: string, names: string[], created: string, size: number): ImageRecord => ({
  id: id.repeat(64 / id.length), names, created, architecture: 'amd64', os: 'linux', config: {}, layers: [], size, history: [],
});
const IMAGES = [
  img('a', ['localhost/busybox:latest', 'localhost/mybox:1'], '2024-06-01T11:58:00Z', 2_100_000),
  img('b', ['docker.io/library/debian:bookworm'], '2024-05-01T12:00:00Z', 120_400_000),
  img('c', [], '2024-06-01T11:59:59.500Z', 512),
];

test('the table has aligned columns and one row per name', () => {
  const out = renderImages(IMAGES, { now });
  const lines = out.trimEnd().split('\n');
  assert.deepEqual(lines, [
    'REPOSITORY                TAG       IMAGE ID      CREATED                 SIZE',
    'localhost/busybox         latest    aaaaaaaaaaaa  2 minutes ago           2.1 MB',
    'localhost/mybox           1         aaaaaaaaaaaa  2 minutes ago           2.1 MB',
    'docker.io/library/debian  bookworm  bbbbbbbbbbbb  4 weeks ago             120 MB',
    '<none>                    <none>    cccccccccccc  Less than a second ago  512 B',
  ]);
  for (const col of ['TAG', 'IMAGE ID', 'CREATED', 'SIZE']) {
    const at = lines[0]!.indexOf(col);
    for (const l of lines.slice(1)) {
      assert.equal(l.slice(at - 2, at), '  ', `${col}: ${l}`);
      assert.notEqual(l[at], ' ', `${col}: ${l}`);
    }
  }
});

test('--no-trunc shows sha256:<full id>; -q lists ids once per image', () => {
  assert.match(renderImages(IMAGES, { now, noTrunc: true }), new RegExp(`sha256:${'a'.repeat(64)}`));
  assert.equal(renderImages(IMAGES, { quiet: true }), 'aaaaaaaaaaaa\nbbbbbbbbbbbb\ncccccccccccc\n');
  assert.equal(renderImages(IMAGES.slice(0, 1), { quiet: true, noTrunc: true }), `sha256:${'a'.repeat(64)}\n`);
});

test('--format json is an array of {Id, Names, Created (unix s), Size}', () => {
  const parsed = JSON.parse(renderImages(IMAGES, { format: 'json' })) as unknown[];
  assert.deepEqual(parsed[0], {
    Id: 'a'.repeat(64), Names: ['localhost/busybox:latest', 'localhost/mybox:1'], Created: 1717243080, Size: 2_100_000,
  });
  assert.equal(parsed.length, 3);
  assert.equal(renderImages([], { format: 'json' }), '[]\n');
});

test('an unknown format is a usage error', () => {
  assert.throws(() => renderImages(IMAGES, { format: 'yaml' }), (e: unknown) => e instanceof MyctrError && e.code === 'MYCTR_USAGE');
});

test('formatTable pads to the widest cell and trims line ends', () => {
  assert.equal(formatTable(['A', 'B'], [['xx', ''], ['y', 'z']]), 'A   B\nxx\ny   z\n');
});

test('sizes use decimal units; ages read like Docker', () => {
  assert.deepEqual([0, 999, 1000, 1234, 56_700, 123_456_789, 4.2e9].map(formatSize),
    ['0 B', '999 B', '1.0 kB', '1.2 kB', '56.7 kB', '123 MB', '4.2 GB']);
  const ago = (s: number) => formatAge(new Date(now.getTime() - s * 1000), now);
  assert.deepEqual([0.2, 1, 45, 90, 600, 3700, 7200, 86_400 * 3, 86_400 * 20, 86_400 * 100, 86_400 * 800].map(ago), [
    'Less than a second ago', '1 second ago', '45 seconds ago', 'About a minute ago', '10 minutes ago',
    'About an hour ago', '2 hours ago', '3 days ago', '2 weeks ago', '3 months ago', '2 years ago',
  ]);
});
