// RollbackStack: each host-side side effect registers its undo right after it succeeds; unwind() runs them
// in reverse, attempts every one and returns the failures instead of throwing (youki cleanup_container).
import type { Logger } from '../log.js';

export class RollbackStack {
  private steps: { what: string; undo: () => unknown }[] = [];
  constructor(private readonly log?: Logger) {}

  defer(what: string, undo: () => unknown): void {
    this.steps.push({ what, undo });
  }

  /** Forget the undo steps: the operation succeeded and its effects are now owned by the caller. */
  commit(): void {
    this.steps = [];
  }

  async unwind(): Promise<Error[]> {
    const errors: Error[] = [];
    for (const step of this.steps.reverse()) {
      try {
        await step.undo();
        this.log?.debug({ step: step.what }, 'rolled back');
      } catch (err) {
        errors.push(new Error(`${step.what}: ${err instanceof Error ? err.message : String(err)}`));
      }
    }
    this.steps = [];
    return errors;
  }
}
