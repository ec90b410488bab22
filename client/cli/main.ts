#!/usr/bin/env node
// The myctr entry point. A foreground `myctr run` starts its container init first, so that the init's Node
// start-up overlaps with loading commander and the commands (early-init.ts); then the CLI proper (program.ts).
import { startEarlyInit } from './early-init.js';

startEarlyInit(process.argv.slice(2));
const { main } = await import('./program.js');
await main();
