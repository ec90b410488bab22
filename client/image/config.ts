// The OCI image config (image-spec config.md) and its canonical JSON: sorted keys, no whitespace, no undefined.
// The image id is the sha256 of exactly those bytes, so the same content and metadata always give the same id.
import { nodeCrypto } from '../lazy-builtins.js';

/** Runtime defaults of an image (the `config` object of an OCI image config). */
export interface ImageConfig {
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, object>;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Volumes?: Record<string, object>;
  Shell?: string[];
  Healthcheck?: unknown;
  OnBuild?: string[];
}

export interface HistoryEntry { created: string; created_by: string; empty_layer?: boolean }

export interface OciImageConfig {
  created: string;
  architecture: string;
  os: string;
  config: ImageConfig;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history: HistoryEntry[];
}

export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const CONFIG_KEYS: readonly (keyof ImageConfig)[] = [
  'Env', 'Cmd', 'Entrypoint', 'WorkingDir', 'User', 'ExposedPorts', 'Labels', 'StopSignal', 'Volumes', 'Shell',
  'Healthcheck', 'OnBuild',
];

/** JSON with object keys sorted (code-point order) and undefined members dropped; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : sortKeys(x)));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = sortKeys(x);
  }
  return out;
}

export function sha256Hex(data: string | Uint8Array): string {
  return nodeCrypto().createHash('sha256').update(data).digest('hex');
}

/** Keeps only the known config keys (unknown keys would change the id without meaning anything). */
export function cleanImageConfig(c: ImageConfig): ImageConfig {
  const out: Record<string, unknown> = {};
  for (const k of CONFIG_KEYS) if (c[k] !== undefined) out[k] = c[k];
  return out as ImageConfig;
}

/** Builds the config for a stack of layers (bottom first). */
export function buildOciConfig(opts: {
  created: string; config: ImageConfig; diffIds: readonly string[]; history: readonly HistoryEntry[];
  architecture?: string; os?: string;
}): OciImageConfig {
  return {
    created: opts.created,
    architecture: opts.architecture ?? ociArchitecture(),
    os: opts.os ?? 'linux',
    config: cleanImageConfig(opts.config),
    rootfs: { type: 'layers', diff_ids: [...opts.diffIds] },
    history: opts.history.map((h) => ({ ...h })),
  };
}

/** The canonical bytes and the image id (64 hex) they hash to. */
export function encodeOciConfig(cfg: OciImageConfig): { json: string; id: string } {
  const json = canonicalJson(cfg);
  return { json, id: sha256Hex(json) };
}

const ARCH: Record<string, string> = {
  x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64',
  loong64: 'loong64', mips64el: 'mips64le',
};

/** GOARCH-style name of this host's architecture, as OCI configs use. */
export function ociArchitecture(arch: string = process.arch): string {
  return ARCH[arch] ?? arch;
}
