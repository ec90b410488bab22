// `myctr bootstrap SOURCE [NAME]`: which builder a source names. `busybox` (default) uses the host's static
// busybox; `debian[:suite]` / `ubuntu:<suite>` use mmdebstrap. The source's tag is the suite.
import { UsageError } from '../runtime/errors.js';
import { bootstrapBusybox } from './bootstrap-busybox.js';
import { bootstrapDebian } from './bootstrap-debian.js';
import type { ImportResult } from './import.js';
import type { ImageStore } from './store.js';

export type BootstrapSource =
  | { kind: 'busybox' }
  | { kind: 'debian'; distro: 'debian' | 'ubuntu'; suite: string };

const HINT = 'sources are `busybox`, `debian[:suite]` (e.g. `debian:bookworm`) and `ubuntu:<suite>` (e.g. `ubuntu:noble`)';

export function parseBootstrapSource(source: string): BootstrapSource {
  const [what = '', suite, ...extra] = source.split(':');
  if (extra.length === 0) {
    if (what === 'busybox' && (suite === undefined || suite === 'latest')) return { kind: 'busybox' };
    if (what === 'debian' && (suite === undefined || /^[a-z][a-z0-9.-]*$/.test(suite))) {
      return { kind: 'debian', distro: 'debian', suite: suite === undefined || suite === 'latest' ? 'stable' : suite };
    }
    if (what === 'ubuntu' && suite !== undefined && /^[a-z][a-z0-9.-]*$/.test(suite) && suite !== 'latest') {
      return { kind: 'debian', distro: 'ubuntu', suite };
    }
  }
  throw new UsageError(`unknown bootstrap source \`${source}\``, HINT);
}

/** Builds the image `source` names and tags it `name` (default: `busybox:latest`, `debian:<suite>`, …). */
export async function bootstrapImage(store: ImageStore, source: string, name?: string): Promise<ImportResult> {
  const s = parseBootstrapSource(source);
  if (s.kind === 'busybox') return bootstrapBusybox(store, name !== undefined ? { name } : {});
  return bootstrapDebian(store, { distro: s.distro, suite: s.suite, ...(name !== undefined ? { name } : {}) });
}
