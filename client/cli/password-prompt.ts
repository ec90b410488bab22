// Reads a secret from the terminal with echo off (raw mode, like docker/podman login): backspace edits, Enter
// ends, ^C and ^D abort. The prompt and the final newline go to stderr, so stdout stays clean.
import { UsageError } from '../runtime/errors.js';

/** Decodes raw terminal input into the line typed so far; `done` once Enter was pressed. */
export function feedSecret(line: string, chunk: string): { line: string; done: boolean; aborted: boolean } {
  for (const ch of chunk) {
    if (ch === '\r' || ch === '\n') return { line, done: true, aborted: false };
    if (ch === '\u0003' || (ch === '\u0004' && line === '')) return { line, done: false, aborted: true };
    if (ch === '\u007f' || ch === '\b') line = [...line].slice(0, -1).join('');
    else if (ch === '\u0015') line = ''; // ^U: kill the line
    else if (ch >= ' ') line += ch;
  }
  return { line, done: false, aborted: false };
}

/** Asks for a secret on the controlling terminal (stdin must be a TTY), without echoing it. */
export function promptSecret(prompt: string, stdin: NodeJS.ReadStream = process.stdin, out: NodeJS.WritableStream = process.stderr): Promise<string> {
  if (!stdin.isTTY) throw new UsageError('no terminal to ask for the password', 'use --password-stdin (or -p)');
  // Echo goes off before the prompt shows: whatever is typed after seeing it is never echoed.
  stdin.setRawMode(true);
  out.write(prompt);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise<string>((resolve, reject) => {
    let line = '';
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      try { stdin.setRawMode(false); } catch { /* stdin gone */ }
      stdin.pause();
      out.write('\n');
    };
    const onData = (chunk: string): void => {
      const r = feedSecret(line, chunk);
      line = r.line;
      if (r.aborted) { finish(); reject(new UsageError('password prompt aborted')); } else if (r.done) { finish(); resolve(line); }
    };
    const onEnd = (): void => { finish(); reject(new UsageError('password prompt: end of input')); };
    stdin.on('data', onData);
    stdin.on('end', onEnd);
  });
}
