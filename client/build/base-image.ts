// Base images of a build (`FROM img`, `COPY --from=img`, `RUN --mount=…,from=img`): from the store, or pulled
// from their registry according to --pull (always: re-resolve the tag; missing: only when the store lacks it;
// never: the store or an error; a stored image of another platform than the one wanted counts as missing).
// Each reference is resolved once per build, even when stages ask concurrently; the pull's per-layer lines go
// into the asking step's progress. A failed pull leaves nothing (pullImage).
import { parseReference, LOCAL_REGISTRY, formatReference } from '../image/reference.js';
import { formatPlatform, hostPlatform, type Platform } from '../image/platform.js';
import type { ImageRecord, ImageStore } from '../image/store.js';
import type { MyctrPaths } from '../paths.js';
import { pullImage } from '../registry/pull.js';
import { clientFor, remoteTarget } from '../registry/target.js';
import { messageOf, MyctrError } from '../runtime/errors.js';
import { BuildError } from './errors.js';
import type { StepHandle } from './progress.js';

export type PullPolicy = 'never' | 'missing' | 'always';

/** What to do for a reference: use the store's image, pull it, or fail (never, and the store lacks it). */
export function pullDecision(policy: PullPolicy, local: boolean, pullable: boolean): 'local' | 'pull' | 'missing' {
  if (policy === 'always' && pullable) return 'pull';
  if (local) return 'local';
  return policy === 'never' || !pullable ? 'missing' : 'pull';
}

/**
 * Whether a reference names something a registry can give: not an image id, not `localhost/…` (images made
 * on this host), and not a short name the store has under `localhost/` (`FROM busybox` after `bootstrap`).
 * A digest reference the store has is never pulled again (its content cannot differ).
 */
export function isPullable(ref: string, localNames: ReadonlySet<string>, localHasDigest: boolean): boolean {
  if (/^(?:sha256:)?[0-9a-f]{64}$/.test(ref)) return false;
  let p: ReturnType<typeof parseReference>;
  try { p = parseReference(ref); } catch { return false; }
  if (p.registry === LOCAL_REGISTRY) return false;
  if (p.registry === undefined && localNames.has(formatReference(LOCAL_REGISTRY, p))) return false;
  return !(p.digest !== undefined && localHasDigest);
}

export interface BaseImageOptions {
  store: ImageStore;
  paths: MyctrPaths;
  policy: PullPolicy;
  /** Default platform for pulls (`--platform`); `FROM --platform` wins. */
  platform?: Platform | undefined;
  tlsVerify?: boolean | undefined;
}

export class BaseImages {
  private readonly resolved = new Map<string, Promise<ImageRecord>>();

  constructor(private readonly opts: BaseImageOptions) {}

  /**
   * The image for `ref`; `where` prefixes errors (`Containerfile:1: FROM x`). Pull lines go to `step`.
   * Errors are BuildErrors (exit 125) naming the reference, with a hint.
   */
  get(ref: string, where: string, step: StepHandle, platform?: Platform): Promise<ImageRecord> {
    const plat = platform ?? this.opts.platform;
    const key = `${ref}\n${plat ? formatPlatform(plat) : ''}`;
    let p = this.resolved.get(key);
    if (!p) {
      p = this.resolve(ref, where, step, plat);
      this.resolved.set(key, p);
    }
    return p;
  }

  private async resolve(ref: string, where: string, step: StepHandle, platform: Platform | undefined): Promise<ImageRecord> {
    const { store, policy } = this.opts;
    let local: ImageRecord | undefined;
    try {
      local = store.resolve(ref);
    } catch (err) {
      if (!(err instanceof MyctrError) || err.code !== 'MYCTR_NOT_FOUND') throw err;
    }
    const names = new Set(Object.keys(store.repositories()));
    const pullable = isPullable(ref, names, local !== undefined);
    // A stored image of another platform under this name does not count when the registry can give the right one.
    const want = platform ?? hostPlatform();
    let otherPlatform: string | undefined;
    if (local && pullable && (local.os !== want.os || local.architecture !== want.architecture)) { otherPlatform = `${local.os}/${local.architecture}`; local = undefined; }
    const decision = pullDecision(policy, local !== undefined, pullable);
    if (decision === 'local') return local!;
    if (decision === 'missing') {
      const what = otherPlatform ? ` for ${formatPlatform(want)} (the stored one is ${otherPlatform})` : '';
      throw new BuildError(`${where}: base image \`${ref}\`${what} not found in local storage`, {
        hint: policy === 'never' && pullable ? 'pull it first, or build with --pull=missing (--pull=never forbids fetching it)'
          : 'build, import or bootstrap it first (`myctr images` lists local images)',
      });
    }
    const target = remoteTarget(ref);
    step.line(`pulling ${target.canonical}${platform ? ` (${formatPlatform(platform)})` : ''}`);
    // The board writes whole lines (not a TTY): each becomes a line of the step.
    let pending = '';
    const out = {
      isTTY: false,
      write: (s: string) => {
        pending += s;
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) { step.line(pending.slice(0, nl)); pending = pending.slice(nl + 1); }
        return true;
      },
    };
    try {
      const res = await pullImage(store, clientFor(this.opts.paths, target, { tlsVerify: this.opts.tlsVerify }), target,
        { ...(platform ? { platform } : {}), progressOut: out });
      step.line(`pulled ${target.canonical}: ${res.fetched} layer(s) fetched, ${res.reused} already present; manifest ${res.manifestDigest}`);
      for (const w of new Set(res.warnings)) step.line(`warning: ${w}`);
      return res.image;
    } catch (err) {
      throw new BuildError(`${where}: pulling \`${target.canonical}\`: ${messageOf(err)}`, {
        cause: err,
        hint: err instanceof MyctrError && err.hint ? err.hint : 'check the name and the registry; `myctr pull` it to see the details',
      });
    }
  }
}
