// The first code of a built `myctr`: bundled alone as dist/client/cli/main.pre.cjs, which the launcher runs
// before it compiles the CLI's bundle, so that a run's container init starts ~30 ms sooner (docs/BENCHMARKS.md).
// The CLI's main.ts then finds the init already started (early-init.ts keeps it on globalThis).
import { startEarlyInit } from './early-init.js';

/** The launcher compiles the CLI once this settles (see startEarlyInit). */
export const settled: Promise<unknown> | undefined = startEarlyInit(process.argv.slice(2));
