// `inspect`: the Docker-shaped view of each container (views.ts), as a JSON array or through a template.
import { resolvePaths } from '../../paths.js';
import { ContainerStore } from '../container-store.js';
import { logPathForRead } from './log-path.js';
import { currentState } from './state.js';
import { compileTemplate } from './template.js';
import { inspectView } from './views.js';

export function inspectContainers(refs: readonly string[], format?: string): string {
  const store = new ContainerStore(resolvePaths());
  const views = refs.map((ref) => {
    const id = store.resolve(ref);
    return inspectView(store.loadConfig(id), currentState(store, id), logPathForRead(store, id));
  });
  if (format === undefined || format === 'json') return `${JSON.stringify(views, null, 4)}\n`;
  const t = compileTemplate(format);
  return views.map((v) => `${t.render(v)}\n`).join('');
}
