// koffi, loaded without its package entry. koffi's index.js first loads its installer helpers, which require
// `https`, `crypto` and `zlib` (Node's TLS stack): about 80-100 ms of every container start, since the init is
// the only Node process in the container path. Loading the prebuilt native module directly takes ~7 ms. The
// native module is the whole API (index.js only adds deprecated aliases that myctr does not use); elsewhere
// (musl, other architectures, a build without prebuilds) the package entry decides as before.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type KoffiModule from 'koffi';

type Koffi = typeof KoffiModule;

const require = createRequire(import.meta.url);

function loadKoffi(): Koffi {
  if (process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64')) {
    const file = join(dirname(require.resolve('koffi')), 'build', 'koffi', `linux_${process.arch}`, 'koffi.node');
    try {
      const native = require(file) as Koffi & { version?: unknown };
      if (typeof native.load === 'function' && typeof native.version === 'string') return native;
    } catch {
      // A glibc build on a musl host, or no prebuilt module: the package entry knows the alternatives.
    }
  }
  return require('koffi') as Koffi;
}

export const koffi: Koffi = loadKoffi();
