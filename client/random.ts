// Random bytes from the kernel's /dev/urandom (the source node:crypto draws on), read directly: loading
// node:crypto costs every `myctr run` ~3 ms and 47 modules, and the start path needs only ids and temp names.
import { closeSync, openSync, readSync } from 'node:fs';

export function randomBytes(n: number): Buffer {
  const buf = Buffer.alloc(n);
  const fd = openSync('/dev/urandom', 'r');
  try {
    for (let off = 0; off < n;) off += readSync(fd, buf, off, n - off, null);
  } finally {
    closeSync(fd);
  }
  return buf;
}
