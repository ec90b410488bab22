// The argv of a RUN. Exec form as written; shell form after SHELL. A RUN that is just one heredoc runs its body
// in the shell, except a body starting with `#!`: as BuildKit does, that body becomes an executable file at
// /dev/pipes/<NAME> (read-only, outside the layer) and the shell runs that file, so the kernel starts the
// interpreter its first line names. Heredocs inside a longer command line are handed to the shell as written.
import type { Instruction } from './instructions.js';

export type RunInstruction = Extract<Instruction, { kind: 'run' }>;

/** Where a shebang heredoc is mounted in the RUN container (BuildKit's path). */
export const SCRIPT_DIR = '/dev/pipes';

export interface RunCommand {
  /** What the container executes. */
  argv: string[];
  /** The command as history and the cache key show it (a script's body instead of its path). */
  shown: string[];
  /** A shebang heredoc to mount at `argv`'s last element. */
  script?: { path: string; content: string };
}

export function planRunCommand(ins: RunInstruction, shell: readonly string[]): RunCommand {
  if (ins.command.form === 'exec') return { argv: ins.command.args, shown: ins.command.args };
  const only = ins.heredocs.length === 1 && /^<<-?["']?\w+["']?$/.test(ins.command.text.trim()) ? ins.heredocs[0]! : undefined;
  if (only) {
    const shown = [...shell, only.content];
    if (!only.content.startsWith('#!')) return { argv: shown, shown };
    const path = `${SCRIPT_DIR}/${only.name}`;
    return { argv: [...shell, path], shown, script: { path, content: only.content } };
  }
  if (ins.heredocs.length) {
    const text = [ins.command.text, ...ins.heredocs.map((h) => `${h.content}${h.name}`)].join('\n');
    return { argv: [...shell, text], shown: [...shell, text] };
  }
  return { argv: [...shell, ins.command.text], shown: [...shell, ins.command.text] };
}
