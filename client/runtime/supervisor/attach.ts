// `attach`: print what a running container writes from now on until it exits, with the signals the CLI
// receives forwarded to it (Docker's --sig-proxy); the container's exit code. Output only for now.
import { MyctrError } from '../errors.js';
import { attachLogs, logEnd } from './logs.js';
import { killContainer, waitContainer, type Ctx } from './operations.js';
import { currentState } from './state.js';

const PROXIED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export async function attachContainer(ctx: Ctx, ref: string, sigProxy: boolean): Promise<number> {
  const id = ctx.store.resolve(ref);
  if (currentState(ctx.store, id).status !== 'running') {
    throw new MyctrError('MYCTR_INVALID_STATE', `container ${id.slice(0, 12)} is not running`, { hint: 'use `myctr start -a` to start and attach' });
  }
  const handlers = sigProxy ? PROXIED.map((sig) => {
    const h = () => { killContainer(ctx, id, sig).catch(() => undefined); };
    process.on(sig, h);
    return [sig, h] as const;
  }) : [];
  try {
    await attachLogs(ctx, id, logEnd(ctx, id));
    return await waitContainer(ctx, id);
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
  }
}
