// The exec'd (tenant) process's own init: started by `nsenter` inside the container's user, pid, uts, ipc,
// net and cgroup namespaces, it joins the mount namespace itself (sys/ns.ts), then runs the container init's
// finalize steps (caps, user, no_new_privs, fds, signals) and execs. Static imports only: after the join, the
// main thread no longer sees the host's files; only synchronous calls from here on (libuv's pool threads
// keep the host's root).
import { writeSync } from 'node:fs';
import { close, openPath } from '../../../sys/fd.js';
import { joinMountNamespace } from '../../../sys/ns.js';
import { setDumpable } from '../../../sys/process.js';
import type { ProcessSpec } from '../../../protocol/init-sync.js';
import { MyctrError } from '../errors.js';
import { execWorkload, prepareExec } from '../init/finalize.js';
import { ExecLookupError } from '../init/lookup.js';
import { openContainerTerminal } from '../init/terminal.js';

const TTY_FD = 4;
const O_RDONLY = 0, O_CLOEXEC = 0o2000000;

process.title = 'myctr:[exec]';

// exec -d: the CLI reads `ok` (or the error) on this fd and returns; the process's own stdio is /dev/null.
const STATUS_FD = 3;
let detached = false;

function fail(err: unknown): never {
  const code = err instanceof ExecLookupError ? err.exitCode : 125;
  const hint = err instanceof MyctrError ? err.hint : undefined;
  writeSync(detached ? STATUS_FD : 2, `myctr: ${err instanceof Error ? err.message : String(err)}\n${hint ? `hint: ${hint}\n` : ''}`);
  process.exit(code);
}

function main(): never {
  // Nothing of the container may inspect or ptrace this process while it holds host resources.
  setDumpable(false);
  const config = JSON.parse(process.env.MYCTR_EXEC_CONFIG ?? '') as { pid: number; process: ProcessSpec; detach?: boolean };
  detached = config.detach === true;
  const nsFd = openPath(`/proc/${config.pid}/ns/mnt`, O_RDONLY | O_CLOEXEC);
  joinMountNamespace(nsFd);
  close(nsFd);
  let terminal: number | undefined;
  if (config.process.terminal) terminal = openContainerTerminal(TTY_FD);
  const target = prepareExec(config.process, terminal);
  // The lookup passed (126/127 are reported above): a detached CLI may return now. nsenter, our parent, keeps
  // its copy of the fd open for as long as we run, so the CLI cannot wait for the close-on-exec instead.
  if (detached) writeSync(STATUS_FD, 'ok\n');
  return execWorkload(target.path, config.process.args, target.env);
}

try { main(); } catch (err) { fail(err); }
