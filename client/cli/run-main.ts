// The CLI's entry for `myctr run`, which the build bundles alone (dist/client/cli/main.run.bundle.cjs) and
// the launcher starts for a command line whose command word is `run` (client/launch/bundle-launcher.cts): the
// same program as main.ts with only `run` in its command table, so that a run reads and deserialises no other
// command's code (a bundle of ~320 KB and a code cache of ~270 KB, against ~580 and ~330: ~6 ms of every
// run). `myctr run --help` is run's help, as with the whole table.
import { startEarlyInit } from './early-init.js';

startEarlyInit(process.argv.slice(2));
void Promise.all([import('./program.js'), import('./commands/run.js')]).then(([{ main }, run]) => main(async () => [run]));
