// Multi-container verbs (stop a b c): act on each in turn, print what the action returns (the ref, or an
// exit code), report each failure as Docker does and keep going; exit 125 if any failed, else 0.
import { MyctrError, messageOf } from '../errors.js';

export async function forEachRef(refs: readonly string[], act: (ref: string) => Promise<string>): Promise<number> {
  let failed = false;
  for (const ref of refs) {
    try {
      const out = await act(ref);
      process.stdout.write(`${/^[0-9a-f]{64}$/.test(out) ? ref : out}\n`);
    } catch (err) {
      if (refs.length === 1) throw err;
      failed = true;
      process.stderr.write(`myctr: ${messageOf(err)}\n`);
      if (err instanceof MyctrError && err.hint) process.stderr.write(`hint: ${err.hint}\n`);
    }
  }
  return failed ? 125 : 0;
}
