#!/usr/bin/env node
// The myctr entry point. A foreground `myctr run` starts its container init first, so that the init's Node
// start-up overlaps with loading commander and the commands (early-init.ts); then the CLI proper (program.ts).
// No top-level await: the build turns this file into a CommonJS bundle (scripts/bundle.ts).
import { startEarlyInit } from './early-init.js';

startEarlyInit(process.argv.slice(2));
void Promise.all([import('./program.js'), import('./commands/index.js')]).then(([{ main }, { loadCommands }]) => main(loadCommands));
