// The bundle's side of client/launch/bundle-launcher.cts: a process that never exits normally (the container
// init ends in execve) writes its code cache when it has compiled what the next start will need.
const HOOK = Symbol.for('myctr.codeCache');

interface Hook { save(): void; hold(): void }
const hook = (): Hook | undefined => (globalThis as Record<symbol, Hook | undefined>)[HOOK];

/** Writes the code cache now if the launcher has none yet; nothing when not started by the launcher. */
export function saveCodeCache(): void {
  hook()?.save();
}

/** Keeps the cache directory open for a later saveCodeCache() from a process that pivots its root meanwhile. */
export function holdCodeCache(): void {
  hook()?.hold();
}
