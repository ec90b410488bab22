// `myctr run -d`: create the record, hand it to the supervisor, return its id. If the start fails the
// container stays (exited, with the error in `inspect`), as Docker's; with --rm it is removed.
import type { Logger } from '../../log.js';
import type { RunOptions } from '../spec.js';
import { createContainer, type LifecycleOptions } from './create.js';
import { context, removeContainer, startContainer } from './operations.js';

export async function runDetached(imageRef: string, opts: RunOptions, lo: LifecycleOptions, log: Logger): Promise<string> {
  const spec = await createContainer(imageRef, opts, lo, log);
  const ctx = context();
  try {
    await startContainer(ctx, spec.id);
  } catch (err) {
    if (spec.autoRemove) await removeContainer(ctx, spec.id, true).catch(() => undefined);
    throw err;
  }
  return spec.id;
}
