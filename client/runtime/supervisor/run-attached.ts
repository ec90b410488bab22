// `myctr run --restart=… ` without -d: as Docker, the restart policy holds for a container started by an
// attached `run` too, so the container is created and started under the supervisor (which applies the policy
// after this CLI is gone) and the CLI attaches to it: output from the start of its log (a terminal's straight
// from the supervisor), stdin with -i (our EOF closes the container's), signals forwarded. The exit code is
// the first run's; the supervisor restarts it afterwards.
import type { Logger } from '../../log.js';
import type { RunOptions } from '../spec.js';
import { attachSession } from './attach.js';
import { createContainer, type LifecycleOptions } from './create.js';
import { context, startContainer } from './operations.js';

export async function runAttached(imageRef: string, opts: RunOptions, lo: LifecycleOptions, log: Logger): Promise<number> {
  const spec = await createContainer(imageRef, opts, lo, log);
  const ctx = context();
  await startContainer(ctx, spec.id);
  // A new container: its whole log is this run's (ino 0 matches no file, so the reader starts at offset 0).
  return attachSession(ctx, spec.id, { offset: 0, ino: 0 }, { sigProxy: true, stdin: opts.interactive ?? false, closeStdin: true });
}
