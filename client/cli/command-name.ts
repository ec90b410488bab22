// Which command argv asks for, before commander has parsed it: for loading only that command's module, and
// for starting a run's container init early (early-init.ts), which must not load the command table.

/** The first word of argv that is not an option (nor the value of --log-level): the command being run. */
export function commandNameOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--log-level') { i++; continue; }
    if (!a.startsWith('-')) return a;
  }
  return undefined;
}
