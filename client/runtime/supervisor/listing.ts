// `ps` output: every container's record with its reconciled state, as the aligned table, ids, JSON lines or
// a Go template. Records that vanish or are half-written while listing (a concurrent rm) are skipped.
import { resolvePaths } from '../../paths.js';
import { ContainerStore } from '../container-store.js';
import type { ContainerSpec } from '../spec.js';
import { isPaused } from './freezer.js';
import { currentState } from './state.js';
import { compileTemplate } from './template.js';
import { alignTable, psRow, psTable, type PsRow } from './views.js';

export interface ListOptions { all: boolean; quiet: boolean; noTrunc: boolean; format?: string }

export function containerRows(store: ContainerStore, all: boolean, noTrunc: boolean): PsRow[] {
  const rows: { row: PsRow; created: string }[] = [];
  for (const id of store.ids()) {
    let spec: ContainerSpec;
    try { spec = store.loadConfig(id); } catch { continue; }
    const st = currentState(store, id);
    if (!all && st.status !== 'running') continue;
    const row = psRow(spec, st);
    if (st.status === 'running' && isPaused(store.layout(id).runDir)) { row.Status += ' (Paused)'; row.State = 'paused'; }
    if (noTrunc) row.ID = id;
    rows.push({ row, created: spec.created });
  }
  // Newest first, as Docker.
  return rows.sort((a, b) => b.created.localeCompare(a.created)).map((r) => r.row);
}

export function listContainers(o: ListOptions): string {
  const rows = containerRows(new ContainerStore(resolvePaths()), o.all, o.noTrunc);
  if (o.quiet) return rows.map((r) => `${r.ID}\n`).join('');
  if (o.format === 'json') return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  if (o.format !== undefined && o.format !== 'table') {
    const t = compileTemplate(o.format);
    if (t.table) return alignTable([t.header().split('\t'), ...rows.map((r) => t.render(r).split('\t'))]);
    return rows.map((r) => `${t.render(r)}\n`).join('');
  }
  return psTable(rows);
}
