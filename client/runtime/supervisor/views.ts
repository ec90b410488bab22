// What `ps` and `inspect` show: a Docker-shaped view of each container (record + reconciled state), human
// durations ("Up 5 seconds", "Exited (0) 2 minutes ago") and the aligned ps table. Pure given the inputs.
import type { ContainerState } from '../container-store.js';
import type { ContainerSpec } from '../spec.js';
import { DEFAULT_LIFECYCLE } from './config.js';

/** Docker's units.HumanDuration. */
export function humanDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.round(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(s / 3600);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(h / 24 / 365)} years`;
}

export function statusText(st: ContainerState, now = Date.now()): string {
  if (st.status === 'running') return `Up ${humanDuration(now - Date.parse(st.startedAt ?? new Date(now).toISOString()))}`;
  if (st.status === 'created') return 'Created';
  const ago = st.finishedAt ? ` ${humanDuration(now - Date.parse(st.finishedAt))} ago` : '';
  return `Exited (${st.exitCode ?? 0})${ago}`;
}

/** Docker's state names. */
export function dockerStatus(st: ContainerState): string {
  return st.status === 'stopped' ? 'exited' : st.status;
}

export interface PsRow {
  ID: string; Image: string; Command: string; CreatedAt: string; RunningFor: string; Status: string; State: string;
  Ports: string; Names: string; Pid: number;
}

export function psRow(spec: ContainerSpec, st: ContainerState, now = Date.now()): PsRow {
  return {
    ID: spec.id.slice(0, 12),
    Image: spec.image.ref,
    Command: JSON.stringify(spec.process.args.join(' ')),
    CreatedAt: spec.created,
    RunningFor: `${humanDuration(now - Date.parse(spec.created))} ago`,
    Status: statusText(st, now),
    State: dockerStatus(st),
    Ports: '',
    Names: spec.name,
    Pid: st.status === 'running' ? st.pid ?? 0 : 0,
  };
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** The aligned table: columns padded to the widest cell plus three spaces, as Docker's tabwriter. */
export function psTable(rows: PsRow[]): string {
  const head = ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'];
  const cells = rows.map((r) => [r.ID, r.Image, truncate(r.Command, 22), r.RunningFor, r.Status, r.Ports, r.Names]);
  return alignTable([head, ...cells]);
}

export function alignTable(lines: string[][]): string {
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  return lines.map((l) => l.map((c, i) => (i === l.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('').trimEnd()).join('\n') + '\n';
}

/** `inspect`: Docker's shape for the fields myctr has. */
export function inspectView(spec: ContainerSpec, st: ContainerState, logPath: string): Record<string, unknown> {
  const lc = spec.lifecycle ?? DEFAULT_LIFECYCLE;
  const zero = '0001-01-01T00:00:00Z';
  return {
    Id: spec.id,
    Created: spec.created,
    Path: spec.process.args[0],
    Args: spec.process.args.slice(1),
    State: {
      Status: dockerStatus(st),
      Running: st.status === 'running',
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: st.status === 'running' ? st.pid ?? 0 : 0,
      ExitCode: st.exitCode ?? 0,
      Error: st.error ?? '',
      StartedAt: st.startedAt ?? zero,
      FinishedAt: st.finishedAt ?? zero,
    },
    Image: `sha256:${spec.image.id}`,
    LogPath: logPath,
    Name: `/${spec.name}`,
    RestartCount: st.restartCount ?? 0,
    HostConfig: {
      AutoRemove: spec.autoRemove,
      Privileged: spec.privileged,
      ReadonlyRootfs: spec.readOnly,
      NetworkMode: spec.network,
      RestartPolicy: { Name: lc.restart.policy, MaximumRetryCount: lc.restart.maxRetries },
      LogConfig: { Type: 'json-file', Config: {
        ...(lc.log.maxSize ? { 'max-size': String(lc.log.maxSize) } : {}), 'max-file': String(lc.log.maxFile) } },
      CapAdd: null, CapDrop: null,
      Dns: spec.dns,
      ExtraHosts: spec.addHosts.map((h) => `${h.name}:${h.ip}`),
      Init: lc.init !== undefined,
    },
    Mounts: spec.mounts.map((m) => m.type === 'bind'
      ? { Type: 'bind', Source: m.source, Destination: m.destination, Mode: m.readonly ? 'ro' : '', RW: !m.readonly, Propagation: 'rprivate' }
      : { Type: 'tmpfs', Source: '', Destination: m.destination, Mode: m.options, RW: true, Propagation: '' }),
    Config: {
      Hostname: spec.hostname,
      User: spec.process.user,
      Tty: spec.process.terminal,
      OpenStdin: spec.process.stdin,
      Env: spec.process.env,
      Cmd: spec.process.args,
      Image: spec.image.ref,
      WorkingDir: spec.process.cwd,
      StopSignal: lc.stopSignal,
      StopTimeout: lc.stopTimeout,
    },
    EffectiveCaps: spec.process.capabilities,
  };
}
