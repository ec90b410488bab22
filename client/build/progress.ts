// Build progress like BuildKit's plain mode: `#N [stage i/n] INSTRUCTION`, timed output lines, `#N CACHED`,
// `#N DONE 1.2s`, `#N ERROR: …`. Quiet mode prints nothing (the CLI prints the image id). Writes to stderr.
export type ProgressMode = 'plain' | 'quiet';

export interface StepHandle {
  line(text: string): void;
  cached(): void;
  done(): void;
  error(message: string): void;
}

export class Progress {
  private next = 1;
  constructor(readonly mode: ProgressMode, private readonly write: (s: string) => void = (s) => process.stderr.write(s)) {}

  step(title: string): StepHandle {
    const n = this.next++;
    const start = performance.now();
    const secs = () => ((performance.now() - start) / 1000).toFixed(1);
    const out = (s: string) => { if (this.mode === 'plain') this.write(s); };
    out(`#${n} ${title}\n`);
    return {
      line: (text) => out(`#${n} ${((performance.now() - start) / 1000).toFixed(3)} ${text}\n`),
      cached: () => out(`#${n} CACHED\n\n`),
      done: () => out(`#${n} DONE ${secs()}s\n\n`),
      error: (message) => out(`#${n} ERROR: ${message.split('\n')[0]}\n\n`),
    };
  }

  note(text: string): void {
    if (this.mode === 'plain') this.write(`${text}\n`);
  }
}
