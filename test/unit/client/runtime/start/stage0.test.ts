// stage0Script: the shell between unshare and the init, for the CLI's socket (fd 3 both ways) and for the
// `myctr` command's FIFOs (client/launch/myctr.sh). Each script runs in a real /bin/sh here, without the
// namespaces, against pipes and FIFOs that stand in for the parent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { LAUNCHER_FDS, SOCKET_FDS, stage0Script } from '../../../../../client/runtime/start/stage0.js';

/** Runs `script` as stage 0 would, with `program` as "$@", and fds 3-5 wired as the launcher wires them. */
function runLauncherScript(script: string, program: string, answerMap: boolean): { status: number | null; out: string; exit: string } {
  // A harness shell plays the parent: FIFO 'in' carries the map answer, 'out' the requests, 'exit' the status.
  const harness = [
    'set -e; d=$(mktemp -d); mkfifo "$d/in" "$d/out" "$d/exit"',
    'exec 3<>"$d/in" 4<>"$d/out" 5<>"$d/exit"',
    `/bin/sh -c "$1" myctr-stage0 /bin/sh -c "$2" 3<"$d/in" 4>"$d/out" 5>"$d/exit" </dev/null & pid=$!`,
    answerMap ? 'read -r req <&4; [ "$req" = m ] && echo >&3' : ':',
    'wait "$pid" || true; read -r st <&5; echo "exit=$st"',
    'exec 4<&-; rm -r "$d"',
  ].join('\n');
  const r = spawnSync('/bin/sh', ['-c', harness, 'harness', script, program], { encoding: 'utf8', timeout: 10_000 });
  const exit = /exit=(\d*)/.exec(r.stdout)?.[1] ?? '';
  return { status: r.status, out: r.stdout.replace(/exit=\d*\n/, ''), exit };
}

describe('stage0Script', () => {
  test('the CLI\'s socket: one fd both ways, stdin through fd 5, no status line', () => {
    assert.deepEqual(SOCKET_FDS, { in: 3, out: 3, stdin: 5 });
    const s = stage0Script({ mapRequest: true, pidNamespace: true, keepSync: true });
    assert.equal(s, 'printf m >&3 && read -r _ <&3 || exit 125; exec 5<&0; "$@" 0<&5 5<&- & exec 0</dev/null 3>&- 4>&- 5<&-; wait $!');
  });

  test('the command\'s FIFOs: a map request line, the program\'s status on fd 5', () => {
    assert.deepEqual(LAUNCHER_FDS, { in: 3, out: 4, exit: 5, stdin: 6 });
    const script = stage0Script({ mapRequest: true, pidNamespace: true, keepSync: true, launcher: true });
    assert.match(script, /^trap '' HUP TSTP TTIN TTOU; printf 'm\\n' >&4 && read -r _ <&3 \|\| exit 125; /);
    const r = runLauncherScript(script, 'echo ran; exit 7', true);
    assert.equal(r.out, 'ran\n');
    assert.equal(r.exit, '7', 'the status line is the program\'s exit code');
  });

  test('the command\'s stage 0 (in the caller\'s session) outlives a hangup and reports the status', () => {
    const script = stage0Script({ mapRequest: false, pidNamespace: true, keepSync: true, launcher: true });
    // The program hangs its parent, the stage-0 shell, up (as a closing terminal would), then exits 4.
    const r = runLauncherScript(script, 'kill -HUP $PPID; sleep 0.1; exit 4', false);
    assert.equal(r.exit, '4', 'the shell ignored SIGHUP and wrote the status');
    const cli = stage0Script({ mapRequest: false, pidNamespace: true, keepSync: true });
    assert.doesNotMatch(cli, /trap/, 'the CLI\'s stage 0 has a session of its own (spawned detached)');
  });

  test('the command\'s FIFOs: a program killed by a signal reports 128+N; no map answer (EOF) is exit 125', () => {
    const noMap = stage0Script({ mapRequest: false, pidNamespace: true, keepSync: true, launcher: true });
    assert.equal(runLauncherScript(noMap, 'kill -TERM $$', false).exit, '143');
    // Without the answer (the parent is gone: the harness closes its write end), stage 0 gives up.
    const withMap = stage0Script({ mapRequest: true, pidNamespace: true, keepSync: true, launcher: true });
    const harness = [
      'd=$(mktemp -d); mkfifo "$d/in" "$d/out"; exec 4<>"$d/out"',
      // Opening 'in' pairs the two sides; the harness then closes its write end at once.
      '(exec 3<"$d/in"; /bin/sh -c "$1" s0 true 4>"$d/out" 5>/dev/null; echo "s0=$?") & exec 7>"$d/in"; exec 7>&-',
      'wait; rm -r "$d"',
    ].join('\n');
    const r = spawnSync('/bin/sh', ['-c', harness, 'harness', withMap], { encoding: 'utf8', timeout: 10_000 });
    assert.match(r.stdout, /s0=125/);
  });
});
