// `myctr build` flags → BuildOptions, with Docker/Podman's spellings: --build-arg K=V (K alone takes the
// host's value), --pull[=always|missing|never|true|false], --progress=plain|quiet|auto|tty, -q, --secret,
// --platform os/arch[/variant], --tls-verify=false.
import { formatPlatform, parsePlatform } from '../image/platform.js';
import { UsageError } from '../runtime/errors.js';
import type { NetworkMode } from '../runtime/spec.js';
import type { BuildOptions } from './builder.js';

export interface RawBuildFlags {
  file?: string;
  tag?: string[];
  buildArg?: string[];
  target?: string;
  cache?: boolean;
  pull?: string | boolean;
  quiet?: boolean;
  progress?: string;
  network?: string;
  secret?: string[];
  platform?: string;
  tlsVerify?: boolean;
}

export function toBuildOptions(context: string, f: RawBuildFlags, hostEnv: NodeJS.ProcessEnv = process.env): BuildOptions {
  const buildArgs = new Map<string, string>();
  for (const a of f.buildArg ?? []) {
    const eq = a.indexOf('=');
    if (eq === 0) throw new UsageError(`invalid --build-arg \`${a}\``, 'use --build-arg NAME=value');
    if (eq < 0) { const v = hostEnv[a]; if (v !== undefined) buildArgs.set(a, v); } else buildArgs.set(a.slice(0, eq), a.slice(eq + 1));
  }
  const pullText = f.pull === undefined ? 'missing' : f.pull === true ? 'always' : f.pull === false ? 'never' : f.pull.toLowerCase();
  const pull = ({ always: 'always', true: 'always', missing: 'missing', never: 'never', false: 'never', newer: 'missing' } as const)[pullText as 'always'];
  if (!pull) throw new UsageError(`invalid --pull value \`${String(f.pull)}\``, 'use always, missing or never');
  const progressText = f.quiet ? 'quiet' : (f.progress ?? 'plain').toLowerCase();
  if (!['plain', 'quiet', 'auto', 'tty', 'rawjson'].includes(progressText)) throw new UsageError(`invalid --progress value \`${progressText}\``, 'use plain or quiet');
  const network = (f.network ?? 'host') as NetworkMode;
  if (network !== 'host' && network !== 'none') throw new UsageError(`invalid --network \`${f.network}\` for build`, 'RUN steps support host (default) or none for now');
  const secrets = new Map<string, string>();
  for (const s of f.secret ?? []) {
    const kv = new Map(s.split(',').map((p) => { const i = p.indexOf('='); return [p.slice(0, i), p.slice(i + 1)] as [string, string]; }));
    const id = kv.get('id');
    const src = kv.get('src') ?? kv.get('source');
    const env = kv.get('env');
    if (!id || (!src && !env)) throw new UsageError(`invalid --secret \`${s}\``, 'use --secret id=NAME,src=FILE');
    if (src) secrets.set(id, src);
  }
  return {
    context, ...(f.file !== undefined ? { file: f.file } : {}), tags: f.tag ?? [], buildArgs,
    ...(f.target !== undefined ? { target: f.target } : {}), noCache: f.cache === false, pull,
    progress: progressText === 'quiet' ? 'quiet' : 'plain', network, secrets,
    ...(f.platform !== undefined ? { platform: formatPlatform(parsePlatform(f.platform)) } : {}),
    ...(f.tlsVerify !== undefined ? { tlsVerify: f.tlsVerify } : {}),
  };
}
