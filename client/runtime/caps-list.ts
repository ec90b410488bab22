// The capability names this kernel knows, in kernel order (CAP_CHOWN … cap_last_cap). Reads /proc rather
// than asking prctl, so the CLI does not load the FFI for it.
import { readFileSync } from 'node:fs';
import { CAPABILITIES } from '../../sys/cap-table.js';

export function capNamesAll(): string[] {
  let last = 40;
  try { last = Number.parseInt(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'), 10); } catch { /* keep 40 (Linux 5.9+) */ }
  return Object.entries(CAPABILITIES).filter(([, n]) => n <= last).sort((a, b) => a[1] - b[1]).map(([name]) => name);
}
