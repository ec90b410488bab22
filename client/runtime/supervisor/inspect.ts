// `inspect`: the Docker-shaped view of each container (views.ts), as a JSON array or through a template.
import { resolvePaths } from '../../paths.js';
import { ContainerStore } from '../container-store.js';
import { logPathForRead } from './log-path.js';
import { isPaused } from './freezer.js';
import { currentState } from './state.js';
import { compileTemplate } from './template.js';
import { inspectView } from './views.js';

export function inspectContainers(refs: readonly string[], format?: string): string {
  const store = new ContainerStore(resolvePaths());
  const views = refs.map((ref) => {
    const id = store.resolve(ref);
    const st = currentState(store, id);
    const view = inspectView(store.loadConfig(id), st, logPathForRead(store, id));
    if (st.status === 'running' && isPaused(store.layout(id).runDir)) Object.assign(view.State as object, { Status: 'paused', Paused: true });
    return view;
  });
  if (format === undefined || format === 'json') return `${JSON.stringify(views, null, 4)}\n`;
  const t = compileTemplate(format);
  return views.map((v) => `${t.render(v)}\n`).join('');
}
