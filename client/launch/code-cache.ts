// The bundle's side of client/launch/bundle-launcher.cts: a process that never exits normally (the container
// init ends in execve) writes its code cache when it has compiled what the next start will need.
const HOOK = Symbol.for('myctr.codeCache');

/** Writes the code cache now if the launcher has none yet; nothing when not started by the launcher. */
export function saveCodeCache(): void {
  const hook = (globalThis as Record<symbol, { save(): void } | undefined>)[HOOK];
  hook?.save();
}
