// Commander helpers shared by the commands.

/** Accumulates a repeatable option (`-e A -e B`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
