// Where myctr keeps things: root uses /var/lib/myctr and /run/myctr (as Podman), a rootless user
// $XDG_DATA_HOME/myctr and $XDG_RUNTIME_DIR/myctr. MYCTR_ROOT / MYCTR_RUNROOT override both (tests use them).
import { mkdirSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface MyctrPaths {
  /** Persistent store: images, layers, container records. */
  readonly root: string;
  /** Runtime state that a reboot clears: locks, sockets, per-container runtime dirs. */
  readonly runRoot: string;
  readonly rootless: boolean;
  /** Set when $XDG_RUNTIME_DIR was unusable and a private fallback was chosen (the CLI warns once). */
  readonly runRootFallback: boolean;
}

export function isRoot(): boolean {
  return process.geteuid?.() === 0;
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env): MyctrPaths {
  const rootless = !isRoot();
  const uid = process.geteuid?.() ?? 0;
  let runRootFallback = false;
  let root: string;
  let runRoot: string;
  if (!rootless) {
    root = '/var/lib/myctr';
    runRoot = '/run/myctr';
  } else {
    const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
    root = join(dataHome, 'myctr');
    const xdgRun = env.XDG_RUNTIME_DIR;
    if (xdgRun && isOwnedDir(xdgRun, uid)) {
      runRoot = join(xdgRun, 'myctr');
    } else {
      runRoot = join(tmpdir(), `myctr-run-${uid}`);
      runRootFallback = true;
    }
  }
  if (env.MYCTR_ROOT) root = env.MYCTR_ROOT;
  if (env.MYCTR_RUNROOT) { runRoot = env.MYCTR_RUNROOT; runRootFallback = false; }
  return { root, runRoot, rootless, runRootFallback };
}

function isOwnedDir(path: string, uid: number): boolean {
  try {
    const st = statSync(path);
    return st.isDirectory() && st.uid === uid;
  } catch {
    return false;
  }
}

/** Creates `dir` (mode 0700) with its parents; refuses a fallback run dir that someone else owns. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  const uid = process.geteuid?.() ?? 0;
  if (st.uid !== uid) throw new Error(`\`${dir}\` is owned by uid ${st.uid}, not ${uid}`);
}
